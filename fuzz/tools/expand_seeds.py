#!/usr/bin/env python3
"""Turns a target's seed list into plain files libFuzzer can read.

    expand_seeds.py OUTDIR PATH...

Each PATH is a file (copied), a folder (walked) or a .pcap/.pcapng capture
(each UDP payload becomes one file), exactly what replay_main.cpp accepts.
Files are named by content hash, so running it twice adds nothing.
"""
import hashlib
import os
import shutil
import struct
import sys


def pcap_udp_payloads(path):
    data = open(path, "rb").read()
    if data[:4] == b"\x0a\x0d\x0d\x0a":
        yield from pcapng_udp_payloads(data)
        return
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    linktype = struct.unpack(endian + "I", data[20:24])[0] & 0xFFFF
    i = 24
    while i + 16 <= len(data):
        incl = struct.unpack(endian + "I", data[i + 8:i + 12])[0]
        frame = data[i + 16:i + 16 + incl]
        i += 16 + incl
        p = udp_payload(frame, linktype)
        if p is not None:
            yield p


def pcapng_udp_payloads(data):
    i, linktypes = 0, []
    while i + 12 <= len(data):
        btype, blen = struct.unpack("<II", data[i:i + 8])
        body = data[i + 8:i + blen - 4]
        if btype == 1:
            linktypes.append(struct.unpack("<H", body[:2])[0])
        elif btype == 6:
            iface = struct.unpack("<I", body[0:4])[0]
            caplen = struct.unpack("<I", body[12:16])[0]
            frame = body[20:20 + caplen]
            p = udp_payload(frame, linktypes[iface] if iface < len(linktypes) else 1)
            if p is not None:
                yield p
        i += max(blen, 12)


def udp_payload(frame, linktype):
    off = {1: 14, 113: 16, 276: 20, 101: 0, 228: 0, 0: 4}.get(linktype, 14)
    if linktype == 1 and frame[12:14] == b"\x81\x00":
        off += 4
    ip = frame[off:]
    if len(ip) < 20:
        return None
    if ip[0] >> 4 == 4 and ip[9] == 17:
        return ip[(ip[0] & 15) * 4 + 8:]
    if ip[0] >> 4 == 6 and ip[6] == 17:
        return ip[48:]
    return None


def emit(outdir, data):
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(outdir, name), "wb") as f:
        f.write(data)


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    n = 0
    for p in sys.argv[2:]:
        if not p or not os.path.exists(p):
            continue
        paths = [p]
        if os.path.isdir(p):
            paths = [os.path.join(d, f) for d, _, fs in os.walk(p) for f in sorted(fs)]
        for q in paths:
            if q.endswith((".pcap", ".pcapng")):
                for payload in pcap_udp_payloads(q):
                    emit(outdir, payload)
                    n += 1
            else:
                emit(outdir, open(q, "rb").read())
                n += 1
    print("%d seeds in %s" % (n, outdir))


if __name__ == "__main__":
    main()
