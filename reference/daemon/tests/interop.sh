#!/usr/bin/env bash
# Interoperability with a reference ntpd (issue 5): our autokeyd against the
# program in AUTOKEY_REF_NTPD (with its ntpq in AUTOKEY_REF_NTPQ), both ways
# (their server <- our client, our server <- their client), for TC and IFF,
# each pair in two network namespaces joined by a veth pair, on port 123 as
# the fixtures were made (server 10.123.0.1, client 10.123.0.2).
#
#   AUTOKEY_REF_NTPD=/path/ntpd AUTOKEY_REF_NTPQ=/path/ntpq \
#     bash reference/daemon/tests/interop.sh --bin-dir build/bin
#
# Exit 0 when every pairing completes (client association flags show all of
# CERT VRFY PROV COOK AUTO SIGN LEAP), 1 on a failure (named, with logs), 77
# (skip) when the variables are unset or namespaces are not available.
# AUTOKEY_REF_NTPD may also be our own autokeyd (with AUTOKEY_REF_NTPD_ARGS
# "--poll 1"), which is how the harness itself is tested.
set -euo pipefail

bin=""
schemes="tc iff"
while [ $# -gt 0 ]; do
  case "$1" in
    --bin-dir) bin="$2"; shift ;;
    --schemes) schemes="$2"; shift ;;
    --inside) inside=1 ;;  # internal: already in the namespace
    *) echo "usage: $0 --bin-dir DIR [--schemes 'tc iff']" >&2; exit 2 ;;
  esac
  shift
done
[ -n "$bin" ] || { echo "interop: --bin-dir DIR is required" >&2; exit 2; }
bin=$(cd "$bin" && pwd)

if [ -z "${AUTOKEY_REF_NTPD:-}" ] || [ -z "${AUTOKEY_REF_NTPQ:-}" ]; then
  echo "interop: SKIPPED: set AUTOKEY_REF_NTPD to a reference ntpd 4.2.8p15 binary and AUTOKEY_REF_NTPQ to its ntpq"
  exit 77
fi

if [ -z "${inside:-}" ]; then
  # Become root of a fresh user + network namespace (no real privileges).
  if ! unshare -rn true 2>/dev/null; then
    echo "interop: SKIPPED: unprivileged user and network namespaces are not available (unshare -rn)"
    exit 77
  fi
  exec unshare -rn bash "$0" --inside --bin-dir "$bin" --schemes "$schemes"
fi

ref_ntpd=$AUTOKEY_REF_NTPD
ref_ntpq=$AUTOKEY_REF_NTPQ
ref_args=${AUTOKEY_REF_NTPD_ARGS:-}
our_ntpd="$bin/autokeyd"
our_ntpq="$bin/autokey-q"
keygen="$bin/autokey-keygen"
timeout_s=${AUTOKEY_INTEROP_TIMEOUT:-150}

work=$(mktemp -d "${TMPDIR:-/tmp}/autokey-interop.XXXXXX")
peer_ns_pid=""
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "$peer_ns_pid" ] && kill "$peer_ns_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  if [ "${KEEP:-0}" = 1 ]; then echo "interop: work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
fail() {
  echo "interop: FAILED: $*" >&2
  for f in "$work"/*/*.log; do [ -f "$f" ] && { echo "--- $f" >&2; tail -n 20 "$f" >&2; }; done
  exit 1
}

# ---- the two hosts ----------------------------------------------------------------
# This namespace is the server (10.123.0.1); a child network namespace is the
# client (10.123.0.2).
ip link set lo up
unshare -n sleep 100000 &
peer_ns_pid=$!
sleep 0.2
in_client() { nsenter -t "$peer_ns_pid" -n "$@"; }
ip link add akas0 type veth peer name akac0 netns "$peer_ns_pid" || fail "cannot create the veth pair"
ip addr add 10.123.0.1/24 dev akas0
ip link set akas0 up
in_client ip link set lo up
in_client ip addr add 10.123.0.2/24 dev akac0
in_client ip link set akac0 up
sleep 0.5

# ---- keys: legacy sizes, which ntpd 4.2.8p15 on OpenSSL 3 reads (fixtures) --------------
make_keys() {  # $1 = scheme
  local d="$work/keys-$1"
  mkdir -p "$d/server" "$d/client"
  local id_opt=""
  [ "$1" = iff ] && id_opt="-I"
  (cd "$d/server" && "$keygen" -T $id_opt -m 512 -c RSA-MD5 -b 512 -p server_password -s servername@servername) \
    >"$d/keygen-server.log" 2>&1 || fail "server key generation ($1)"
  (cd "$d/client" && "$keygen" -m 512 -c RSA-MD5 -p client_password -s clientname@servername) \
    >"$d/keygen-client.log" 2>&1 || fail "client key generation ($1)"
  if [ "$1" = iff ]; then
    (cd "$d/server" && "$keygen" -e -p server_password -s servername@servername) >"$d/par" 2>"$d/export.log" \
      || fail "IFF export"
    local name
    name=$(head -n 1 "$d/par" | sed 's/^# //')
    cp "$d/par" "$d/client/$name"
    ln -s "$name" "$d/client/ntpkey_iffpar_servername"
  fi
}

write_configs() {  # $1 = scheme, $2 = run dir
  local d="$work/keys-$1" r=$2 ident=""
  [ "$1" = iff ] && ident=" ident servername"
  cat >"$r/server.conf" <<EOF
keysdir $d/server/
crypto pw server_password host servername ident servername
server 127.127.1.0 minpoll 3 maxpoll 3 prefer
fudge 127.127.1.0 stratum 3
disable ntp
statsdir $r/server-
statistics cryptostats
filegen cryptostats file cryptostats type none enable
EOF
  cat >"$r/client.conf" <<EOF
keysdir $d/client/
crypto pw client_password host clientname$ident
server 10.123.0.1 autokey$ident iburst minpoll 4 maxpoll 4
disable ntp
statsdir $r/client-
statistics cryptostats
filegen cryptostats file cryptostats type none enable
EOF
}

# One pairing: $1 scheme, $2 server program, $3 client program, $4 client's query tool, $5/$6 extra args.
run_pair() {
  local scheme=$1 server=$2 client=$3 query=$4 server_args=$5 client_args=$6
  pair_no=$((pair_no + 1))
  local r="$work/$pair_no-$scheme-$(basename "$server")-server-$(basename "$client")-client"
  mkdir -p "$r"
  write_configs "$scheme" "$r"
  "$server" -n -c "$r/server.conf" -l "$r/server.log" -p "$r/server.pid" $server_args &
  pids+=($!)
  local spid=$!
  # exec: nsenter enters the namespace and execs the daemon, so $! is its pid.
  (exec nsenter -t "$peer_ns_pid" -n "$client" -n -c "$r/client.conf" -l "$r/client.log" -p "$r/client.pid" $client_args) &
  pids+=($!)
  local cpid=$!
  local flags="" assoc="" deadline=$(( $(date +%s) + timeout_s ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    sleep 2
    kill -0 "$spid" 2>/dev/null || fail "$scheme: the server ($server) exited"
    kill -0 "$cpid" 2>/dev/null || fail "$scheme: the client ($client) exited"
    [ -n "$assoc" ] || assoc=$(in_client "$query" -c as 127.0.0.1 2>/dev/null | awk 'NR > 2 && $2 ~ /^[0-9]+$/ { print $2; exit }') || true
    [ -n "$assoc" ] || continue
    flags=$(in_client "$query" -c "rv $assoc flags" 127.0.0.1 2>/dev/null | sed -n 's/.*flags=\(0x[0-9a-f]*\).*/\1/p') || true
    [ -n "$flags" ] && (( (flags & 0x7f00) == 0x7f00 )) && break
  done
  kill "$spid" "$cpid" 2>/dev/null || true
  wait "$spid" "$cpid" 2>/dev/null || true
  [ -n "$flags" ] && (( (flags & 0x7f00) == 0x7f00 )) \
    || fail "$scheme: $(basename "$client") client <- $(basename "$server") server stopped at flags=${flags:-none}"
  echo "interop: ok: $scheme: $(basename "$client") client <- $(basename "$server") server: flags=$flags"
}

pair_no=0
for scheme in $schemes; do
  make_keys "$scheme"
  run_pair "$scheme" "$ref_ntpd" "$our_ntpd" "$our_ntpq" "$ref_args" "--poll 1"
  run_pair "$scheme" "$our_ntpd" "$ref_ntpd" "$ref_ntpq" "--poll 1" "$ref_args"
done
echo "interop: all pairings complete"
