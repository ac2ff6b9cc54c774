#include "keys/key_file.h"

#include <botan/base64.h>

#include <charconv>
#include <exception>
#include <fstream>
#include <optional>
#include <system_error>

namespace ak::keys {
namespace {

constexpr std::string_view kBegin = "-----BEGIN ";
constexpr std::string_view kEnd = "-----END ";
constexpr std::string_view kDashes = "-----";
// A link file's content is a file name: NAME_MAX.
constexpr std::size_t kMaxLinkFileName = 255;

// Line-by-line view over the text; lines lose their "\n" and a trailing "\r".
class Lines {
 public:
  explicit Lines(std::string_view text) : text_(text) {}
  bool done() const { return pos_ >= text_.size(); }
  std::size_t pos() const { return pos_; }
  std::string_view next() {
    const auto nl = text_.find('\n', pos_);
    const std::size_t end = nl == std::string_view::npos ? text_.size() : nl;
    std::string_view line = text_.substr(pos_, end - pos_);
    pos_ = nl == std::string_view::npos ? text_.size() : nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool ends_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

// "-----BEGIN LABEL-----" -> LABEL (non-empty), else nullopt.
std::optional<std::string_view> armor_label(std::string_view line, std::string_view kind) {
  line = trim(line);
  if (!starts_with(line, kind) || !ends_with(line, kDashes)) return std::nullopt;
  if (line.size() < kind.size() + kDashes.size() + 1) return std::nullopt;
  return line.substr(kind.size(), line.size() - kind.size() - kDashes.size());
}

// Line 1: the filestamp is the decimal number after the last '.', as ntpd
// reads it (autokey-protocol.md §8.7). Unlike ntpd's sscanf("%u") we refuse
// trailing junk and values that do not fit 32 bits rather than truncating.
Result<std::uint32_t, KeyError> filestamp_of(std::string_view line1) {
  const auto dot = line1.rfind('.');
  if (dot == std::string_view::npos) return Err{KeyError::BadFilestamp};
  const auto digits = trim(line1.substr(dot + 1));
  if (digits.empty() || digits.size() > 10) return Err{KeyError::BadFilestamp};
  for (char c : digits)
    if (c < '0' || c > '9') return Err{KeyError::BadFilestamp};
  std::uint64_t v = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (v > 0xFFFFFFFFu) return Err{KeyError::BadFilestamp};
  return static_cast<std::uint32_t>(v);
}

Result<PemBlock, KeyError> parse_block(Lines& lines, std::string_view text, std::size_t begin_pos,
                                       std::string_view label) {
  constexpr std::size_t kMaxHeaders = 8;
  PemBlock block;
  block.label = std::string(label);
  std::string b64;
  bool first = true;
  while (!lines.done()) {
    const std::string_view line = trim(lines.next());
    if (const auto end_label = armor_label(line, kEnd)) {
      if (*end_label != label) return Err{KeyError::MalformedPem};
      block.text = std::string(text.substr(begin_pos, lines.pos() - begin_pos));
      try {
        block.der = Botan::base64_decode(b64, /*ignore_ws=*/true);
      } catch (const std::exception&) {
        return Err{KeyError::MalformedPem};
      }
      if (block.der.empty()) return Err{KeyError::MalformedPem};
      return block;
    }
    if (starts_with(line, kBegin)) return Err{KeyError::MalformedPem};
    // RFC 1421 header lines ("Proc-Type: 4,ENCRYPTED", "DEK-Info: ...")
    // directly follow BEGIN and end with an empty line. Only traditional
    // encrypted PEM (4.2.6-era ntp-keygen) has them.
    if (first && line.find(':') != std::string_view::npos) {
      std::string_view h = line;
      while (!h.empty()) {
        const auto colon = h.find(':');
        if (colon == std::string_view::npos || colon == 0 || block.headers.size() >= kMaxHeaders)
          return Err{KeyError::MalformedPem};
        block.headers.emplace_back(std::string(trim(h.substr(0, colon))),
                                   std::string(trim(h.substr(colon + 1))));
        if (lines.done()) return Err{KeyError::MalformedPem};
        h = trim(lines.next());
      }
      first = false;
      continue;
    }
    first = false;
    b64.append(line);
  }
  return Err{KeyError::MalformedPem};  // no END line
}

}  // namespace

Result<KeyFile, KeyError> parse_key_file_text(std::string_view text) {
  if (text.size() > kMaxKeyFileSize) return Err{KeyError::FileTooLarge};
  Lines lines(text);
  if (lines.done()) return Err{KeyError::NoHeader};
  // Line 1: "# <name>.<filestamp>" (operator-surface §1.4).
  const std::string_view line1 = lines.next();
  if (line1.empty() || line1.front() != '#') return Err{KeyError::NoHeader};
  KeyFile file;
  AK_TRY(file.filestamp, filestamp_of(line1));
  file.header_name = std::string(trim(line1.substr(1)));
  // Line 2: "# <ctime>", informational only.
  if (!lines.done()) {
    Lines peek = lines;
    const std::string_view line2 = peek.next();
    if (!line2.empty() && line2.front() == '#') {
      file.ctime_line = std::string(trim(line2.substr(1)));
      lines = peek;
    }
  }
  // Everything outside BEGIN/END is ignored, as OpenSSL's PEM reader does.
  while (!lines.done()) {
    const std::size_t begin_pos = lines.pos();
    const std::string_view line = lines.next();
    const auto label = armor_label(line, kBegin);
    if (!label) continue;
    if (file.blocks.size() >= kMaxPemBlocks) return Err{KeyError::TooManyPemBlocks};
    AK_TRY(auto block, parse_block(lines, text, begin_pos, *label));
    file.blocks.push_back(std::move(block));
  }
  if (file.blocks.empty()) return Err{KeyError::NoPemBlock};
  return file;
}

bool is_link_file_text(std::string_view text) {
  if (text.find(kBegin) != std::string_view::npos) return false;
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  if (text.empty() || text.size() > kMaxLinkFileName) return false;
  if (text == "." || text == ".." || text.front() == '#') return false;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '/' || u <= 0x20 || u == 0x7f) return false;
  }
  return true;
}

namespace {

// Reads at most limit + 1 octets, so that "too large" is seen without
// reading a huge file.
Result<std::string, KeyError> read_bounded(const std::filesystem::path& p, std::size_t limit) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return Err{KeyError::NotReadable};
  std::string out(limit + 1, '\0');
  in.read(out.data(), static_cast<std::streamsize>(out.size()));
  if (in.bad()) return Err{KeyError::NotReadable};
  const auto got = static_cast<std::size_t>(in.gcount());
  if (got > limit) return Err{KeyError::FileTooLarge};
  out.resize(got);
  return out;
}

// One step of resolution: the final regular file with its text.
struct Resolved {
  std::filesystem::path path;
  std::string text;
};

Result<Resolved, KeyError> resolve_and_read(const std::filesystem::path& start) {
  std::filesystem::path p = start;
  for (int hop = 0; hop <= kMaxLinkHops; ++hop) {
    std::error_code ec;
    const auto st = std::filesystem::symlink_status(p, ec);
    if (ec || !std::filesystem::exists(st)) {
      if (ec && ec != std::errc::no_such_file_or_directory) return Err{KeyError::NotReadable};
      return Err{KeyError::FileNotFound};
    }
    if (std::filesystem::is_symlink(st)) {
      const auto target = std::filesystem::read_symlink(p, ec);
      if (ec) return Err{KeyError::NotReadable};
      p = target.is_absolute() ? target : p.parent_path() / target;
      continue;
    }
    if (!std::filesystem::is_regular_file(st)) return Err{KeyError::NotRegularFile};
    AK_TRY(auto text, read_bounded(p, kMaxKeyFileSize));
    if (is_link_file_text(text)) {
      // A flattened symlink: its content names a file in the same directory.
      std::string_view name = text;
      while (!name.empty() && (name.back() == '\n' || name.back() == '\r')) name.remove_suffix(1);
      p = p.parent_path() / std::string(name);
      continue;
    }
    return Resolved{p, std::move(text)};
  }
  return Err{KeyError::LinkLoop};
}

}  // namespace

Result<std::filesystem::path, KeyError> resolve_key_path(const std::filesystem::path& path) {
  AK_TRY(auto r, resolve_and_read(path));
  return r.path;
}

Result<KeyFile, KeyError> read_key_file(const std::filesystem::path& path) {
  AK_TRY(auto r, resolve_and_read(path));
  AK_TRY(auto file, parse_key_file_text(r.text));
  file.path = r.path;
  file.file_name = r.path.filename().string();
  return file;
}

}  // namespace ak::keys
