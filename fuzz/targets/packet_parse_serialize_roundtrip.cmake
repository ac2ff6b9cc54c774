ak_fuzz_target(NAME packet_parse_serialize_roundtrip
  SOURCE targets/packet_parse_serialize_roundtrip.cpp
  LIBS ak_wire
  SEEDS ${AK_FIXTURE_CAPTURES})
