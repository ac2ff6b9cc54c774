# Mode-6 requests against a fixed VariableSource. Seeds: the real ntpq
# queries (mode6-ntpq capture: its UDP payloads, requests and responses).
ak_fuzz_target(NAME control_request_bounded
  SOURCE targets/control_request_bounded.cpp
  LIBS ak_control
  SEEDS ${AK_FIXTURES}/mode6-ntpq/ntpq-queries.pcap)
