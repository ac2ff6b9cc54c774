// One Botan hash object per digest per thread, reused (internal to
// reference/crypto; not part of the layer's API).
//
// Botan::HashFunction::create looks the name up in its registry and
// allocates a new object, which for MD5 over a 24-octet session-key input
// costs about as much as the hash itself (docs/performance.md §4.1). final()
// leaves the object ready for the next message, so a per-thread object can
// be reused as it stands: no state is shared between threads, and nothing
// secret outlives a call except in the object's own buffers, which the next
// final() overwrites.
#pragma once

#include "crypto/digest.h"

namespace Botan {
class HashFunction;
}

namespace ak::crypto::detail {

// This thread's object for `d`, in its initial state. Callers must leave it
// in that state (end with final()) before returning.
Botan::HashFunction& thread_hash(Digest d);

}  // namespace ak::crypto::detail
