#!/bin/bash -eu
# Runs fuzz/oss-fuzz/build.sh here, with the environment OSS-Fuzz gives it
# (ASan + libFuzzer, the flags base-builder sets), then checks each fuzzer
# the way OSS-Fuzz's check_build does: it starts, reads its seed corpus and
# exits cleanly.
#
#   fuzz/oss-fuzz/local-build.sh [--out DIR] [--work DIR] [--jobs N]
#
# Uses clang-14 and the system's Botan (no $SRC/botan here); the fixtures
# come from $AK_SHARED or ../shared. About a minute from scratch on 2 cores,
# seconds when incremental: the ctest fuzz_oss_fuzz_local_build runs it.
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out="$repo/build-oss-fuzz/out"
work="$repo/build-oss-fuzz/work"
jobs=2
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    *) echo "local-build: unknown argument $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$out" "$work"
out=$(cd "$out" && pwd)
work=$(cd "$work" && pwd)

# $SRC as OSS-Fuzz lays it out: the repository and shared/ side by side.
src="$work/src"
mkdir -p "$src"
ln -sfn "$repo" "$src/autokey-ref"
ln -sfn "$(cd "${AK_SHARED:-$repo/../shared}" && pwd)" "$src/shared"

export SRC="$src" OUT="$out" WORK="$work"
export CC=clang-14 CXX=clang++-14
export SANITIZER=address FUZZING_ENGINE=libfuzzer ARCHITECTURE=x86_64 FUZZING_LANGUAGE=c++
flags="-O1 -fno-omit-frame-pointer -gline-tables-only -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION"
flags="$flags -fsanitize=address -fsanitize-address-use-after-scope -fsanitize=fuzzer-no-link"
export CFLAGS="$flags" CXXFLAGS="$flags"
export LIB_FUZZING_ENGINE="-fsanitize=fuzzer"
export AK_BUILD_JOBS="$jobs"

"$repo/fuzz/oss-fuzz/build.sh"

# check_build, in short: every fuzzer runs its seeds (bounded) without a report.
status=0
for f in "$out"/*; do
  [ -x "$f" ] && [ -f "$f" ] || continue
  case "$f" in *.zip|*.dict|*.options) continue ;; esac
  t=$(basename "$f")
  seeds="$work/check/$t"
  rm -rf "$seeds" && mkdir -p "$seeds"
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$out/${t}_seed_corpus.zip" "$seeds"
  if "$f" -runs=0 -dict="$out/$t.dict" "$seeds" >"$work/check-$t.log" 2>&1; then
    echo "ok    $t ($(ls "$seeds" | wc -l) seeds)"
  else
    echo "FAIL  $t (see $work/check-$t.log)"
    status=1
  fi
done
exit $status
