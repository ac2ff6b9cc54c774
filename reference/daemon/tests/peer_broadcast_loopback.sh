#!/usr/bin/env bash
# Symmetric peers and Autokey broadcast between real autokeyd processes on
# loopback, no root (the `port N` extension), with the fixture keys read in
# place:
#   peers      two autokeyd with `peer 127.0.0.1 port P autokey` (sym-tc-md5-512
#              keys) both reach flags=0x87f03 and measure each other (reach);
#   clockless  the same peers, but b has no clock of its own: b follows a
#              (stratum 5), both associations complete and stay complete,
#              b stays synchronized and a never restarts (troubleshooting
#              §2.10: before 2026-11-27 both daemons ticked on the second
#              boundary, their packets crossed and failed the origin test);
#   broadcast  `broadcast 127.255.255.255 autokey port P` on a LOCAL-clock
#              server and `broadcastclient` on a clockless client
#              (bcast-tc-md5-512 keys): the client's association reaches
#              0x87f03 and the client synchronizes to the server (stratum 5).
#
#   bash peer_broadcast_loopback.sh BIN_DIR SHARED_DIR [peers|clockless|broadcast]...
# Exit 0 when every scenario worked; otherwise the failing check is named and
# the daemons' logs are shown.
set -euo pipefail
bin=$(cd "$1" && pwd)
shared=$2
shift 2
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(peers clockless broadcast)
fixtures="$shared/fixtures/ntpd-4.2.8p15"
for p in autokeyd autokey-q; do
  [ -x "$bin/$p" ] || { echo "FAILED: $bin/$p is missing" >&2; exit 1; }
done
[ -d "$fixtures/sym-tc-md5-512" ] || { echo "FAILED: no fixtures under $fixtures" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/autokey-peers.XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "${KEEP:-0}" = 1 ]; then echo "work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
fail() {
  echo "FAILED: $*" >&2
  for f in "$work"/*.log; do [ -f "$f" ] && { echo "--- last lines of $f" >&2; tail -n 20 "$f" >&2; }; done
  exit 1
}
free_ports() {
  python3 - <<'PY'
import socket
socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(2)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])
PY
}
q() { "$bin/autokey-q" --port "$1" -c "$2" 127.0.0.1; }
start() {  # name conf
  "$bin/autokeyd" -n -c "$work/$1.conf" -l "$work/$1.log" -p "$work/$1.pid" --poll 1 &
  pids+=($!)
}
first_assoc() { q "$1" as 2>/dev/null | awk 'NR > 2 && $2 ~ /^[0-9]+$/ { print $2 }'; }
# The flags of the first association of the daemon on port $1 whose flags
# are non-zero (a LOCAL clock has none).
autokey_flags() {
  local a f
  for a in $(first_assoc "$1"); do
    f=$(q "$1" "rv $a flags" 2>/dev/null | sed -n 's/.*flags=\(0x[0-9a-f]*\).*/\1/p') || true
    [ -n "$f" ] && { echo "$a $f"; return; }
  done
  echo "- 0x0"
}
wait_flags() {  # port want seconds label
  local deadline=$(( $(date +%s) + $3 )) got
  while :; do
    got=$(autokey_flags "$1")
    [ "${got#* }" = "$2" ] && { echo "  $4: association ${got% *} flags=${got#* }"; return; }
    [ "$(date +%s)" -lt "$deadline" ] || fail "$4: flags ${got#* } after $3 s (want $2)"
    sleep 0.5
  done
}

# Two peer configurations, $3-a.conf and $3-b.conf (statistics in $3-a/,
# $3-b/), on ports $1 and $2; $4 = "clockless" leaves b without a LOCAL clock.
write_peer_confs() {
  local pa=$1 pb=$2 name=$3 mode=${4:-}
  for side in a b; do
    local other port host pw clock
    if [ $side = a ]; then port=$pa other=$pb host=peera pw=apw; else port=$pb other=$pa host=peerb pw=bpw; fi
    clock="server 127.127.1.0 minpoll 3 maxpoll 3 prefer
fudge 127.127.1.0 stratum 3"
    [ $side = b ] && [ "$mode" = clockless ] && clock="# no clock of its own"
    mkdir -p "$work/$name-$side"
    cat > "$work/$name-$side.conf" <<CONF
port $port
$clock
peer 127.0.0.1 port $other autokey
disable ntp
keysdir $fixtures/sym-tc-md5-512/$side/
crypto pw $pw host $host ident grp
statsdir $work/$name-$side/
statistics cryptostats peerstats
filegen cryptostats file cryptostats type none enable
filegen peerstats file peerstats type none enable
CONF
  done
}
wait_stratum() {  # port want seconds label
  local deadline=$(( $(date +%s) + $3 )) stratum
  while :; do
    stratum=$(q "$1" "rv 0 stratum" 2>/dev/null | sed -n 's/.*stratum=\([0-9]*\).*/\1/p') || true
    [ "$stratum" = "$2" ] && { echo "  $4: stratum=$stratum"; return; }
    [ "$(date +%s)" -lt "$deadline" ] || fail "$4: stratum=$stratum after $3 s (want $2)"
    sleep 0.5
  done
}

peers() {
  local pa pb
  read -r pa pb < <(free_ports)
  write_peer_confs "$pa" "$pb" peer
  start peer-a
  start peer-b
  echo "== peers on 127.0.0.1 ports $pa and $pb"
  wait_flags "$pa" 0x87f03 60 "peer a"
  wait_flags "$pb" 0x87f03 60 "peer b"
  # Proventic symmetric packets reach the time service: reach goes non-zero.
  local deadline=$(( $(date +%s) + 20 )) a reach
  a=$(autokey_flags "$pa"); a=${a% *}
  while :; do
    reach=$(q "$pa" "rv $a reach" 2>/dev/null | sed -n 's/.*reach=\([0-7]*\).*/\1/p') || true
    [ -n "$reach" ] && [ "$reach" != 0 ] && [ "$reach" != 000 ] && break
    [ "$(date +%s)" -lt "$deadline" ] || fail "peer a: its symmetric peer never became reachable (reach=$reach)"
    sleep 0.5
  done
  echo "  peer a: reach=$reach"
  grep -q "cook" "$work/peer-a/cryptostats" || fail "peer a: no cook line in cryptostats"
  q "$pa" "rv $a flags,hmode,pmode,host,reach"
}

clockless() {
  local pa pb
  read -r pa pb < <(free_ports)
  write_peer_confs "$pa" "$pb" lone clockless
  start lone-a
  start lone-b
  echo "== peers on 127.0.0.1 ports $pa and $pb, b without a clock"
  # b was unsynchronized at the ASSOC exchange: no TAI in its status word,
  # so a lights LEAP at once (0x87f01); b sees a's 0x87f03.
  wait_flags "$pa" 0x87f01 60 "peer a"
  wait_flags "$pb" 0x87f03 60 "peer b"
  wait_stratum "$pb" 5 30 "peer b, following peer a"
  # Twenty more seconds (ten polls at --poll 1): nothing falls apart.
  sleep 20
  wait_flags "$pa" 0x87f01 1 "peer a, 20 s later"
  wait_flags "$pb" 0x87f03 1 "peer b, 20 s later"
  wait_stratum "$pb" 5 1 "peer b, 20 s later"
  ! grep -q "restarted" "$work/lone-a.log" || fail "peer a restarted its association"
  ! grep -q "no system peer" "$work/lone-b.log" || fail "peer b lost its system peer"
  echo "  no restarts, no loss of synchronization"
}

broadcast() {
  local ps pc
  read -r ps pc < <(free_ports)
  mkdir -p "$work/bserver" "$work/bclient"
  cat > "$work/bserver.conf" <<CONF
port $ps
server 127.127.1.0 minpoll 3 maxpoll 3 prefer
fudge 127.127.1.0 stratum 3
broadcast 127.255.255.255 port $pc autokey
disable ntp
keysdir $fixtures/bcast-tc-md5-512/server/
crypto pw server_password host servername ident servername
statsdir $work/bserver/
statistics cryptostats
filegen cryptostats file cryptostats type none enable
CONF
  cat > "$work/bclient.conf" <<CONF
port $pc
broadcastclient
disable ntp
keysdir $fixtures/bcast-tc-md5-512/client/
crypto pw client_password host clientname ident servername
statsdir $work/bclient/
statistics cryptostats
filegen cryptostats file cryptostats type none enable
CONF
  start bserver
  start bclient
  echo "== broadcast server on port $ps to 127.255.255.255:$pc"
  wait_flags "$pc" 0x87f03 60 "broadcast client"
  wait_stratum "$pc" 5 30 "broadcast client, following the server (its 4 + 1)"
  q "$pc" "rv 0 stratum,refid,flags"
}

for s in "${scenarios[@]}"; do "$s"; done
echo "OK: ${scenarios[*]}"
