#!/usr/bin/env bash
# README command 1: the seed HOWTO's Autokey/IFF scenario, end to end, with
# our own programs on loopback and without root:
#   server keys (autokey-keygen -T -I), the exported IFF parameters, client
#   keys, the parameters installed on the client with the seed's symlinks,
#   a server autokeyd on its LOCAL clock and a client autokeyd following it
#   with `autokey ident servername`; progress while the client's association
#   lights CERT VRFY PROV COOK AUTO SIGN LEAP; then the seed's ntpq views
#   (through autokey-q) and a clean stop of both daemons.
#
#   bash scripts/demo.sh                 install deps, build into build/, run
#   bash scripts/demo.sh --no-install --bin-dir DIR
#                                        run against already built programs (ctest)
#   KEEP=1 bash scripts/demo.sh ...      keep the work directory for inspection
#
# Exit status 0 only when every step worked; otherwise the failing step is
# named and the daemons' logs are shown.
set -euo pipefail
cd "$(dirname "$0")/.."

install=1
bin=build/bin
while [ $# -gt 0 ]; do
  case "$1" in
    --no-install) install=0 ;;
    --bin-dir) bin="$2"; shift ;;
    *) echo "usage: $0 [--no-install] [--bin-dir DIR]" >&2; exit 2 ;;
  esac
  shift
done

if [ "$install" = 1 ]; then
  bash scripts/install-deps.sh
  bash scripts/build.sh
fi
bin=$(cd "$bin" && pwd)
for p in autokey-keygen autokeyd autokey-q; do
  [ -x "$bin/$p" ] || { echo "demo: FAILED: $bin/$p is missing (build it first)" >&2; exit 1; }
done

started=$(date +%s)
work=$(mktemp -d "${TMPDIR:-/tmp}/autokey-demo.XXXXXX")
server_pid="" client_pid=""

show_logs() {
  for f in "$work/server.log" "$work/client.log"; do
    [ -f "$f" ] && { echo "--- last lines of $f"; tail -n 15 "$f"; }
  done
}
cleanup() {
  for pid in $server_pid $client_pid; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "${KEEP:-0}" = 1 ]; then echo "demo: work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
fail() {
  echo >&2
  echo "demo: FAILED: $*" >&2
  show_logs >&2
  exit 1
}
step() { printf '\n== %s\n' "$*"; }
run() { printf '$ %s\n' "$*" >&2; "$@"; }

# Two free UDP ports on 127.0.0.1 (no root: the `port N` extension).
read -r server_port client_port < <(python3 - <<'EOF'
import socket
socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(2)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])
EOF
) || fail "could not find two free UDP ports"

mkdir -p "$work/server" "$work/client"
keygen="$bin/autokey-keygen"
q() { "$bin/autokey-q" --port "$1" -c "$2" 127.0.0.1; }

# ---- On the server ------------------------------------------------------------
# The seed runs ntp-keygen on a host called "servername"; -s servername@servername
# gives our single machine that name and group (the fixture's names).
step "Server: generate the host key, a trusted certificate and the IFF key"
(cd "$work/server" && run "$keygen" -T -I -p server_password -s servername@servername) 2>&1 | sed 's/^/  /' \
  || fail "server key generation (autokey-keygen -T -I)"
[ -e "$work/server/ntpkey_iffkey_servername" ] || fail "autokey-keygen -T -I made no ntpkey_iffkey_servername"

step "Server: export the public IFF parameters"
(cd "$work/server" && run "$keygen" -e -p server_password -s servername@servername \
  > "$work/ntpkey_iffpar_servername" 2> "$work/export.log") || fail "IFF parameter export (autokey-keygen -e)"
par_name=$(head -n 1 "$work/ntpkey_iffpar_servername" | sed 's/^# //')
case "$par_name" in ntpkey_iffpar_servername.*) ;; *) fail "the export's first line names no ntpkey_iffpar_servername.* file" ;; esac
echo "  the first line suggests the name: $par_name"

# ---- On the client ------------------------------------------------------------
step "Client: generate the host key and certificate"
(cd "$work/client" && run "$keygen" -p client_password -s clientname@servername) 2>&1 | sed 's/^/  /' \
  || fail "client key generation (autokey-keygen)"

step "Client: install the IFF parameters as the seed describes"
cp "$work/ntpkey_iffpar_servername" "$work/client/$par_name"
(cd "$work/client" && run ln -s "$par_name" ntpkey_iff_servername && run ln -s ntpkey_host_clientname ntpkey_iff_clientname)

# ---- Configuration ------------------------------------------------------------
cat > "$work/server.conf" <<EOF
# seed demo: the server, on its LOCAL clock at stratum 3 (as the fixtures)
port $server_port
server 127.127.1.0 minpoll 3 maxpoll 3 prefer
fudge 127.127.1.0 stratum 3
disable ntp
keysdir $work/server/
crypto pw server_password host servername ident servername
statsdir $work/server/
statistics cryptostats peerstats
filegen cryptostats file cryptostats type none enable
filegen peerstats file peerstats type none enable
EOF
cat > "$work/client.conf" <<EOF
# seed demo: the client, Autokey with IFF against the server's group
port $client_port
server 127.0.0.1 port $server_port autokey ident servername iburst
disable ntp
keysdir $work/client/
crypto pw client_password host clientname ident servername
statsdir $work/client/
statistics cryptostats peerstats
filegen cryptostats file cryptostats type none enable
filegen peerstats file peerstats type none enable
EOF
step "Configuration"
sed 's/^/  server.conf: /' "$work/server.conf"
sed 's/^/  client.conf: /' "$work/client.conf"

# ---- Run ------------------------------------------------------------------------
# --poll 1: one Autokey step every 2 s instead of ntpd's 16-64 s, so that the
# whole dance fits in seconds. The system clock is never touched.
step "Start both daemons on 127.0.0.1 (server port $server_port, client port $client_port)"
"$bin/autokeyd" -n -c "$work/server.conf" -l "$work/server.log" -p "$work/server.pid" --poll 1 &
server_pid=$!
"$bin/autokeyd" -n -c "$work/client.conf" -l "$work/client.log" -p "$work/client.pid" --poll 1 &
client_pid=$!
sleep 0.5
kill -0 "$server_pid" 2>/dev/null || fail "the server autokeyd did not start"
kill -0 "$client_pid" 2>/dev/null || fail "the client autokeyd did not start"

flag_names() {
  local f=$(( $1 )) out="" bit name
  for bit in 0x100:CERT 0x200:VRFY 0x400:PROV 0x800:COOK 0x1000:AUTO 0x2000:SIGN 0x4000:LEAP; do
    name=${bit#*:}
    (( f & ${bit%%:*} )) && out="$out $name"
  done
  echo "${out# }"
}

step "Client association: waiting for CERT VRFY PROV COOK AUTO SIGN LEAP"
assoc=""
for _ in $(seq 1 40); do
  assoc=$(q "$client_port" as 2>/dev/null | awk 'NR > 2 && $2 ~ /^[0-9]+$/ { print $2; exit }') || true
  [ -n "$assoc" ] && break
  sleep 0.25
done
[ -n "$assoc" ] || fail "the client answers no association list (autokey-q -c as)"
last="" flags=0 deadline=$(( $(date +%s) + 45 ))
while :; do
  flags=$(q "$client_port" "rv $assoc flags" 2>/dev/null | sed -n 's/.*flags=\(0x[0-9a-f]*\).*/\1/p') || true
  flags=${flags:-0x0}
  if [ "$flags" != "$last" ]; then
    printf '  %3ss  association %s  flags=%s  %s\n' "$(( $(date +%s) - started ))" "$assoc" "$flags" "$(flag_names "$flags")"
    last=$flags
  fi
  (( (flags & 0x7f00) == 0x7f00 )) && break
  [ "$(date +%s)" -lt "$deadline" ] || fail "the association stopped at flags=$flags ($(flag_names "$flags")) after 45 s"
  kill -0 "$server_pid" 2>/dev/null || fail "the server autokeyd died"
  kill -0 "$client_pid" 2>/dev/null || fail "the client autokeyd died"
  sleep 0.5
done

# ---- The seed's views -----------------------------------------------------------
step "Server: ntpq -c \"rv 0 flags,cert\"  (autokey-q)"
server_view=$(q "$server_port" "rv 0 flags,cert") || fail "autokey-q could not read the server"
echo "$server_view"
step "Client: ntpq -c \"rv 0 flags,cert\"  (autokey-q)"
client_view=$(q "$client_port" "rv 0 flags,cert") || fail "autokey-q could not read the client"
echo "$client_view"
step "Client: ntpq -pcas  (autokey-q -p -c as)"
"$bin/autokey-q" --port "$client_port" -p -c as 127.0.0.1 || fail "autokey-q -p -c as"
step "Client: ntpq -c \"rv $assoc flags\"  (autokey-q)"
q "$client_port" "rv $assoc flags" || fail "autokey-q rv $assoc flags"

grep -q 'cert="servername@servername servername@servername 0x1"' <<<"$server_view" \
  || fail "the server does not show its trusted self-signed certificate"
grep -q 'cert="clientname@servername servername@servername' <<<"$client_view" \
  || fail "the client does not show the certificate the server signed for it (SIGN)"
(( flags & 0x20 )) || fail "the association flags $flags do not show IFF (0x20)"

step "Client cryptostats"
sed 's/^/  /' "$work/client/cryptostats"

# ---- Stop -----------------------------------------------------------------------
step "Stop both daemons"
kill -TERM "$server_pid" "$client_pid"
status=0
wait "$server_pid" || status=$?
[ "$status" = 0 ] || fail "the server autokeyd exited with status $status"
wait "$client_pid" || status=$?
[ "$status" = 0 ] || fail "the client autokeyd exited with status $status"
server_pid="" client_pid=""
echo "  both exited cleanly"

printf '\ndemo: OK: the client association lit every Autokey flag (flags=%s) with IFF in %s s\n' \
  "$flags" "$(( $(date +%s) - started ))"
