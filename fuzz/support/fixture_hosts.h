// Hosts and engines on the fixtures' keys for the fuzz targets, with a fixed
// random source, so that every run of an input does exactly the same thing
// (libFuzzer needs reproducible inputs; security-history §3.4 "determinism").
#pragma once

#include <cstdint>
#include <string>

#include "core/engine.h"
#include "core/host.h"
#include "wire/address.h"

namespace ak::fuzz {

// Around the fixtures' own date (their files are stamped 4004702989..4004704710).
inline constexpr std::uint32_t kT0 = 4004705000u;

// A deterministic RandomSource (not cryptographic), restarted from `seed`.
core::RandomSource fixed_random(std::uint64_t seed);

// `folder` is "iff-md5-512" or "tc-md5-512"; `server` picks the side.
// Aborts if the embedded keys do not load: a broken harness, not a finding.
core::Host fixture_host(const std::string& folder, bool server, std::uint64_t seed,
                        core::HostOptions options = {});

inline wire::Address server_address() { return wire::Address::v4({10, 123, 0, 1}); }
inline wire::Address client_address() { return wire::Address::v4({10, 123, 0, 2}); }

}  // namespace ak::fuzz
