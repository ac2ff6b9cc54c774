#!/usr/bin/python3
"""An independent mode 6 client: ntpsec's ntp.packet.ControlSession (Debian
python3-ntp) reads `rv 0`, the association list and one peer's variables
from 127.0.0.1:123 and prints them as `key=value` lines, sorted, for the
gtest to compare. Not our code: it decodes our packets by its own rules."""
import sys

import ntp.packet


def main():
    s = ntp.packet.ControlSession()
    s.debug = 0
    if not s.openhost("127.0.0.1"):
        print("cannot open host", file=sys.stderr)
        return 1
    out = []
    for k, v in s.readvar(0).items():
        out.append("sys.%s=%r" % (k, v))
    for p in s.readstat():
        out.append("assoc %d status=%04x" % (p.associd, p.status))
        for k, v in s.readvar(p.associd, ["flags", "host", "signature", "ident"]).items():
            out.append("peer.%s=%r" % (k, v))
    print("\n".join(sorted(out)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
