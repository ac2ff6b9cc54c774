#!/usr/bin/env bash
# One command for a fuzzing campaign over every libFuzzer target (or some).
#
#   fuzz/campaign.sh --seconds N [--jobs J] [--build-dir DIR] [--no-build]
#                    [--no-merge] [--max-len BYTES] [targets...]
#
# For each target (default: every one the fuzz build declares):
#   1. builds the `fuzz` CMake preset (clang++-14, libFuzzer, ASan+UBSan);
#   2. expands its seeds (fixture files, captures, fuzz/corpus/<t>,
#      fuzz/regressions/<t>) into plain files (tools/expand_seeds.py);
#   3. runs it in libFuzzer's fork mode, -fork=J, for N seconds of wall time
#      (about N*J CPU-seconds), with fuzz/autokey.dict, going on after
#      crashes, timeouts and OOMs so that one finding does not end the run;
#   4. merges what it found into fuzz/corpus/<t>/ with -merge=1, which keeps
#      only inputs that add coverage (small by construction);
#   5. minimises every crash with -minimize_crash=1 into fuzz/findings/<t>/;
#   6. prints a summary table (execs/s, cov, ft from the final stats line,
#      corpus size, findings) and writes it as markdown to
#      <build-dir>/campaign/<UTC stamp>/summary.md.
# The run's logs and raw corpora stay under that campaign folder.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
seconds=""
jobs=1
build_dir="$root/build-fuzz"
build=1
merge=1
max_len=4096
targets=()

usage() { sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --build-dir) build_dir="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    --no-merge) merge=0; shift ;;
    --max-len) max_len="$2"; shift 2 ;;
    -h|--help) usage 0 ;;
    -*) echo "campaign: unknown option $1" >&2; usage 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[[ -n "$seconds" ]] || { echo "campaign: --seconds N is required" >&2; usage 2; }

if [[ $build -eq 1 ]]; then
  cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 -DAK_FUZZ=ON -DAK_BENCH=OFF >/dev/null
fi
[[ -f "$build_dir/fuzz-targets.txt" ]] || { echo "campaign: $build_dir is not a fuzz build" >&2; exit 2; }
if [[ ${#targets[@]} -eq 0 ]]; then
  mapfile -t targets < <(grep -v '^$' "$build_dir/fuzz-targets.txt")
fi
if [[ $build -eq 1 ]]; then
  cmake --build "$build_dir" -j "$jobs" --target "${targets[@]/#/fuzz_}"
fi

stamp=$(date -u +%Y%m%dT%H%M%SZ)
out="$build_dir/campaign/$stamp"
mkdir -p "$out"
summary="$out/summary.md"
{
  echo "# Fuzz campaign $stamp"
  echo
  echo "Command: \`fuzz/campaign.sh --seconds $seconds --jobs $jobs ${targets[*]}\`"
  echo "Host: $(nproc) cores; libFuzzer fork mode, -fork=$jobs, -max_len=$max_len, dictionary fuzz/autokey.dict."
  echo
  echo "| target | wall s | jobs | execs | execs/s | cov | ft | corpus (repo, after merge) | merged | findings |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
} >"$summary"

for t in "${targets[@]}"; do
  bin="$build_dir/bin/fuzz_$t"
  [[ -x "$bin" ]] || { echo "campaign: $bin missing" >&2; exit 2; }
  work="$out/$t"
  mkdir -p "$work/corpus" "$work/seeds" "$work/artifacts"
  seed_list=()
  if [[ -f "$build_dir/fuzz-seeds/$t.txt" ]]; then
    mapfile -t seed_list < <(grep -v '^$' "$build_dir/fuzz-seeds/$t.txt" || true)
  fi
  python3 "$here/tools/expand_seeds.py" "$work/seeds" "${seed_list[@]}" \
    "$here/corpus/$t" "$here/regressions/$t" >"$work/seeds.log"

  echo "== $t: $seconds s, -fork=$jobs" >&2
  start=$(date +%s)
  # Fork mode writes new inputs to the first corpus folder; the others are read.
  "$bin" -fork="$jobs" -max_total_time="$seconds" -max_len="$max_len" \
    -dict="$here/autokey.dict" -artifact_prefix="$work/artifacts/" \
    -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 "$work/corpus" "$work/seeds" >"$work/fuzz.log" 2>&1 || true
  elapsed=$(( $(date +%s) - start ))

  # The last fork-mode stats line: "#N: cov: C ft: F corp: K exec/s E ...".
  last=$(grep -E '^#[0-9]+: cov: ' "$work/fuzz.log" | tail -1 || true)
  execs=$(sed -nE 's/^#([0-9]+):.*/\1/p' <<<"$last")
  cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last")
  ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$last")
  eps=$(sed -nE 's/.*exec\/s:? ([0-9]+).*/\1/p' <<<"$last")
  [[ -n "$eps" ]] || eps=$(( ${execs:-0} / (elapsed > 0 ? elapsed : 1) ))

  merged=0
  repo_corpus="$here/corpus/$t"
  if [[ $merge -eq 1 ]]; then
    mkdir -p "$repo_corpus"
    before=$(find "$repo_corpus" -type f | wc -l)
    "$bin" -merge=1 -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
      "$repo_corpus" "$work/corpus" >"$work/merge.log" 2>&1 || true
    after=$(find "$repo_corpus" -type f | wc -l)
    merged=$(( after - before ))
    [[ $after -gt 0 ]] || rmdir "$repo_corpus" 2>/dev/null || true
  fi
  corpus_size=$(find "$repo_corpus" -type f 2>/dev/null | wc -l)

  findings=0
  for crash in "$work"/artifacts/crash-* "$work"/artifacts/leak-* "$work"/artifacts/timeout-* "$work"/artifacts/oom-*; do
    [[ -f "$crash" ]] || continue
    mkdir -p "$here/findings/$t"
    name=$(basename "$crash")
    # .gitignore drops crash-*/leak-*/timeout-*/oom-* (libFuzzer's stray
    # artifacts); findings are kept on purpose, so they are renamed kind_hash.
    keep="${name/-/_}"
    if [[ $name == crash-* || $name == leak-* ]]; then
      "$bin" -minimize_crash=1 -runs=20000 -max_total_time=60 -exact_artifact_path="$here/findings/$t/$keep.min.bin" \
        "$crash" >"$work/minimize-$name.log" 2>&1 || true
    fi
    cp "$crash" "$here/findings/$t/$keep.bin"
    findings=$((findings + 1))
  done

  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$t" "$elapsed" "$jobs" "${execs:-?}" \
    "${eps:-?}" "${cov:-?}" "${ft:-?}" "$corpus_size" "$merged" "$findings" >>"$summary"
done

echo >>"$summary"
echo "Logs and raw corpora: \`$out\`; crashes (raw and minimised): \`fuzz/findings/<target>/\`." >>"$summary"
cat "$summary"
echo "summary written to $summary" >&2
