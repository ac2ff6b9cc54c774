// NMEA-0183 time sentences over a serial line (ntpd type 20), with optional
// PPS pairing. hw-adapters.md §2.
//
// Three pieces, as §6.3 recommends: a line assembler (bytes + arrival time ->
// lines with their end-of-line time), a pure sentence parser, and the time
// derivation (sentence + end-of-line time + fudge + optional PPS edge).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hw/calendar.h"
#include "hw/pps.h"
#include "hw/refclock.h"
#include "wire/result.h"

namespace ak::hw {

enum class NmeaType : std::uint8_t { Rmc, Gga, Gll, Zda };
const char* to_string(NmeaType t);

struct NmeaSentence {
  NmeaType type = NmeaType::Rmc;
  std::string talker;  // "GP", "GN", ...
  int hour = 0, minute = 0, second = 0;  // second may be 60 (leap)
  std::int32_t nsec = 0;
  std::optional<CivilDate> date;  // RMC (two-digit year, see two_digit_year) and ZDA
  bool two_digit_year = false;
  bool fix_valid = false;  // RMC/GLL status A, GGA quality != 0; ZDA always
  bool has_checksum = false;
};

enum class NmeaError : std::uint8_t {
  NoDollar,          // the line does not start with '$'
  TooLong,           // over 80 characters without CR LF (82 with them)
  NonPrintable,      // a control or 8-bit character inside the sentence
  BadAddress,        // not [A-Z][A-Z0-9]{4,}
  BadChecksumFormat, // '*' not followed by exactly two upper-case hex digits
  ChecksumMismatch,  // XOR of the body differs from the stated checksum
  Unsupported,       // not RMC, GGA, GLL or ZDA
  MissingField,      // fewer fields than the sentence type has
  EmptyTime,         // receivers send empty time fields before their first fix
  BadTime,           // not hhmmss[.f], or out of range
  BadDate,           // not ddmmyy / dd,mm,yyyy, or out of range
};
const char* message(NmeaError e);

// XOR of every octet strictly between '$' and '*'.
std::uint8_t nmea_checksum(std::string_view body);
// "$" + body + "*HH" (no CR LF): for generators and tests.
std::string nmea_frame(std::string_view body);

// Pure. `line` is one sentence without CR/LF.
ak::Result<NmeaSentence, NmeaError> parse_nmea(std::string_view line);

// Reference time of a sentence. Dates: ZDA's full year is used as is; RMC's
// two-digit year takes the century that puts it nearest to `near`; sentences
// without a date (GGA, GLL) take the day that puts them nearest to `near`.
// Seconds = 60 maps to the following second's POSIX value.
Timespec nmea_reference_time(const NmeaSentence& s, Timespec near);

// Bytes -> lines. Drops parity bits, ignores CR, starts a line only at '$'
// (garbage before it is skipped), and discards lines longer than 80
// characters. The end-of-line time is the arrival time of the chunk that
// carried the LF (ntpd stamps at select() return, before read()).
class NmeaLineAssembler {
 public:
  struct Line {
    std::string text;
    Timespec end;
  };
  void feed(std::span<const std::uint8_t> bytes, Timespec arrival, std::vector<Line>& out);
  std::uint64_t overlong() const { return overlong_; }

 private:
  std::string cur_;
  bool in_line_ = false;
  bool overflow_ = false;
  std::uint64_t overlong_ = 0;
};

// Where the bytes come from (a tty, a pty, a TCP socket). Non-blocking.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual Status open() = 0;
  // Returns bytes read (0 = nothing now), or an error status in `st`.
  virtual std::size_t read(std::span<std::uint8_t> buf, Status& st) = 0;
  virtual int fd() const = 0;
  virtual void close() = 0;
};

// A serial device configured like ntpd's refclock_open (raw 8N1, CLOCAL,
// canonical with IGNCR so each read is one sentence, §2.3).
class SerialByteSource final : public ByteSource {
 public:
  SerialByteSource(std::string path, unsigned baud) : path_(std::move(path)), baud_(baud) {}
  ~SerialByteSource() override { close(); }
  Status open() override;
  std::size_t read(std::span<std::uint8_t> buf, Status& st) override;
  int fd() const override { return fd_; }
  void close() override;

 private:
  std::string path_;
  unsigned baud_;
  int fd_ = -1;
};

struct NmeaOptions {
  // ntpd mode bits 0-3: 1 RMC, 2 GGA, 4 GLL, 8 ZDA; 0 = any.
  std::uint32_t sentence_mask = 0;
  unsigned baud = 4800;  // mode bits 4-6
  double time2 = 0;      // receive fudge: end of sentence -> start of second
  double time1 = 0;      // PPS: edge offset
  bool pps = false;      // fudge flag1: pair with PPS
  static NmeaOptions from_fudge(const Fudge& fudge);
};

class NmeaClock final : public RefClock {
 public:
  NmeaClock(const Clock& clock, std::string device, NmeaOptions options, std::unique_ptr<ByteSource> source,
            std::unique_ptr<PpsSource> pps = nullptr);

  std::string name() const override { return "NMEA(" + device_ + ")"; }
  std::uint32_t refid() const override { return refid_from("GPS\0"); }
  std::int8_t precision() const override { return pps_ ? -20 : -9; }
  Status open() override;
  int fd() const override { return source_ ? source_->fd() : -1; }
  Status poll(std::vector<Sample>& out) override;
  const Counters& counters() const override { return counters_; }
  void close() override;

  // The deterministic core: one assembled line that ended at `end`.
  Status process_line(std::string_view line, Timespec end, std::vector<Sample>& out);
  // Bytes that arrived at `arrival` (what poll() does with each read).
  Status feed(std::span<const std::uint8_t> bytes, Timespec arrival, std::vector<Sample>& out);

 private:
  bool pair_with_pps(Timespec& rcv);
  const Clock& clock_;
  std::string device_;
  NmeaOptions opt_;
  std::unique_ptr<ByteSource> source_;
  std::unique_ptr<PpsSource> pps_;
  NmeaLineAssembler lines_;
  std::optional<std::int64_t> last_ref_sec_;
  std::uint8_t checksum_seen_ = 0;  // per sentence type, ntpd's sticky rule
  std::uint64_t seq_ = 0;
  Counters counters_;
};

}  // namespace ak::hw
