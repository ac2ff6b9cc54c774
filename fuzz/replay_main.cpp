// Replays fuzz inputs through a target's LLVMFuzzerTestOneInput without
// libFuzzer, so every corpus runs as a plain ctest with g++.
//
// Arguments are files, folders (walked recursively) and captures: a .pcap or
// .pcapng contributes each UDP payload as one input, which is how the real
// ntpd captures in ../shared seed the packet targets without being copied.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "capture/capture.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

// An exactly sized heap block: a vector's spare capacity would hide an
// over-read from AddressSanitizer, which does not poison it.
void run_one(const std::vector<std::uint8_t>& input) {
  std::unique_ptr<std::uint8_t[]> exact(new std::uint8_t[input.size() ? input.size() : 1]);
  std::copy(input.begin(), input.end(), exact.get());
  LLVMFuzzerTestOneInput(exact.get(), input.size());
}

bool is_capture(const std::filesystem::path& p) {
  const auto ext = p.extension().string();
  return ext == ".pcap" || ext == ".pcapng";
}

int run_path(const std::filesystem::path& p) {
  if (is_capture(p)) {
    auto cap = ak::capture::read_capture(p.string());
    if (!cap.ok()) {
      std::fprintf(stderr, "replay: %s\n", cap.error().c_str());
      std::exit(2);
    }
    int n = 0;
    for (const auto& d : cap->datagrams()) {
      run_one(d.payload);
      ++n;
    }
    return n;
  }
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "replay: cannot read %s\n", p.string().c_str());
    std::exit(2);
  }
  run_one(std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()));
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  int n = 0;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path p(argv[i]);
    if (!std::filesystem::exists(p)) {
      std::fprintf(stderr, "replay: %s does not exist\n", argv[i]);
      return 2;
    }
    if (std::filesystem::is_directory(p)) {
      for (const auto& e : std::filesystem::recursive_directory_iterator(p))
        if (e.is_regular_file()) n += run_path(e.path());
    } else {
      n += run_path(p);
    }
  }
  std::printf("replayed %d inputs\n", n);
  // An empty replay proves nothing: fail so a broken seed path is noticed.
  return n > 0 ? 0 : 1;
}
