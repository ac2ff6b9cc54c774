#include "hw/device_ops.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>

namespace ak::hw {
namespace {

class SystemDeviceOps final : public DeviceOps {
 public:
  int open(const char* path, int flags) override {
    const int fd = ::open(path, flags | O_CLOEXEC);
    return fd >= 0 ? fd : -errno;
  }
  int close(int fd) override { return ::close(fd) == 0 ? 0 : -errno; }
  int ioctl(int fd, unsigned long request, void* arg) override {
    const int rc = ::ioctl(fd, request, arg);
    return rc >= 0 ? rc : -errno;
  }
  ssize_t read(int fd, void* buf, std::size_t len) override {
    const ssize_t n = ::read(fd, buf, len);
    return n >= 0 ? n : -errno;
  }
  int clock_gettime(clockid_t id, timespec* ts) override {
    return ::clock_gettime(id, ts) == 0 ? 0 : -errno;
  }
};

}  // namespace

DeviceOps& system_device_ops() {
  static SystemDeviceOps ops;
  return ops;
}

Status status_from_errno(int err) {
  switch (err) {
    case ENOENT:
    case ENODEV:
    case ENXIO:
    case ENOTTY:
    case EINVAL: return Status::DeviceMissing;
    case EPERM:
    case EACCES: return Status::PermissionDenied;
    case EOPNOTSUPP: return Status::Unsupported;
    case EAGAIN: return Status::NotReady;
    default: return Status::IoError;
  }
}

static_assert(fd_to_clockid(3) == -29);  // hw-adapters.md §4.1
static_assert(clockid_to_fd(fd_to_clockid(17)) == 17);

}  // namespace ak::hw
