// autokey-load's logic: Autokey client requests with valid MACs, and the
// statistics of the answers. The program (load/main.cpp) adds sockets.
//
// Each request is what a client's first Autokey packet is: a mode-3 header
// and an ASSOC request, MACed with the session key of (client, server, key
// ID, cookie 0) — RFC 5906 §4: a packet carrying an extension field uses
// cookie 0, so any client can make one and every server must verify it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wire/address.h"
#include "wire/reader.h"

namespace ak::daemon::load {

struct RequestSpec {
  wire::Address client;
  wire::Address server;
  std::uint32_t key_id = 0x80000001;  // Autokey key IDs are above 65535
  std::uint64_t transmit = 0;          // unique per request: matches the reply
  std::string host_name = "loadclient";
};
wire::Bytes make_request(const RequestSpec& spec);

// The request transmit stamp a reply answers (its origin), if it is a server
// reply at all.
std::optional<std::uint64_t> answered_transmit(wire::ByteView reply);

// The n-th distinct client address: 127.1.0.0 + n (all of 127/8 is local on
// Linux, so one socket can send from each with IP_PKTINFO).
wire::Address client_address(std::uint32_t n);

struct Summary {
  std::uint64_t sent = 0, received = 0;
  double seconds = 0;
  double p50_us = 0, p90_us = 0, p99_us = 0, max_us = 0;
  double responses_per_second() const { return seconds > 0 ? static_cast<double>(received) / seconds : 0; }
};
// Percentiles of the latencies (microseconds); sorts a copy.
Summary summarize(std::uint64_t sent, std::vector<double> latencies_us, double seconds);
std::string to_text(const Summary& s);
std::string to_json(const Summary& s);

}  // namespace ak::daemon::load
