# X.509 parsing: every certificate ntp-keygen wrote for the fixtures (the
# target decodes their '#'-prefixed PEM), plus the captures, whose CERT and
# SIGN payloads are not certificates on their own but exercise the rejects.
ak_fuzz_target(NAME x509_certificate_parse
  SOURCE targets/x509_certificate_parse.cpp
  LIBS ak_crypto PkgConfig::BOTAN2
  SEEDS
    ${AK_FIXTURES}/iff-md5-512/server/ntpkey_RSA-MD5cert_servername.4004702989
    ${AK_FIXTURES}/iff-md5-512/client/ntpkey_RSA-MD5cert_clientname.4004702989
    ${AK_FIXTURES}/tc-md5-512/server
    ${AK_FIXTURES}/tc-md5-512/client
    ${AK_FIXTURES}/gq-sha1-1024/server/ntpkey_RSA-SHA1cert_servername.4004702991
    ${AK_FIXTURES}/gq-sha1-1024/client/ntpkey_RSA-SHA1cert_clientname.4004702991
    ${AK_FIXTURES}/bcast-tc-md5-512/server/ntpkey_RSA-MD5cert_servername.4004704710
    ${AK_FIXTURES}/sym-tc-md5-512/a/ntpkey_RSA-MD5cert_peera.4004704416
    ${AK_FIXTURES}/iff-md5-512/exchange.pcap)
