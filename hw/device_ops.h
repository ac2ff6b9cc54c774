// The OS calls of the device adapters (PPS, PHC, RTC, serial), behind one
// seam so tests can inject fake devices that answer the real ioctls with the
// real kernel structures. Convention: a return value < 0 is -errno.
#pragma once

#include <sys/types.h>
#include <time.h>

#include <cstddef>

#include "hw/refclock.h"

namespace ak::hw {

class DeviceOps {
 public:
  virtual ~DeviceOps() = default;
  virtual int open(const char* path, int flags) = 0;
  virtual int close(int fd) = 0;
  virtual int ioctl(int fd, unsigned long request, void* arg) = 0;
  virtual ssize_t read(int fd, void* buf, std::size_t len) = 0;
  virtual int clock_gettime(clockid_t id, timespec* ts) = 0;
};

// The real system calls.
DeviceOps& system_device_ops();

// ENOENT/ENODEV/ENXIO/ENOTTY/EINVAL on open or identify -> DeviceMissing,
// EPERM/EACCES -> PermissionDenied, EOPNOTSUPP -> Unsupported, else IoError.
Status status_from_errno(int err);

// The dynamic POSIX clock id of an open PHC (linuxptp missing.h).
constexpr clockid_t fd_to_clockid(int fd) {
  return static_cast<clockid_t>((static_cast<unsigned>(~fd) << 3) | 3u);
}
// The shift is arithmetic on the signed id, as in linuxptp.
constexpr int clockid_to_fd(clockid_t clk) { return ~(static_cast<int>(clk) >> 3); }

}  // namespace ak::hw
