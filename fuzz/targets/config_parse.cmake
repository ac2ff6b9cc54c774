# ntp.conf text: every fixture configuration, the HOWTO seed document (its
# ntp.conf fragments are in the text) and the hand-written confs in
# fuzz/corpus/config_parse/ (every directive and crypto subcommand).
ak_fuzz_target(NAME config_parse
  SOURCE targets/config_parse.cpp
  LIBS ak_config
  SEEDS
    ${AK_FIXTURES}/iff-md5-512/server.conf
    ${AK_FIXTURES}/iff-md5-512/client.conf
    ${AK_FIXTURES}/tc-md5-512/server.conf
    ${AK_FIXTURES}/tc-md5-512/client.conf
    ${AK_FIXTURES}/gq-sha1-1024/server.conf
    ${AK_FIXTURES}/gq-sha1-1024/client.conf
    ${AK_FIXTURES}/bcast-tc-md5-512/server.conf
    ${AK_FIXTURES}/bcast-tc-md5-512/client.conf
    ${AK_FIXTURES}/sym-tc-md5-512/a.conf
    ${AK_FIXTURES}/sym-tc-md5-512/b.conf)
