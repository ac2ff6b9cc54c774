# Identity responses (IFF, GQ, MV): DER decoding and the proof checks, and the
# provers' challenge parsing. Seeds are hand-made under
# fuzz/corpus/identity_response_decode/ (valid responses for the target's
# fixed parameters, challenges of right and wrong lengths).
ak_fuzz_target(NAME identity_response_decode
  SOURCE targets/identity_response_decode.cpp
  LIBS ak_crypto PkgConfig::BOTAN2)
