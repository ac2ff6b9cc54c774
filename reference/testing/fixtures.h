// Where tests find ../shared/fixtures: read in place, never copied.
#pragma once

#include <filesystem>
#include <string>

#include "wire/reader.h"

namespace ak::testing {

// The shared/ folder: $AK_SHARED if set, else the path CMake saw at configure time.
std::filesystem::path shared_dir();
// A path below shared/fixtures/ntpd-4.2.8p15/, e.g. fixture("iff-md5-512/exchange.pcap").
// Fails the calling test (with a message naming the path) if it does not exist.
std::filesystem::path fixture(const std::string& relative);
// The whole file as octets.
wire::Bytes read_bytes(const std::filesystem::path& path);
std::string read_text(const std::filesystem::path& path);

}  // namespace ak::testing
