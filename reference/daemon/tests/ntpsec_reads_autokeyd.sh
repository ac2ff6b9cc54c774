#!/usr/bin/env bash
# An independent mode 6 client reads our daemon: ntpsec's
# ntp.packet.ControlSession (Debian python3-ntp), which only speaks to port
# 123, queries a real autokeyd (IFF server keys of the iff-md5-512 fixture,
# read in place) inside a fresh user + network namespace. Exit 77 (skip)
# without python3-ntp or namespaces.
#   ntpsec_reads_autokeyd.sh AUTOKEYD SHARED_DIR
set -euo pipefail
autokeyd=$1
shared=$2
# Debian's python3-ntp lives in the system interpreter (a pyenv python3 on
# PATH does not see it).
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
if [ -z "${AK_INSIDE_NS:-}" ]; then
  "$py" -c 'import ntp.packet' 2>/dev/null || { echo "SKIPPED: python3-ntp (ntpsec's ntp.packet) is not installed"; exit 77; }
  unshare -rn true 2>/dev/null || { echo "SKIPPED: no user/network namespaces (unshare -rn)"; exit 77; }
  AK_INSIDE_NS=1 exec unshare -rn bash "$0" "$@"
fi
ip link set lo up
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
keys="$shared/fixtures/ntpd-4.2.8p15/iff-md5-512/server"
cat > "$work/ntp.conf" <<CONF
server 127.127.1.0 prefer
fudge 127.127.1.0 stratum 3
disable ntp
keysdir $keys/
crypto pw server_password host servername ident servername
CONF
"$autokeyd" -n -c "$work/ntp.conf" -l "$work/log" &
pid=$!
sleep 1.5
out=$("$py" - <<'PY'
import ntp.packet
s = ntp.packet.ControlSession()
if not s.openhost("127.0.0.1"):
    raise SystemExit("cannot open 127.0.0.1")
for k, v in sorted(s.readvar(0).items()):
    print("sys.%s=%s" % (k, v))
for p in s.readstat():
    print("assoc %d status=%04x" % (p.associd, p.status))
    for k, v in sorted(s.readvar(p.associd).items()):
        print("peer.%s=%s" % (k, v))
PY
) || { cat "$work/log"; echo "FAILED: ntpsec's ControlSession could not read autokeyd"; exit 1; }
echo "$out"
# ntpsec turns hex values into integers: 524323 is flags=0x80023 (fixture ntpq).
for want in "sys.flags=524323" "sys.host=servername@servername" "sys.digest=md5" \
            "sys.signature=md5WithRSAEncryption" "sys.stratum=4" "peer.srcadr=127.127.1.0"; do
  grep -qx -- "$want" <<<"$out" || { echo "FAILED: '$want' not in ntpsec's reading"; exit 1; }
done
grep -q '^sys.cert=' <<<"$out" || { echo "FAILED: no cert variable"; exit 1; }
grep -Eq '^assoc [0-9]+ status=96' <<<"$out" || { echo "FAILED: the LOCAL association is not conf+reach+sys.peer"; exit 1; }
echo "OK: ntpsec read autokeyd's system, certificate and association variables"
