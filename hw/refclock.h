// The one narrow interface every reference clock sits behind.
//
// A reference clock yields samples: the system time of an event, the
// reference ("true") time of the same event, their difference with every
// fudge applied, an error estimate, and the leap indicator the source
// announced (hw-adapters.md §0.2, §7.1). Adapters never touch the system
// clock; only SystemClock (system_clock.h) does, and only when allowed.
//
// Adapters learn "now" exclusively through an injected Clock, and reach their
// device exclusively through a small per-adapter "device ops" interface, so
// every adapter runs in tests against fakes and a simulated timeline.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ak::hw {

// Normalised: 0 <= nsec < 1e9. POSIX (UTC) seconds.
struct Timespec {
  std::int64_t sec = 0;
  std::int32_t nsec = 0;

  static Timespec from_ns(std::int64_t ns);
  static Timespec from_seconds(double s);
  std::int64_t to_ns() const { return sec * 1'000'000'000 + nsec; }
  double to_seconds() const { return static_cast<double>(sec) + nsec * 1e-9; }
  Timespec plus_ns(std::int64_t ns) const { return from_ns(to_ns() + ns); }
  Timespec plus_seconds(double s) const;
  friend bool operator==(const Timespec&, const Timespec&) = default;
};
// a - b in seconds, computed in integers first so nanoseconds survive.
double seconds_between(const Timespec& a, const Timespec& b);

// The NTP leap indicator; the SHM and SOCK leap codes use the same numbers.
enum class Leap : std::uint8_t { None = 0, Insert = 1, Delete = 2, Unsync = 3 };
const char* to_string(Leap leap);

struct Sample {
  Timespec system;            // CLOCK_REALTIME at the event
  Timespec reference;         // reference time of the same event
  double offset = 0;          // reference - system in seconds, fudges applied
  double delay = 0;           // measurement delay (PHC window), >= 0
  double dispersion = 0;      // error estimate in seconds, >= 2^precision
  std::int8_t precision = 0;  // log2 seconds
  Leap leap = Leap::None;
  std::uint64_t seq = 0;      // SHM count, NMEA line, PPS sequence, PHC read ...
};

// Why a poll gave no sample (or Ok). One value per distinct outcome.
enum class Status : std::uint8_t {
  Ok,
  NotReady,          // nothing new from the source
  Stale,             // the sample is too old (SHM max_delay)
  Clash,             // the writer changed the sample during the read
  BadMode,           // SHM mode other than 0 or 1
  BadFormat,         // malformed record, sentence or line
  BadChecksum,       // NMEA checksum wrong or missing where required
  NoFix,             // the receiver says its time is not valid
  LeapUnsync,        // the source reports leap = 3 (alarm)
  OutOfRange,        // offset beyond the configured limit
  Filtered,          // a good sample dropped on purpose (duplicate second)
  BadSegment,        // SHM segment with wrong owner, mode or size
  DeviceMissing,     // the device node does not exist / is not that device
  PermissionDenied,  // EPERM / EACCES, or no CAP_SYS_TIME
  IoError,           // any other system-call failure
  Unsupported,       // the device or kernel lacks the feature
};
const char* message(Status status);

struct Counters {
  std::uint64_t polls = 0, ok = 0, not_ready = 0, stale = 0, clash = 0, bad = 0, filtered = 0,
                no_fix = 0;
  void count(Status s);
};

// The only way adapters learn the time.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timespec realtime() const = 0;
};

// Reads CLOCK_REALTIME; never writes it.
class RealClock final : public Clock {
 public:
  Timespec realtime() const override;
};

// A test timeline: time moves only when the test says so.
class SimulatedClock final : public Clock {
 public:
  explicit SimulatedClock(Timespec start = {}) : now_(start) {}
  Timespec realtime() const override { return now_; }
  void set(Timespec t) { now_ = t; }
  void advance_ns(std::int64_t ns) { now_ = now_.plus_ns(ns); }

 private:
  Timespec now_;
};

// ntpd's `fudge 127.127.T.U time1 .. time2 .. stratum .. refid .. flag1..4`
// plus the `mode` of the `server` line. Meaning of each field is adapter
// specific, as in ntpd (docs/hw-adapters.md has the table).
struct Fudge {
  double time1 = 0;                     // seconds, added to the offset
  double time2 = 0;                     // seconds, adapter specific
  std::optional<int> stratum;           // overrides the adapter default
  std::optional<std::uint32_t> refid;   // overrides the adapter default ('GPS\0' ...)
  bool flag1 = false, flag2 = false, flag3 = false, flag4 = false;
  std::uint32_t mode = 0;               // the `mode N` option of the server line
  std::optional<std::string> path;      // device / socket path override
};

// Packs up to four ASCII characters into a refid word, as NTP sends it.
constexpr std::uint32_t refid_from(const char (&s)[5]) {
  return (std::uint32_t(std::uint8_t(s[0])) << 24) | (std::uint32_t(std::uint8_t(s[1])) << 16) |
         (std::uint32_t(std::uint8_t(s[2])) << 8) | std::uint32_t(std::uint8_t(s[3]));
}
std::string refid_to_string(std::uint32_t refid);

class RefClock {
 public:
  virtual ~RefClock() = default;
  virtual std::string name() const = 0;    // "SHM(0)", "NMEA(/dev/gps0)"
  virtual std::uint32_t refid() const = 0;
  virtual int stratum() const { return 0; }
  virtual std::int8_t precision() const = 0;
  virtual Status open() = 0;
  // >= 0 when the adapter is event driven (NMEA tty, SOCK); the daemon may
  // poll() when it is readable. Polled adapters return -1.
  virtual int fd() const { return -1; }
  virtual std::chrono::nanoseconds poll_interval() const { return std::chrono::seconds(1); }
  // Non-blocking. Appends 0..n samples and reports the last outcome.
  virtual Status poll(std::vector<Sample>& out) = 0;
  virtual const Counters& counters() const = 0;
  virtual void close() = 0;
};

// Folds x into [-half, half).
double fold(double x, double period = 1.0);

}  // namespace ak::hw
