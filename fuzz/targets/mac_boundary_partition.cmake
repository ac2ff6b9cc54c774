# The MAC/extension-field boundary rule (docs/wire-format.md §1.1) against an
# independent model of ntpd's receive() walk. Seeds: every capture, plus the
# framing rows of security-history §1.2 already kept for the packet target.
ak_fuzz_target(NAME mac_boundary_partition
  SOURCE targets/mac_boundary_partition.cpp
  LIBS ak_wire
  SEEDS ${AK_FIXTURE_CAPTURES} ${CMAKE_CURRENT_SOURCE_DIR}/regressions/packet_parse_serialize_roundtrip)
