# Each message kind's value decoder, reached directly (selector octet, assoc
# ID, body). Seeds: fuzz/corpus/message_value_decode_by_kind/, one field of
# every kind cut from the iff-md5-512 and tc-md5-512 captures.
ak_fuzz_target(NAME message_value_decode_by_kind
  SOURCE targets/message_value_decode_by_kind.cpp
  LIBS ak_wire)
