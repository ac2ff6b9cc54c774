ak_fuzz_target(NAME message_decode_encode_roundtrip
  SOURCE targets/message_decode_encode_roundtrip.cpp
  LIBS ak_wire
  SEEDS ${AK_FIXTURES}/iff-md5-512/exchange.pcap
        ${AK_FIXTURES}/tc-md5-512/exchange.pcap
        ${AK_FIXTURES}/gq-sha1-1024/exchange.pcap
        ${AK_FIXTURES}/sym-tc-md5-512/exchange.pcap
        ${AK_FIXTURES}/bcast-tc-md5-512/exchange.pcap
        ${AK_FIXTURES}/mode6-ntpq/ntpq-queries.pcap)
