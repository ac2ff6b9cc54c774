#include "hw/factory.h"

#include <cmath>
#include <cstdio>

#include "hw/local.h"
#include "hw/nmea.h"
#include "hw/phc.h"
#include "hw/pps.h"
#include "hw/rtc.h"
#include "hw/shm.h"
#include "hw/sock.h"

namespace ak::hw {

const char* refclock_type_name(int type) {
  switch (type) {
    case refclock_type::kLocal: return "LOCAL";
    case refclock_type::kNmea: return "GPS_NMEA";
    case refclock_type::kPps: return "PPS";
    case refclock_type::kShm: return "SHM";
    case refclock_type::kSock: return "SOCK";
    case refclock_type::kPhc: return "PHC";
    case refclock_type::kRtc: return "RTC";
    default: return nullptr;
  }
}

std::string refclock_display_name(int type, int unit) {
  const char* n = refclock_type_name(type);
  return std::string(n != nullptr ? n : "REFCLK") + "(" + std::to_string(unit) + ")";
}

std::string refclock_default_path(int type, int unit) {
  const std::string u = std::to_string(unit);
  switch (type) {
    case refclock_type::kNmea: return "/dev/gps" + u;  // ntpd refclock_nmea
    case refclock_type::kPps: return "/dev/pps" + u;   // ntpd refclock_atom
    case refclock_type::kSock: return "/run/autokeyd/refclock-sock" + u + ".sock";
    case refclock_type::kPhc: return "/dev/ptp" + u;
    case refclock_type::kRtc: return "/dev/rtc" + u;
    default: return {};
  }
}

std::optional<RefclockAddress> parse_refclock_address(std::string_view a) {
  int part[4] = {};
  std::size_t i = 0;
  for (int p = 0; p < 4; ++p) {
    if (i >= a.size()) return std::nullopt;
    int v = 0;
    std::size_t digits = 0;
    while (i < a.size() && a[i] >= '0' && a[i] <= '9' && digits < 4) {
      v = v * 10 + (a[i] - '0');
      ++i;
      ++digits;
    }
    if (digits == 0 || digits > 3 || v > 255) return std::nullopt;
    part[p] = v;
    if (p < 3) {
      if (i >= a.size() || a[i] != '.') return std::nullopt;
      ++i;
    }
  }
  if (i != a.size() || part[0] != 127 || part[1] != 127) return std::nullopt;
  return RefclockAddress{part[2], part[3]};
}

const char* message(FactoryError e) {
  switch (e) {
    case FactoryError::UnknownType: return "no reference clock driver for this type";
    case FactoryError::BadUnit: return "reference clock unit outside 0..255";
    case FactoryError::BadFudge: return "fudge value out of range";
  }
  return "?";
}

ak::Result<std::unique_ptr<RefClock>, FactoryError> make_refclock(int type, int unit, const Fudge& fudge,
                                                                  const Clock& clock, DeviceOps& ops) {
  if (unit < 0 || unit > 255) return ak::Err{FactoryError::BadUnit};
  if (!std::isfinite(fudge.time1) || !std::isfinite(fudge.time2) ||
      (fudge.stratum && (*fudge.stratum < 0 || *fudge.stratum > 15)))
    return ak::Err{FactoryError::BadFudge};
  const std::string path = fudge.path.value_or(refclock_default_path(type, unit));
  std::unique_ptr<RefClock> rc;
  switch (type) {
    case refclock_type::kLocal: rc = std::make_unique<LocalClock>(clock, unit, fudge); break;
    case refclock_type::kShm: {
      auto shm = std::make_unique<ShmClock>(clock, ShmOptions::from_fudge(unit, fudge));
      if (fudge.refid) shm->set_refid(*fudge.refid);
      rc = std::move(shm);
      break;
    }
    case refclock_type::kNmea: {
      const NmeaOptions o = NmeaOptions::from_fudge(fudge);
      std::unique_ptr<PpsSource> pps;
      if (o.pps) {
        // ntpd: /dev/gpsppsU when it can be opened. No such device: NMEA only.
        std::unique_ptr<LinuxPpsSource> s;
        if (LinuxPpsSource::open(ops, "/dev/gpspps" + std::to_string(unit), s) == Status::Ok) pps = std::move(s);
      }
      rc = std::make_unique<NmeaClock>(clock, path, o, std::make_unique<SerialByteSource>(path, o.baud),
                                       std::move(pps));
      break;
    }
    case refclock_type::kPps: {
      PpsOptions o;
      o.clear_edge = fudge.flag2;
      o.time1 = fudge.time1;
      rc = std::make_unique<PpsClock>(clock, path, o, ops);
      break;
    }
    case refclock_type::kSock: rc = std::make_unique<SockClock>(clock, path, fudge.time1); break;
    case refclock_type::kPhc: {
      PhcOptions o;
      o.time1 = fudge.time1;
      o.tai_offset = fudge.time2;  // e.g. -37 for a PHC kept in TAI
      rc = std::make_unique<PhcClock>(path, o, ops);
      break;
    }
    case refclock_type::kRtc: {
      RtcOptions o;
      o.time1 = fudge.time1;
      o.utc_offset_s = static_cast<std::int64_t>(std::llround(fudge.time2));  // RTC in local time
      rc = std::make_unique<RtcClock>(clock, path, o, ops);
      break;
    }
    default: return ak::Err{FactoryError::UnknownType};
  }
  return rc;
}

std::vector<std::pair<std::string, std::string>> clock_variables(const RefClock& clock, int type,
                                                                  const Fudge& fudge) {
  const Counters& c = clock.counters();
  const auto num = [](double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.3f", v * 1e3);  // ntpd shows fudge times in ms
    return std::string(b);
  };
  const int flags = (fudge.flag1 ? 1 : 0) | (fudge.flag2 ? 2 : 0) | (fudge.flag3 ? 4 : 0) | (fudge.flag4 ? 8 : 0);
  return {
      {"type", std::to_string(type)},
      {"device", clock.name()},
      {"poll", std::to_string(c.polls)},
      {"noreply", std::to_string(c.not_ready)},
      {"badformat", std::to_string(c.bad)},
      {"baddata", std::to_string(c.stale + c.clash + c.no_fix)},
      {"fudgetime1", num(fudge.time1)},
      {"fudgetime2", num(fudge.time2)},
      {"stratum", std::to_string(fudge.stratum.value_or(clock.stratum()))},
      {"refid", refid_to_string(clock.refid())},
      {"flags", std::to_string(flags)},
  };
}

}  // namespace ak::hw
