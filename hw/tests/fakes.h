// Fake devices for the hw tests: they answer the adapters' calls the way the
// kernel or a receiver would, from a script the test controls.
#pragma once

#include <deque>

#include "hw/pps.h"

namespace ak::hw::testing {

// RFC 2783 source scripted with (sequence, assert, clear) tuples.
class FakePpsSource final : public PpsSource {
 public:
  int caps = pps::kCaptureAssert | pps::kCaptureClear | pps::kCanWait;
  int params = 0;
  PpsInfo current;
  Status get_cap(int& mode) override {
    mode = caps;
    return Status::Ok;
  }
  Status set_params(int mode) override {
    params = mode;
    return Status::Ok;
  }
  Status fetch(PpsInfo& out) override {
    out = current;
    return Status::Ok;
  }
  Status kernel_bind(int) override { return Status::Unsupported; }
  void pulse(Timespec assert_at) {
    ++current.assert_sequence;
    current.assert_time = assert_at;
  }
  void clear_pulse(Timespec clear_at) {
    ++current.clear_sequence;
    current.clear_time = clear_at;
  }
};

}  // namespace ak::hw::testing
