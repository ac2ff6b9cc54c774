// autokey-check server: act as an Autokey client towards a server under test
// and check every answer against RFC 5906 and the security properties of
// security-history §4 (docs/autokey-check.md lists the checks).
//
// Sans-I/O: next(now) says what to send, on_reply(bytes or nothing, now)
// hands back what came back (nothing = silence after the driver's retries).
// Works the same against a socket (net.h) and in-process against an Engine.
#pragma once

#include <cstdint>
#include <botan/bigint.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "check/datagram.h"
#include "check/report.h"
#include "core/association.h"
#include "core/host.h"
#include "crypto/certificate.h"
#include "wire/address.h"
#include "wire/messages/message.h"

namespace ak::check {

struct ServerCheckOptions {
  // The scheme the server should prove its identity with (--scheme). TC and
  // PC run no identity exchange.
  core::Scheme scheme = core::Scheme::Tc;
  // --group: the group the server's name must carry ("" = any).
  std::string group;
  // Addresses as the session keys hash them.
  wire::Address client;
  wire::Address server;
  // A second local address (127.0.0.2 on loopback), if the driver has one.
  std::optional<wire::Address> second_client;
  // Responses collected per nonce test (>= 2).
  unsigned nonce_samples = 3;
  // ASSOC requests sent (1 s apart) while the server's answers are unsigned.
  unsigned sync_attempts = 30;
};

class ServerChecker {
 public:
  // `host` holds our credentials (--keys): the host key that decrypts the
  // cookie, the certificate the SIGN request carries, the client identity
  // parameters. The checker signs its requests with it, so it is not const.
  ServerChecker(core::Host& host, ServerCheckOptions options);
  ~ServerChecker();
  ServerChecker(const ServerChecker&) = delete;
  ServerChecker& operator=(const ServerChecker&) = delete;

  // The next datagram, or nullopt when every check has run.
  std::optional<Outgoing> next(std::uint32_t now);
  // The answer to the datagram next() returned last (nullopt: none came).
  void on_reply(std::optional<wire::ByteView> reply, std::uint32_t now);
  bool finished() const;
  const Report& report() const { return report_; }

  // The check ids in report order.
  static const std::vector<std::string>& check_ids();

 private:
  struct State;
  std::unique_ptr<State> s_;
  Report report_;
};

// The server cookie ntpd 4.2.8p15 hands out (digest §6.5): the seed is
// never set, so the cookie is MD5(client || server || 0 || 0)[0..3].
std::uint32_t zero_seed_cookie(const wire::Address& client, const wire::Address& server,
                               crypto::Digest d = crypto::Digest::MD5);

// The statistics behind NONCE-SIZE (docs/autokey-check.md "nonce sizing").
// IFF: y_i = k_i + b·r mod q for one fixed r, so y_i - y_j = k_i - k_j mod q.
// Returns log2 of the largest centred distance |y_i - y_j| over all pairs
// (an honest prover's is ~|q| bits; a nonce of w bits gives <= w).
std::size_t iff_max_difference_bits(const std::vector<Botan::BigInt>& ys, const Botan::BigInt& q);
// GQ: y_i = k_i·u^r mod n for one fixed r, so y_j/y_i = k_j/k_i mod n. Looks
// for a in [1, bound) with a·(y_j/y_i) mod n (centred) below `bound`: found
// means both nonces are below `bound` (up to a common factor). nullopt when
// no such a exists, as for uniform nonces but with probability ~bound²/n.
std::optional<std::uint64_t> gq_small_ratio(const Botan::BigInt& yi, const Botan::BigInt& yj, const Botan::BigInt& n,
                                            std::uint64_t bound);

}  // namespace ak::check
