#!/usr/bin/env bash
# One command for a fuzzing campaign over every libFuzzer target (or some).
#
#   fuzz/campaign.sh (--cpu-seconds N | --seconds N) [--jobs J] [--rounds R]
#                    [--until HH:MM] [--nice K] [--corpus-cap C]
#                    [--build-dir DIR] [--no-build] [--no-merge]
#                    [--max-len BYTES] [targets...]
#   fuzz/campaign.sh --finish CAMPAIGN_DIR [--corpus-cap C] [targets...]
#      (merge, minimise and summarise a campaign that was stopped)
#
# For each target (default: every one the fuzz build declares):
#   1. builds the `fuzz` CMake preset (clang++-14, libFuzzer, ASan+UBSan)
#      with the unsafe no-crypto switch compiled in (AK_FUZZ_UNSAFE_NO_CRYPTO:
#      only engine_sequence_unsafe_no_crypto turns it on);
#   2. expands its seeds (fixture files, captures, fuzz/corpus/<t>,
#      fuzz/regressions/<t>) into plain files (tools/expand_seeds.py);
#   3. runs it in libFuzzer's fork mode, -fork=J, with fuzz/autokey.dict,
#      going on after crashes, timeouts and OOMs so that one finding does not
#      end the run, under `nice -n K` (default 10: the machine is shared).
#      --cpu-seconds N: runs until the target and its fork children have
#      consumed N CPU-seconds (user + sys, measured by getrusage of the
#      reaped children through /usr/bin/time, not wall time), in chunks;
#      --rounds R spreads that budget over R passes over all targets, so a
#      deadline cuts every target short rather than the last ones.
#      --seconds N: one chunk of N wall seconds per target (CPU still measured).
#      --until HH:MM (UTC): starts no chunk after that time and cuts the
#      running one there;
#   4. merges what it found into fuzz/corpus/<t>/ with -merge=1, which keeps
#      only inputs that add coverage; at most C new files per target
#      (--corpus-cap, default 40; the smallest), so the replay tests stay fast;
#   5. minimises every crash with -minimize_crash=1 into fuzz/findings/<t>/;
#   6. prints a summary table (CPU-seconds, execs, execs per CPU-second, cov
#      and ft from the final stats line, corpus growth, findings) and writes it
#      as markdown to <build-dir>/campaign/<UTC stamp>/summary.md.
# The run's logs and raw corpora stay under that campaign folder.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
seconds=""
cpu_seconds=""
jobs=1
rounds=1
until_hm=""
niceness=10
corpus_cap=40
build_dir="$root/build-fuzz"
build=1
merge=1
max_len=4096
targets=()
finish=""

usage() { sed -n '2,34p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --cpu-seconds) cpu_seconds="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --until) until_hm="$2"; shift 2 ;;
    --nice) niceness="$2"; shift 2 ;;
    --corpus-cap) corpus_cap="$2"; shift 2 ;;
    --build-dir) build_dir="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    --no-merge) merge=0; shift ;;
    --max-len) max_len="$2"; shift 2 ;;
    --finish) finish="$2"; build=0; shift 2 ;;
    -h|--help) usage 0 ;;
    -*) echo "campaign: unknown option $1" >&2; usage 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[[ -n "$seconds" || -n "$cpu_seconds" || -n "$finish" ]] || { echo "campaign: --seconds N or --cpu-seconds N is required" >&2; usage 2; }
[[ -x /usr/bin/time ]] || { echo "campaign: needs /usr/bin/time (GNU time) to measure CPU" >&2; exit 2; }
deadline=""
if [[ -n "$until_hm" ]]; then
  deadline=$(date -u -d "$until_hm" +%s)
  # A time earlier than now means tomorrow.
  [[ $deadline -gt $(date +%s) ]] || deadline=$((deadline + 86400))
fi

if [[ $build -eq 1 ]]; then
  cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 -DAK_FUZZ=ON -DAK_BENCH=OFF \
    -DAK_FUZZ_UNSAFE_NO_CRYPTO=ON >/dev/null
fi
[[ -f "$build_dir/fuzz-targets.txt" ]] || { echo "campaign: $build_dir is not a fuzz build" >&2; exit 2; }
if [[ ${#targets[@]} -eq 0 ]]; then
  mapfile -t targets < <(grep -v '^$' "$build_dir/fuzz-targets.txt")
fi
if [[ $build -eq 1 ]]; then
  nice -n "$niceness" cmake --build "$build_dir" -j "$jobs" --target "${targets[@]/#/fuzz_}"
fi

if [[ -n "$finish" ]]; then
  build=0
  out=$(cd "$finish" && pwd)
  stamp=$(basename "$out")
  if [[ ${#targets[@]} -eq 0 ]]; then
    mapfile -t targets < <(cd "$out" && find . -mindepth 2 -maxdepth 2 -name 'time-0.txt' | cut -d/ -f2 | sort)
  fi
else
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out="$build_dir/campaign/$stamp"
mkdir -p "$out/bin"
fi
if [[ -n "$cpu_seconds" ]]; then
  mode="--cpu-seconds $cpu_seconds --rounds $rounds"
else
  mode="--seconds $seconds"
fi
[[ -z "$finish" ]] || mode="--finish"
summary="$out/summary.md"

if [[ -z "$finish" ]]; then
# The binaries are copied so that a rebuild during the campaign (fork mode
# re-executes the binary for every job) cannot change what is being run.
declare -A cpu_used execs_sum wall_used chunks
share=$jobs  # CPU-seconds per wall second; re-measured after every chunk
for t in "${targets[@]}"; do
  src="$build_dir/bin/fuzz_$t"
  [[ -x "$src" ]] || { echo "campaign: $src missing" >&2; exit 2; }
  cp "$src" "$out/bin/fuzz_$t"
  work="$out/$t"
  mkdir -p "$work/corpus" "$work/seeds" "$work/artifacts"
  seed_list=()
  if [[ -f "$build_dir/fuzz-seeds/$t.txt" ]]; then
    mapfile -t seed_list < <(grep -v '^$' "$build_dir/fuzz-seeds/$t.txt" || true)
  fi
  python3 "$here/tools/expand_seeds.py" "$work/seeds" "${seed_list[@]}" \
    "$here/corpus/$t" "$here/regressions/$t" >"$work/seeds.log"
  cpu_used[$t]=0
  execs_sum[$t]=0
  wall_used[$t]=0
  chunks[$t]=0
done

past_deadline() { [[ -n "$deadline" && $(date +%s) -ge $((deadline - 5)) ]]; }

# One fork-mode run of target $1 for $2 wall seconds; adds its CPU, wall and
# executions to the target's totals.
run_chunk() {
  local t=$1 wall=$2 work="$out/$1" n
  n=${chunks[$t]}
  if [[ -n "$deadline" ]]; then
    local left=$((deadline - $(date +%s)))
    [[ $wall -le $left ]] || wall=$left
  fi
  [[ $wall -ge 10 ]] || wall=10
  echo "== $t chunk $n: $wall s wall, -fork=$jobs ($(date -u +%H:%M:%S))" >&2
  # Fork mode writes new inputs to the first corpus folder; the others are read.
  /usr/bin/time -f '%e %U %S' -o "$work/time-$n.txt" \
    nice -n "$niceness" "$out/bin/fuzz_$t" -fork="$jobs" -max_total_time="$wall" -max_len="$max_len" \
    -dict="$here/autokey.dict" -artifact_prefix="$work/artifacts/" \
    -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 "$work/corpus" "$work/seeds" >"$work/fuzz-$n.log" 2>&1 || true
  # The last line of the time file holds the numbers (a killed child adds a
  # "Command exited with non-zero status" line before it).
  read -r e u s < <(tail -1 "$work/time-$n.txt")
  local cpu
  cpu=$(python3 -c "print(round($u + $s))")
  cpu_used[$t]=$(( ${cpu_used[$t]} + cpu ))
  wall_used[$t]=$(( ${wall_used[$t]} + ${e%.*} ))
  local last x
  last=$(grep -E '^#[0-9]+: cov: ' "$work/fuzz-$n.log" | tail -1 || true)
  x=$(sed -nE 's/^#([0-9]+):.*/\1/p' <<<"$last")
  execs_sum[$t]=$(( ${execs_sum[$t]} + ${x:-0} ))
  chunks[$t]=$((n + 1))
  # The CPU share this chunk got (CPU-seconds per wall second, at most jobs).
  share=$(python3 -c "print(max(0.1, min($jobs, ($u + $s) / max(1.0, $e))))")
  echo "   $t: +$cpu CPU-s (total ${cpu_used[$t]}), +${x:-0} execs" >&2
}

if [[ -n "$cpu_seconds" ]]; then
  for ((r = 1; r <= rounds; r++)); do
    goal=$(( cpu_seconds * r / rounds ))
    for t in "${targets[@]}"; do
      # Chunks until this round's share is spent. A chunk's wall time is the
      # missing CPU-seconds over the CPU share the last chunk actually got
      # (on a shared machine, under nice, far less than the jobs asked for);
      # the loop tops up and stops when less than 15 CPU-seconds are missing.
      while [[ $(( goal - ${cpu_used[$t]} )) -ge 15 ]]; do
        past_deadline && break 3
        run_chunk "$t" "$(python3 -c "print(max(20, min(1800, round(($goal - ${cpu_used[$t]}) / max(0.1, $share)))))")"
      done
    done
  done
else
  for t in "${targets[@]}"; do
    past_deadline && break
    run_chunk "$t" "$seconds"
  done
fi
past_deadline && echo "campaign: deadline $until_hm UTC reached" >&2
fi  # not --finish

{
  echo "# Fuzz campaign $stamp"
  echo
  echo "Command: \`fuzz/campaign.sh $mode --jobs $jobs${until_hm:+ --until $until_hm} --nice $niceness ${targets[*]}\`"
  echo "Host: $(nproc) cores, shared; libFuzzer fork mode, -fork=$jobs, -max_len=$max_len, dictionary fuzz/autokey.dict."
  echo "CPU = user + sys of the fuzzer and its fork children (/usr/bin/time); execs summed over chunks; cov/ft from the last chunk's final status line."
  echo
  echo "| target | CPU-min | wall s | chunks | execs | execs per CPU-s | cov | ft | new in run | corpus before → after | findings |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
} >"$summary"

for t in "${targets[@]}"; do
  work="$out/$t"
  n=$(find "$work" -maxdepth 1 -name 'time-*.txt' | wc -l)
  cov="—"; ft="—"
  if [[ $n -gt 0 ]]; then
    last=$(grep -E '^#[0-9]+: cov: ' "$work/fuzz-$((n - 1)).log" | tail -1 || true)
    cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last")
    ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$last")
  fi
  # Totals from the chunk files (so --finish can summarise a stopped run).
  read -r cpu wall execs < <(python3 - "$work" "$n" <<'PY'
import re, sys
work, n = sys.argv[1], int(sys.argv[2])
cpu = wall = execs = 0.0
for i in range(n):
    e, u, s = open(f"{work}/time-{i}.txt").read().split("\n")[-2].split()
    cpu += float(u) + float(s); wall += float(e)
    last = [l for l in open(f"{work}/fuzz-{i}.log", errors="replace") if re.match(r"#\d+: cov: ", l)]
    if last: execs += int(last[-1][1:].split(":")[0])
print(round(cpu), round(wall), int(execs))
PY
)
  eps=$(( execs / (cpu > 0 ? cpu : 1) ))
  new_in_run=$(find "$work/corpus" -type f | wc -l)

  repo_corpus="$here/corpus/$t"
  mkdir -p "$repo_corpus"
  before=$(find "$repo_corpus" -type f | wc -l)
  if [[ $merge -eq 1 && $new_in_run -gt 0 ]]; then
    # Merge into a copy, so the files -merge=1 adds are known, then keep the
    # smallest corpus_cap of them.
    staged="$work/merged"
    rm -rf "$staged"
    cp -r "$repo_corpus" "$staged"
    nice -n "$niceness" "$out/bin/fuzz_$t" -merge=1 -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
      "$staged" "$work/corpus" >"$work/merge.log" 2>&1 || true
    # Added files are named by their SHA-1 and absent from the repo corpus.
    # (No `head` in the pipe: under pipefail its SIGPIPE would end the script.)
    added=0
    while read -r _ f; do
      [[ -e "$repo_corpus/$f" ]] && continue
      [[ $added -lt $corpus_cap ]] || break
      cp "$staged/$f" "$repo_corpus/$f"
      added=$((added + 1))
    done < <(find "$staged" -type f -printf '%s %f\n' | sort -n)
  fi
  after=$(find "$repo_corpus" -type f | wc -l)
  [[ $after -gt 0 ]] || rmdir "$repo_corpus" 2>/dev/null || true

  findings=0
  for crash in "$work"/artifacts/crash-* "$work"/artifacts/leak-* "$work"/artifacts/timeout-* "$work"/artifacts/oom-*; do
    [[ -f "$crash" ]] || continue
    mkdir -p "$here/findings/$t"
    name=$(basename "$crash")
    # .gitignore drops crash-*/leak-*/timeout-*/oom-* (libFuzzer's stray
    # artifacts); findings are kept on purpose, so they are renamed kind_hash.
    keep="${name/-/_}"
    if [[ $name == crash-* || $name == leak-* ]]; then
      nice -n "$niceness" "$out/bin/fuzz_$t" -minimize_crash=1 -runs=20000 -max_total_time=60 \
        -exact_artifact_path="$here/findings/$t/$keep.min.bin" "$crash" >"$work/minimize-$name.log" 2>&1 || true
    fi
    cp "$crash" "$here/findings/$t/$keep.bin"
    findings=$((findings + 1))
  done

  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s → %s | %s |\n' "$t" \
    "$(python3 -c "print(f'{$cpu / 60:.1f}')")" "$wall" "$n" "$execs" "$eps" \
    "${cov:-?}" "${ft:-?}" "$new_in_run" "$before" "$after" "$findings" >>"$summary"
done

echo >>"$summary"
echo "Logs and raw corpora: \`$out\`; crashes (raw and minimised): \`fuzz/findings/<target>/\`." >>"$summary"
cat "$summary"
echo "summary written to $summary" >&2
