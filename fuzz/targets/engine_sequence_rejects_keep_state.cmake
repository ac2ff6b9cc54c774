# The stateful target: our client and our server on the fixtures' keys,
# driven by an operation program (see the source). Seeds: hand-written
# programs in fuzz/corpus/engine_sequence_rejects_keep_state/ (the plain
# dance for TC and IFF, and the dance with each kind of interference).
ak_fuzz_target(NAME engine_sequence_rejects_keep_state
  SOURCE targets/engine_sequence_rejects_keep_state.cpp
  LIBS ak_fuzz_support)
# The twin behind the crypto: the same program with the unsafe no-crypto
# switch on when the build has it (AK_FUZZ_UNSAFE_NO_CRYPTO, docs/fuzzing.md).
ak_fuzz_target(NAME engine_sequence_unsafe_no_crypto
  SOURCE targets/engine_sequence_rejects_keep_state.cpp
  LIBS ak_fuzz_support
  DEFINES AK_FUZZ_TWIN_UNSAFE_NO_CRYPTO=1
  SEEDS ${CMAKE_CURRENT_SOURCE_DIR}/corpus/engine_sequence_rejects_keep_state
        ${CMAKE_CURRENT_SOURCE_DIR}/regressions/engine_sequence_rejects_keep_state)
