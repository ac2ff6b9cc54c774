// SOCK: chrony's datagram refclock protocol, as gpsd and phc2sys send it.
// hw-adapters.md §3.5. The daemon binds a Unix datagram socket; clients send
// fixed-size sock_sample records.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>

#include "hw/refclock.h"
#include "wire/result.h"

namespace ak::hw {

inline constexpr std::int32_t kSockMagic = 0x534f434b;  // "SOCK"
inline constexpr std::size_t kSockRecordSize = 40;     // LP64 and ILP32 with 64-bit time

struct SockRecord {
  Timespec system;      // struct timeval tv: system time of the measurement
  double offset = 0;    // pulse = 0: true time - system time, seconds
  std::int32_t pulse = 0;
  std::int32_t leap = 0;
};

enum class SockError : std::uint8_t {
  BadLength,         // not exactly 40 octets
  BadMagic,          // magic != "SOCK"
  BadTimeval,        // tv_usec outside 0..999999
  BadOffset,         // NaN, infinite, or more than a day
  BadLeap,           // leap other than 0, 1, 2 (chrony rejects 3 too)
  PulseUnsupported,  // pulse = 1: the sign convention differs (§3.5), not accepted
};
const char* message(SockError e);

// Pure: one datagram, native byte order (the socket is local).
ak::Result<SockRecord, SockError> parse_sock(std::span<const std::uint8_t> datagram);
// The inverse, for clients and tests.
std::array<std::uint8_t, kSockRecordSize> encode_sock(const SockRecord& r, std::int32_t magic = kSockMagic);

class SockClock final : public RefClock {
 public:
  SockClock(const Clock& clock, std::string path, double time1 = 0, int precision = -10);
  ~SockClock() override { close(); }
  std::string name() const override { return "SOCK(" + path_ + ")"; }
  std::uint32_t refid() const override { return refid_from("SOCK"); }
  std::int8_t precision() const override { return precision_; }
  // Removes a stale socket file, binds, and restricts it to mode 0600.
  Status open() override;
  int fd() const override { return fd_; }
  Status poll(std::vector<Sample>& out) override;
  const Counters& counters() const override { return counters_; }
  void close() override;

 private:
  const Clock& clock_;
  std::string path_;
  double time1_;
  std::int8_t precision_;
  int fd_ = -1;
  std::uint64_t seq_ = 0;
  Counters counters_;
};

}  // namespace ak::hw
