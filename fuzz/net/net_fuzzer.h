// autokey-fuzz-net: a network-mode fuzzer for campaigns against other
// Autokey servers (ntpd, or ours). It sends mutated Autokey requests with
// valid MACs (cookie-0 session keys need no secret, security-history §0) and
// hostile extension fields (the shapes of §1.2) to HOST:PORT at a bounded
// rate for a bounded time; after each batch it checks that the server still
// answers a well-formed ASSOC request, and when it does not, it writes the
// batch that preceded the silence to the output folder.
//
// Only for servers you run: loopback and test namespaces in this project's
// tests. The rate and duration are capped (kMaxRate, kMaxSeconds).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "wire/reader.h"

namespace ak::fuzz::net {

inline constexpr double kMaxRate = 2000;       // datagrams per second
inline constexpr unsigned kMaxSeconds = 86400;  // one day

struct Options {
  std::string host;          // IPv4/IPv6 literal or name
  std::uint16_t port = 123;
  double rate = 50;          // datagrams per second, probes included
  unsigned seconds = 10;
  unsigned batch = 20;       // mutated datagrams between two liveness probes
  std::uint64_t seed = 1;
  std::filesystem::path out = "autokey-fuzz-net-out";
  // --keys DIR:PW[:HOST]: this host's ntp-keygen files, so that COOK and SIGN
  // requests carry a real public key and certificate before mutation.
  std::optional<std::string> keys;
  bool verbose = false;
};

// "HOST:PORT", "[v6]:PORT"; nullopt when malformed.
std::optional<std::pair<std::string, std::uint16_t>> parse_target(const std::string& text);

// Parses the command line (argv[0] excluded). Errors name the option.
struct ParseResult {
  std::optional<Options> options;
  std::string error;  // when options is empty; "help" for --help
};
ParseResult parse_command_line(const std::vector<std::string>& args);
std::string usage();

struct Report {
  std::uint64_t sent = 0;          // mutated datagrams
  std::uint64_t replies = 0;       // datagrams received back (any)
  std::uint64_t probes = 0;        // liveness probes sent
  std::uint64_t probes_answered = 0;
  std::uint64_t silences = 0;      // batches after which the server did not answer
  bool target_down = false;        // still silent at the end
  std::vector<std::filesystem::path> recorded;  // silence-<n>/ folders
};

// Runs the campaign; returns the report or an error line (socket, keys).
struct RunResult {
  std::optional<Report> report;
  std::string error;
};
RunResult run(const Options& options);

// The mutation engine, exposed for tests: a datagram from `seed`'s stream
// (already MACed when the mutation keeps a MAC).
class Mutator {
 public:
  Mutator(std::uint64_t seed, wire::Bytes local_address, wire::Bytes remote_address);
  void set_keys(wire::Bytes cook_request_field, wire::Bytes sign_request_field);
  wire::Bytes next();
  // A well-formed ASSOC request with a valid MAC and the given transmit time.
  wire::Bytes probe(std::uint64_t transmit);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace ak::fuzz::net
