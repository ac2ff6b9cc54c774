// Property: no input makes the key-file reader crash, over-read or throw.
// Input bytes are taken as the text of an ntp-keygen file; every PEM block
// then goes through the slot decoder and each typed loader, with a fixed
// password (the fixtures' server password, so encrypted seeds decrypt and
// reach the identity rules).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "keys/identity.h"
#include "keys/key_file.h"
#include "keys/private_key.h"

namespace {

constexpr std::string_view kPassword = "server_password";

void run(const std::uint8_t* data, std::size_t size) {
  using namespace ak::keys;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)is_link_file_text(text);
  auto file = parse_key_file_text(text);
  if (!file.ok()) return;
  // The loaders read the first block; give each block a turn at being first.
  for (std::size_t i = 0; i < file->blocks.size() && i < 4; ++i) {
    KeyFile one = *file;
    one.blocks.assign(file->blocks.begin() + static_cast<std::ptrdiff_t>(i),
                      file->blocks.begin() + static_cast<std::ptrdiff_t>(i) + 1);
    (void)decode_key_block(one.blocks.front(), kPassword);
    (void)load_private_key(one, kPassword);
    (void)load_host_key(one, kPassword);
    (void)load_sign_key(one, kPassword);
    (void)load_certificate(one);
    (void)load_iff(one, kPassword);
    (void)load_iff(one, "");
    (void)load_gq(one, kPassword);
    (void)load_mv(one, kPassword);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Oracle: the layer promises never to throw; an escaping exception is a bug.
  try {
    run(data, size);
  } catch (...) {
    std::abort();
  }
  return 0;
}
