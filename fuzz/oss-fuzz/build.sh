#!/bin/bash -eu
# OSS-Fuzz / ClusterFuzzLite build script for autokey-ref: builds every
# libFuzzer target of fuzz/targets/ the way fuzz/CMakeLists.txt declares
# them, with the compiler, flags and engine the infrastructure sets:
#   $CC $CXX $CFLAGS $CXXFLAGS $LIB_FUZZING_ENGINE $SRC $OUT $WORK
# and puts into $OUT, per target T: the fuzzer T, T_seed_corpus.zip (its
# seeds: fixture files, capture payloads, fuzz/corpus/T, fuzz/regressions/T),
# T.dict (fuzz/autokey.dict) and T.options.
#
# Layout expected under $SRC: autokey-ref/ (this repository), shared/ (the
# fixtures, ../shared of the repository: the fuzzers compile fixture keys in)
# and, in the Docker image, botan/ (Botan 2.19 sources, built here as a static
# library with the same flags so that it is instrumented and the fuzzers
# need no shared library at run time). Without $SRC/botan the system's
# botan-2 is used (local-build.sh does that).
src="$SRC/autokey-ref"
shared="${AK_SHARED:-$SRC/shared}"
build="$WORK/autokey-ref-build"
jobs="${AK_BUILD_JOBS:-$(nproc)}"

if [ ! -d "$shared/fixtures/ntpd-4.2.8p15" ]; then
  echo "build.sh: fixtures not found under $shared (set AK_SHARED or put shared/ in \$SRC)" >&2
  exit 1
fi

if [ -d "$SRC/botan" ]; then
  prefix="$WORK/botan-install"
  if [ ! -f "$prefix/lib/pkgconfig/botan-2.pc" ]; then
    (cd "$SRC/botan" &&
      ./configure.py --cc=clang --cc-bin="$CXX" --cc-abi-flags="$CXXFLAGS" \
        --disable-shared-library --build-targets=static --without-documentation \
        --prefix="$prefix" &&
      make -j"$jobs" && make install)
  fi
  export PKG_CONFIG_PATH="$prefix/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
fi

# AK_FUZZ_UNSAFE_NO_CRYPTO compiles the no-crypto switch in; only
# engine_sequence_unsafe_no_crypto turns it on (docs/fuzzing.md §2).
cmake -S "$src" -B "$build" -G Ninja \
  -DCMAKE_BUILD_TYPE=None \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
  -DAK_FUZZ=OFF -DAK_FUZZ_ENGINE="$LIB_FUZZING_ENGINE" -DAK_FUZZ_UNSAFE_NO_CRYPTO=ON \
  -DAK_WERROR=OFF -DAK_BENCH=OFF -DAK_SHARED_DIR="$shared" \
  ${AK_EXTRA_CMAKE_ARGS:-}

mapfile -t targets < <(grep -v '^$' "$build/fuzz-targets.txt")
cmake --build "$build" -j "$jobs" --target "${targets[@]/#/fuzz_}"

for t in "${targets[@]}"; do
  cp "$build/bin/fuzz_$t" "$OUT/$t"
  cp "$src/fuzz/autokey.dict" "$OUT/$t.dict"
  printf '[libfuzzer]\nmax_len = 4096\ndict = %s.dict\n' "$t" >"$OUT/$t.options"
  seeds="$WORK/seeds/$t"
  rm -rf "$seeds"
  mapfile -t list < <(grep -v '^$' "$build/fuzz-seeds/$t.txt" || true)
  python3 "$src/fuzz/tools/expand_seeds.py" "$seeds" "${list[@]}" \
    "$src/fuzz/corpus/$t" "$src/fuzz/regressions/$t" >/dev/null
  python3 - "$seeds" "$OUT/${t}_seed_corpus.zip" <<'PY'
import os, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
    for name in sorted(os.listdir(src)):
        z.write(os.path.join(src, name), name)
PY
done
echo "build.sh: ${#targets[@]} fuzzers in $OUT"
