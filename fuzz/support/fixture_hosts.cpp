#include "support/fixture_hosts.h"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>

#include "keys/keys_dir.h"
#include "support/embedded_keys.h"

namespace ak::fuzz {

core::RandomSource fixed_random(std::uint64_t seed) {
  auto gen = std::make_shared<std::mt19937_64>(seed);
  return [gen](std::span<std::uint8_t> out) {
    for (auto& b : out) b = static_cast<std::uint8_t>((*gen)() >> 24);
  };
}

core::Host fixture_host(const std::string& folder, bool server, std::uint64_t seed, core::HostOptions options) {
  keys::KeysDirOptions o;
  o.dir = embedded_keys_root() / folder / (server ? "server" : "client");
  o.host = server ? "servername" : "clientname";
  o.ident = "servername";
  o.password = server ? "server_password" : "client_password";
  auto loaded = keys::load_keys_dir(o);
  if (!loaded) {
    std::fprintf(stderr, "ak-fuzz: fixture keys %s: %s\n", o.dir.string().c_str(),
                 keys::describe(loaded.error()).c_str());
    std::abort();
  }
  auto host = core::Host::create(std::move(loaded).value(), std::move(options), fixed_random(seed));
  if (!host) {
    std::fprintf(stderr, "ak-fuzz: fixture host: %s\n", core::describe(host.error()).c_str());
    std::abort();
  }
  return std::move(host).value();
}

}  // namespace ak::fuzz
