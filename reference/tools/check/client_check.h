// autokey-check client: act as the Autokey server of a client under test and
// serve a scripted sequence; the client's following requests show whether it
// accepted what it should have refused (docs/autokey-check.md, client mode).
//
// The script, in the order a client meets it:
//   first ASSOC request  -> our name with a group the client is not in, when
//                           the client's own name has a group (CLIENT-WRONG-GROUP-NAME)
//   first CERT request   -> crypto-NAK                       (CLIENT-CRYPTO-NAK)
//   next CERT request    -> an expired self-signed certificate (CLIENT-EXPIRED-CERT)
//   first IFF request    -> a proof made with another group key (CLIENT-WRONG-GROUP)
//   first COOK request   -> a COOK response whose signature fails (CLIENT-BAD-SIGNATURE)
//   after the real cookie-> a validly signed but older COOK response with
//                           another cookie, in place of the next answer
//                                                            (CLIENT-REPLAYED-COOKIE)
//   everything else      -> the honest answer (core::plan_server_reply)
// A refused response shows as the same request again (or a restart with
// ASSOC); an accepted one as the next exchange. The session is complete
// (CLIENT-VALID-SESSION) when the client sends a request without fields
// whose MAC uses the cookie we gave it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "check/report.h"
#include "core/host.h"
#include "wire/address.h"
#include "wire/reader.h"

namespace ak::check {

struct ClientCheckOptions {
  wire::Address local;  // our address as the client sends to it (session keys)
};

class ClientChecker {
 public:
  explicit ClientChecker(core::Host& host, ClientCheckOptions options);
  ~ClientChecker();
  ClientChecker(const ClientChecker&) = delete;
  ClientChecker& operator=(const ClientChecker&) = delete;

  // A datagram from the client under test at `client`; returns our answer.
  std::optional<wire::Bytes> on_datagram(wire::ByteView bytes, const wire::Address& client, std::uint32_t now);
  // Every scenario has a verdict.
  bool finished() const;
  // Gives every scenario still open its verdict (the client stopped talking).
  void finish(std::uint32_t now);
  const Report& report() const { return report_; }

  static const std::vector<std::string>& check_ids();

 private:
  struct State;
  std::unique_ptr<State> s_;
  Report report_;
};

}  // namespace ak::check
