#include "hw/refclock.h"

#include <cmath>
#include <ctime>

namespace ak::hw {

Timespec Timespec::from_ns(std::int64_t ns) {
  std::int64_t sec = ns / 1'000'000'000;
  std::int64_t rem = ns % 1'000'000'000;
  if (rem < 0) {
    rem += 1'000'000'000;
    sec -= 1;
  }
  return Timespec{sec, static_cast<std::int32_t>(rem)};
}

Timespec Timespec::from_seconds(double s) {
  const double whole = std::floor(s);
  auto ns = static_cast<std::int64_t>(std::llround((s - whole) * 1e9));
  return Timespec{static_cast<std::int64_t>(whole), 0}.plus_ns(ns);
}

Timespec Timespec::plus_seconds(double s) const {
  return plus_ns(static_cast<std::int64_t>(std::llround(s * 1e9)));
}

double seconds_between(const Timespec& a, const Timespec& b) {
  const std::int64_t dsec = a.sec - b.sec;
  const std::int64_t dns = std::int64_t{a.nsec} - b.nsec;
  return static_cast<double>(dsec) + static_cast<double>(dns) * 1e-9;
}

const char* to_string(Leap leap) {
  switch (leap) {
    case Leap::None: return "none";
    case Leap::Insert: return "insert";
    case Leap::Delete: return "delete";
    case Leap::Unsync: return "unsynchronised";
  }
  return "?";
}

const char* message(Status status) {
  switch (status) {
    case Status::Ok: return "ok";
    case Status::NotReady: return "no new sample";
    case Status::Stale: return "sample too old";
    case Status::Clash: return "writer changed the sample during the read";
    case Status::BadMode: return "unknown SHM mode (not 0 or 1)";
    case Status::BadFormat: return "malformed input";
    case Status::BadChecksum: return "bad or missing NMEA checksum";
    case Status::NoFix: return "receiver reports no valid fix";
    case Status::LeapUnsync: return "source reports leap 3 (not synchronised)";
    case Status::OutOfRange: return "offset beyond the configured limit";
    case Status::Filtered: return "duplicate sample dropped";
    case Status::BadSegment: return "SHM segment has the wrong owner, mode or size";
    case Status::DeviceMissing: return "device not present";
    case Status::PermissionDenied: return "permission denied";
    case Status::IoError: return "I/O error";
    case Status::Unsupported: return "not supported by the device or kernel";
  }
  return "?";
}

void Counters::count(Status s) {
  ++polls;
  switch (s) {
    case Status::Ok: ++ok; break;
    case Status::NotReady: ++not_ready; break;
    case Status::Stale: ++stale; break;
    case Status::Clash: ++clash; break;
    case Status::Filtered: ++filtered; break;
    case Status::NoFix: ++no_fix; break;
    default: ++bad; break;
  }
}

Timespec RealClock::realtime() const {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return Timespec{static_cast<std::int64_t>(ts.tv_sec), static_cast<std::int32_t>(ts.tv_nsec)};
}

std::string refid_to_string(std::uint32_t refid) {
  std::string s;
  for (int shift = 24; shift >= 0; shift -= 8) {
    const auto c = static_cast<char>((refid >> shift) & 0xff);
    if (c == 0) break;
    s.push_back(c >= 0x20 && c < 0x7f ? c : '.');
  }
  return s;
}

double fold(double x, double period) {
  const double half = period / 2;
  double r = std::fmod(x + half, period);
  if (r < 0) r += period;
  return r - half;
}

}  // namespace ak::hw
