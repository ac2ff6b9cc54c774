#!/usr/bin/env bash
# Measures autokeyd with autokey-load on loopback (docs/performance.md §6):
# makes server keys in a temporary directory, starts one autokeyd on its
# LOCAL clock, and offers it Autokey requests (ASSOC with a valid MAC) and
# plain mode-3 requests at a series of rates from 100 000 distinct client
# addresses, printing autokey-load's line for each (responses/s, latency
# percentiles, the server's resident memory before and after, and the CPU
# time the server used: answers per server CPU-second is its rate on one
# core even on a machine shared with other work).
#
#   bench/load/run.sh --bin-dir build-bench/bin [--rates "20000 50000 ..."]
#                     [--duration S] [--clients N] [--pin] [--ntpsec PATH/TO/ntpd]
#   bench/load/run.sh --bin-dir DIR --smoke      # ctest: one short run
#
# --pin (two or more CPUs) pins the server to CPU 0 and the generator to
# CPU 1 with taskset; on a machine other work shares, leave it off and read
# the CPU-second figure instead.
#
# --ntpsec PATH measures that ntpd (ntpsec: it has no Autokey and no port
# option) with plain mode-3 requests only. It binds port 123, so it runs in a
# new network namespace (unshare -n; needs root or user namespaces) with its
# own loopback, the generator beside it. Skipped with a message otherwise.
set -u

bin=""
rates="10000 30000 60000"
duration=3
clients=100000
smoke=0
pin=0
ntpsec=""
while [ $# -gt 0 ]; do
  case "$1" in
    --bin-dir) bin="$2"; shift 2 ;;
    --rates) rates="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --clients) clients="$2"; shift 2 ;;
    --ntpsec) ntpsec="$2"; shift 2 ;;
    --smoke) smoke=1; shift ;;
    --pin) pin=1; shift ;;
    *) echo "usage: $0 --bin-dir DIR [--rates LIST] [--duration S] [--clients N] [--pin] [--ntpsec NTPD] [--smoke]" >&2
       exit 2 ;;
  esac
done
[ -n "$bin" ] || { echo "run.sh: --bin-dir is required" >&2; exit 2; }
bin=$(cd "$bin" 2>/dev/null && pwd) || { echo "run.sh: no directory $bin" >&2; exit 2; }
for p in autokey-keygen autokeyd autokey-load; do
  [ -x "$bin/$p" ] || { echo "run.sh: $bin/$p is missing (build it first)" >&2; exit 2; }
done

fail() { echo "run.sh: FAILED: $*" >&2; exit 1; }

work=$(mktemp -d /tmp/autokey-load.XXXXXX)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

pin_server=()
pin_load=()
if [ "$pin" = 1 ] && command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  pin_server=(taskset -c 0)
  pin_load=(taskset -c 1)
fi

# Keys as the seed's server makes them: a trusted certificate and an IFF
# group, group name "servername". Full-size (RSA-2048/SHA-256, 2048-bit IFF)
# for measurements; legacy 512-bit for the smoke test, which is faster to make.
mkdir -p "$work/server"
if [ "$smoke" = 1 ]; then
  sizes=(-m 512 -c RSA-MD5 -b 512)
else
  sizes=()
fi
(cd "$work/server" && "$bin/autokey-keygen" -T -I "${sizes[@]}" -p server_password -s servername@servername) \
  > "$work/keygen.log" 2>&1 || { cat "$work/keygen.log" >&2; fail "autokey-keygen"; }

port=$(python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])') \
  || fail "no free UDP port"
cat > "$work/server.conf" <<EOF
port $port
server 127.127.1.0 minpoll 3 maxpoll 3 prefer
fudge 127.127.1.0 stratum 3
disable ntp
keysdir $work/server/
crypto pw server_password host servername ident servername
EOF

"${pin_server[@]}" "$bin/autokeyd" -n -c "$work/server.conf" -l "$work/server.log" -p "$work/server.pid" &
server_pid=$!
sleep 1
kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; fail "autokeyd did not start"; }

# Ready when it answers (key loading can take a moment on a busy machine).
ready=0
for _ in 1 2 3 4 5 6 7 8 9 10; do
  if "$bin/autokey-load" --port "$port" --name loadclient@servername --rate 100 --duration 0.1 >/dev/null 2>&1; then
    ready=1
    break
  fi
  kill -0 "$server_pid" 2>/dev/null || break
done
[ "$ready" = 1 ] || { cat "$work/server.log" >&2; fail "autokeyd on port $port never answered"; }

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
if [ ${#pin_server[@]} -gt 0 ]; then
  echo "# autokeyd on 127.0.0.1:$port pinned (${pin_server[*]}), generator pinned (${pin_load[*]})"
else
  echo "# autokeyd on 127.0.0.1:$port, generator on the same machine, neither pinned"
fi

load() {
  "${pin_load[@]}" "$bin/autokey-load" --port "$port" --pid "$server_pid" --name loadclient@servername "$@"
}

if [ "$smoke" = 1 ]; then
  out=$(load --rate 2000 --duration 0.5 --clients 100) || fail "autokey-load got no answer: $out"
  echo "$out"
  case "$out" in *"answered 0 "*) fail "no request answered" ;; esac
  out=$(load --rate 2000 --duration 0.5 --clients 100 --plain) || fail "autokey-load --plain got no answer: $out"
  echo "$out"
  exit 0
fi

for mode in autokey plain; do
  for rate in $rates; do
    extra=()
    [ "$mode" = plain ] && extra=(--plain)
    load --rate "$rate" --duration "$duration" --clients "$clients" "${extra[@]}" \
      || echo "autokey-load: ($mode, $rate/s) no answers"
    kill -0 "$server_pid" 2>/dev/null || fail "autokeyd died under load"
  done
done

[ -n "$ntpsec" ] || exit 0
if ! unshare -n true 2>/dev/null; then
  echo "# ntpsec: skipped (cannot create a network namespace here)"
  exit 0
fi
echo "# $("$ntpsec" --version 2>&1 | head -1) in a new network namespace, port 123, plain mode 3 only"
cat > "$work/ntpsec.conf" <<EOF
disable ntp
driftfile $work/ntpsec.drift
EOF
# Inside the namespace: loopback up, ntpd in the background, then the same
# generator against port 123.
unshare -n bash -s -- "$ntpsec" "$work" "$bin" "$duration" "$clients" "$rates" \
  "${pin_server[*]:-}" "${pin_load[*]:-}" <<'EOF'
ntpsec=$1 work=$2 bin=$3 duration=$4 clients=$5 rates=$6
read -r -a pin_server <<< "$7"
read -r -a pin_load <<< "$8"
ip link set lo up
"${pin_server[@]}" "$ntpsec" -n -c "$work/ntpsec.conf" -l "$work/ntpsec.log" -p "$work/ntpsec.pid" &
ntpd_pid=$!
sleep 2
kill -0 "$ntpd_pid" 2>/dev/null || { echo "# ntpsec did not start:"; cat "$work/ntpsec.log"; exit 0; }
for rate in $rates; do
  "${pin_load[@]}" "$bin/autokey-load" --port 123 --pid "$ntpd_pid" --rate "$rate" --duration "$duration" \
    --clients "$clients" --plain || echo "autokey-load: (ntpsec, $rate/s) no answers"
done
kill "$ntpd_pid"
wait "$ntpd_pid" 2>/dev/null
exit 0
EOF
