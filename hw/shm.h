// SHM (ntpd type 28, chrony `SHM`, written by gpsd and phc2sys).
//
// Layout, handshake and checks: hw-adapters.md §1. The struct is decoded by a
// pure function over a bounded span (decode_shm); the reader copies the live
// segment with the order valid, count, copy, count, valid, which accepted no
// torn sample under stress where ntpd 4.2.8p15's order did (§1.4).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "hw/refclock.h"
#include "wire/result.h"

namespace ak::hw {

// The two layouts (§1.2). LP64: x86-64, arm64. ILP32: classic 32-bit time_t,
// including gpsd's "top seconds in dummy[0..1]" convention.
enum class ShmAbi : std::uint8_t { Lp64, Ilp32 };
inline constexpr std::size_t kShmSizeLp64 = 96;
inline constexpr std::size_t kShmSizeIlp32 = 80;
std::size_t shm_size(ShmAbi abi);
inline constexpr key_t kShmKeyBase = 0x4E545030;  // "NTP0"

struct ShmRecord {
  std::int32_t mode = 1;
  std::int32_t count = 0;
  Timespec clock;    // reference ("true") time of the event
  Timespec receive;  // system time of the same event
  std::int32_t leap = 0;
  std::int32_t precision = -1;
  std::int32_t nsamples = 3;
  std::int32_t valid = 0;
};

enum class ShmError : std::uint8_t {
  TooShort,       // fewer octets than the layout
  BadMode,        // mode not 0 or 1
  BadMicroseconds,  // a USec field outside 0..999999
};
const char* message(ShmError e);

// Pure: decodes one segment image. Nanoseconds are used only when the USec
// field is their truncation (ntpd and chrony rule, §1.3); otherwise the
// microseconds are, so old microsecond-only writers stay compatible.
ak::Result<ShmRecord, ShmError> decode_shm(std::span<const std::uint8_t> image,
                                           ShmAbi abi = ShmAbi::Lp64);
// The inverse, for writers and tests; USec is written as truncated NSec.
void encode_shm(const ShmRecord& r, std::span<std::uint8_t> image, ShmAbi abi = ShmAbi::Lp64);

// What IPC_STAT says about a segment.
struct ShmInfo {
  uid_t uid = 0;
  uid_t cuid = 0;
  unsigned mode = 0;  // permission bits
  std::size_t size = 0;
};

// Device ops: the OS side of one segment.
class ShmSegment {
 public:
  virtual ~ShmSegment() = default;
  // Look up `key` (any size); if absent, create it with `perm` and `size`.
  // `created` tells the caller to initialise the contents.
  virtual Status open(key_t key, unsigned perm, std::size_t size, bool& created) = 0;
  virtual ShmInfo info() const = 0;
  // Attached memory, 4-aligned, info().size octets.
  virtual std::uint8_t* data() = 0;
  virtual void close() = 0;
};

// SysV shmget/shmat.
class SysvShmSegment final : public ShmSegment {
 public:
  ~SysvShmSegment() override { close(); }
  Status open(key_t key, unsigned perm, std::size_t size, bool& created) override;
  ShmInfo info() const override { return info_; }
  std::uint8_t* data() override { return base_; }
  void close() override;
  int id() const { return id_; }

 private:
  int id_ = -1;
  std::uint8_t* base_ = nullptr;
  ShmInfo info_;
};

struct ShmOptions {
  int unit = 0;
  key_t key_base = kShmKeyBase;       // tests use their own keys
  std::optional<unsigned> perm;       // default: 0600 units 0/1, 0666 others, mode bit 0 -> 0600
  std::optional<uid_t> writer_uid;    // besides root and ourselves
  std::int64_t max_delay_s = 5;       // ntpd: fixed, "stale"
  std::int64_t max_delta_s = 4 * 3600;  // 0 = off (fudge flag1)
  double time1 = 0;
  std::optional<int> precision;       // overrides the segment's value
  ShmAbi abi = ShmAbi::Lp64;
  static ShmOptions from_fudge(int unit, const Fudge& fudge);
};

// The whole-segment reader, exposed for tests: one attempt, no side effects
// other than clearing `valid` on success.
Status read_shm_once(std::uint8_t* base, std::size_t size, ShmAbi abi, ShmRecord& out);

// The reference writer (mode 1, gpsd/linuxptp order, §1.4). Used by tests.
void write_shm_mode1(std::uint8_t* base, const ShmRecord& r, ShmAbi abi = ShmAbi::Lp64);

class ShmClock final : public RefClock {
 public:
  ShmClock(const Clock& clock, ShmOptions options, std::unique_ptr<ShmSegment> segment = nullptr);

  std::string name() const override;
  std::uint32_t refid() const override { return refid_; }
  std::int8_t precision() const override { return precision_; }
  Status open() override;
  Status poll(std::vector<Sample>& out) override;
  const Counters& counters() const override { return counters_; }
  void close() override;
  void set_refid(std::uint32_t r) { refid_ = r; }

 private:
  Status check(const ShmInfo& info) const;
  const Clock& clock_;
  ShmOptions opt_;
  std::unique_ptr<ShmSegment> seg_;
  bool open_ = false;
  std::uint32_t refid_ = refid_from("SHM\0");
  std::int8_t precision_ = -1;
  Counters counters_;
};

}  // namespace ak::hw
