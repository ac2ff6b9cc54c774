# ntp-keygen key files: every encrypted, plain and traditional layout the
# fixtures hold, links (flattened: a file naming another), and the two -e
# exports (the IFF one is the PKCS#8 file that lost v).
ak_fuzz_target(NAME key_file_parse
  SOURCE targets/key_file_parse.cpp
  LIBS ak_keys
  SEEDS
    ${AK_FIXTURES}/iff-md5-512/server/ntpkey_IFFkey_servername.4004702989
    ${AK_FIXTURES}/iff-md5-512/server/ntpkey_RSAhost_servername.4004702989
    ${AK_FIXTURES}/iff-md5-512/server/ntpkey_RSA-MD5cert_servername.4004702989
    ${AK_FIXTURES}/iff-md5-512/server/ntpkey_host_servername
    ${AK_FIXTURES}/iff-md5-512/client/ntpkey_iffpar_servername.4004702989
    ${AK_FIXTURES}/iff-md5-512/exported_par.txt
    ${AK_FIXTURES}/gq-sha1-1024/server/ntpkey_GQkey_servername.4004702991
    ${AK_FIXTURES}/gq-sha1-1024/server/ntpkey_RSAhost_servername.4004702991
    ${AK_FIXTURES}/gq-sha1-1024/exported_par.txt
    ${AK_FIXTURES}/sym-tc-md5-512/a/ntpkey_RSAhost_peera.4004704416)
