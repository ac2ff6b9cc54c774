ak_fuzz_target(NAME message_decode_encode_roundtrip
  SOURCE targets/message_decode_encode_roundtrip.cpp
  LIBS ak_wire
  SEEDS ${AK_FIXTURE_CAPTURES})
