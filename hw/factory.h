// ntpd refclock configuration -> adapters.
//
// autokeyd reads `server 127.127.T.U [mode M]` and
// `fudge 127.127.T.U time1 .. time2 .. stratum .. refid .. flag1..4` exactly
// like ntpd and calls make_refclock(T, U, fudge, clock). Types 1, 20, 22 and
// 28 are ntpd's numbers; ntpd has no SOCK, PHC or RTC driver, so those use
// numbers ntpd 4.2.8p15 does not assign (docs/hw-adapters.md).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hw/device_ops.h"
#include "hw/refclock.h"
#include "wire/result.h"

namespace ak::hw {

namespace refclock_type {
inline constexpr int kLocal = 1;   // ntpd LOCAL
inline constexpr int kNmea = 20;   // ntpd NMEA (GPS_NMEA)
inline constexpr int kPps = 22;    // ntpd ATOM (PPS)
inline constexpr int kShm = 28;    // ntpd SHM
inline constexpr int kSock = 101;  // autokey-ref: chrony SOCK protocol
inline constexpr int kPhc = 102;   // autokey-ref: PTP hardware clock
inline constexpr int kRtc = 103;   // autokey-ref: real-time clock
}  // namespace refclock_type

// "SHM", "NMEA", ... or nullptr for an unknown type.
const char* refclock_type_name(int type);
// ntpd's display name in `peers`: "SHM(0)", "GPS_NMEA(1)", "LOCAL(0)".
std::string refclock_display_name(int type, int unit);
// The device or socket an adapter opens by default ("/dev/gps0", "/dev/pps0").
std::string refclock_default_path(int type, int unit);

struct RefclockAddress {
  int type = 0;
  int unit = 0;
};
// "127.127.28.0" -> {28, 0}; anything else -> nullopt.
std::optional<RefclockAddress> parse_refclock_address(std::string_view address);

enum class FactoryError : std::uint8_t {
  UnknownType,  // no adapter for this type number
  BadUnit,      // unit outside 0..255 (it is the last octet of the address)
  BadFudge,     // stratum outside 0..15, or a non-finite time1/time2
};
const char* message(FactoryError e);

// Builds (but does not open) the adapter. `clock` must outlive it.
ak::Result<std::unique_ptr<RefClock>, FactoryError> make_refclock(int type, int unit, const Fudge& fudge,
                                                                  const Clock& clock,
                                                                  DeviceOps& ops = system_device_ops());

// ntpd's clock variables for `readvar`/`cv` on a refclock association:
// type, device, poll, noreply, badformat, baddata, fudgetime1, fudgetime2,
// stratum, refid, flags.
std::vector<std::pair<std::string, std::string>> clock_variables(const RefClock& clock, int type,
                                                                  const Fudge& fudge);

}  // namespace ak::hw
