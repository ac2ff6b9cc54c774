// Shared by the host, responder and policy tests: fixture key folders as a
// Host, a deterministic random source, and the captured datagrams.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "capture/capture.h"
#include "core/host.h"
#include "crypto/certificate.h"
#include "keys/keys_dir.h"
#include "testing/fixtures.h"
#include "wire/messages/message.h"
#include "wire/packet.h"

namespace ak::core::test {

// Not cryptographic: reproducible test runs only.
inline RandomSource seeded_random(std::uint64_t seed) {
  auto gen = std::make_shared<std::mt19937_64>(seed);
  return [gen](std::span<std::uint8_t> out) {
    for (auto& b : out) b = static_cast<std::uint8_t>((*gen)() >> 24);
  };
}

struct FixtureSide {
  std::string folder;    // "iff-md5-512"
  std::string side;      // "server" / "client"
  std::string host;      // "servername"
  std::string password;  // "server_password"
};

inline FixtureSide server_of(const std::string& folder) {
  return {folder, "server", "servername", "server_password"};
}
inline FixtureSide client_of(const std::string& folder) {
  return {folder, "client", "clientname", "client_password"};
}

inline keys::LoadedKeys load_keys(const FixtureSide& f, const std::string& ident = "servername") {
  keys::KeysDirOptions o;
  o.dir = testing::fixture(f.folder + "/" + f.side);
  o.host = f.host;
  o.ident = ident;
  o.password = f.password;
  auto loaded = keys::load_keys_dir(o);
  EXPECT_TRUE(loaded.ok()) << (loaded.ok() ? "" : keys::describe(loaded.error()));
  if (!loaded) throw std::runtime_error("fixture keys did not load");
  return std::move(loaded).value();
}

inline Host make_host(const FixtureSide& f, HostOptions options = {}, std::uint64_t seed = 1) {
  auto host = Host::create(load_keys(f), std::move(options), seeded_random(seed));
  EXPECT_TRUE(host.ok()) << (host.ok() ? "" : describe(host.error()));
  if (!host) throw std::runtime_error("fixture host did not build");
  return std::move(host).value();
}

inline HostOptions ntpd_compatible_options() {
  HostOptions o;
  o.cookie_seed = CookieSeedPolicy::NtpdCompatibleZero_INSECURE;
  return o;
}

inline capture::Capture read_fixture_capture(const std::string& folder) {
  auto cap = capture::read_capture(testing::fixture(folder + "/exchange.pcap").string());
  EXPECT_TRUE(cap.ok());
  if (!cap) throw std::runtime_error("fixture capture did not load");
  return std::move(cap).value();
}

inline std::uint32_t ntp_seconds(const capture::Datagram& d) { return crypto::ntp_seconds_from_unix(d.time_sec); }

inline wire::Packet parse_packet(const wire::Bytes& payload) {
  auto p = wire::Packet::parse(payload);
  EXPECT_TRUE(p.ok());
  if (!p) throw std::runtime_error("fixture packet did not parse");
  return std::move(p).value();
}

inline wire::Message decode_field(const wire::ExtensionField& ef) {
  auto m = wire::decode(ef);
  EXPECT_TRUE(m.ok());
  if (!m) throw std::runtime_error("fixture field did not decode");
  return std::move(m).value();
}

inline const wire::Address& server_address_v4() {
  static const wire::Address a = wire::Address::v4({10, 123, 0, 1});
  return a;
}
inline const wire::Address& client_address_v4() {
  static const wire::Address a = wire::Address::v4({10, 123, 0, 2});
  return a;
}

}  // namespace ak::core::test
