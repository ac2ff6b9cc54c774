#include "crypto/fuzzing.h"

// A translation unit needs a declaration even when the switch is compiled out.
#include <atomic>

#ifdef AK_FUZZ_UNSAFE_NO_CRYPTO
namespace ak::crypto::fuzzing {

namespace {
// Read on every verification; atomic so a threaded harness cannot race on it.
std::atomic<bool> g_unsafe{false};
}  // namespace

void set_unsafe_no_crypto(bool on) { g_unsafe.store(on, std::memory_order_relaxed); }
bool unsafe_no_crypto() { return g_unsafe.load(std::memory_order_relaxed); }

}  // namespace ak::crypto::fuzzing
#endif
