# The stateless Autokey server over the fixtures' IFF and TC server keys
# (compiled in: support/embedded_keys.h). Seeds: every capture (the client
# requests are the interesting half) and the request rows of
# security-history §1.2 in fuzz/regressions/server_responder_bounded/.
ak_fuzz_target(NAME server_responder_bounded
  SOURCE targets/server_responder_bounded.cpp
  LIBS ak_fuzz_support
  SEEDS ${AK_FIXTURE_CAPTURES})
