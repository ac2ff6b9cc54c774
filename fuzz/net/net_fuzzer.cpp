#include "net/net_fuzzer.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <thread>

#include "core/host.h"
#include "crypto/mac.h"
#include "crypto/session_key.h"
#include "keys/keys_dir.h"
#include "wire/address.h"

namespace ak::fuzz::net {

namespace {

using wire::Bytes;

void put32(Bytes& b, std::uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<std::uint8_t>(v >> s));
}
void set32(Bytes& b, std::size_t at, std::uint32_t v) {
  if (at + 4 > b.size()) return;
  for (int i = 0; i < 4; ++i) b[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
}

// An extension field: first word (R|E|VN=2, code, length), assoc, body.
Bytes field(std::uint8_t code, bool response, std::uint32_t assoc, const Bytes& body) {
  Bytes f;
  const std::uint32_t len = static_cast<std::uint32_t>(8 + body.size());
  put32(f, (response ? 0x80000000u : 0u) | 0x02000000u | std::uint32_t{code} << 16 | (len & 0xffff));
  put32(f, assoc);
  f.insert(f.end(), body.begin(), body.end());
  return f;
}
// Long-form body: ts, fs, vl, value (padded), sl = 0.
Bytes value_body(std::uint32_t ts, std::uint32_t fs, const Bytes& value) {
  Bytes b;
  put32(b, ts);
  put32(b, fs);
  put32(b, static_cast<std::uint32_t>(value.size()));
  b.insert(b.end(), value.begin(), value.end());
  while (b.size() % 4) b.push_back(0);
  put32(b, 0);
  return b;
}
Bytes text(const std::string& s) { return Bytes(s.begin(), s.end()); }

}  // namespace

struct Mutator::Impl {
  std::mt19937_64 rng;
  wire::Address local, remote;
  Bytes cook, sign;  // request fields built from --keys (empty without)

  std::uint32_t u32() { return static_cast<std::uint32_t>(rng()); }
  std::size_t below(std::size_t n) { return n ? static_cast<std::size_t>(rng() % n) : 0; }
  bool chance(unsigned percent) { return below(100) < percent; }

  Bytes random_bytes(std::size_t n) {
    Bytes b(n);
    for (auto& x : b) x = static_cast<std::uint8_t>(rng());
    return b;
  }

  // One request field from the templates (digest §5 messages, §1.2 shapes).
  Bytes base_field() {
    const std::uint32_t assoc = chance(50) ? 0 : u32();
    static const std::size_t kChallenge[] = {0, 1, 2, 20, 64, 128, 300};
    static const std::size_t kName[] = {0, 1, 255, 256, 257, 511, 512, 513};
    switch (below(9)) {
      case 0: {
        std::string name = chance(50) ? "clientname@servername" : std::string(kName[below(8)], 'A');
        return field(1, false, assoc, value_body(0, 0x00040000 | (u32() & 0xff), text(name)));
      }
      case 1: return field(2, false, assoc, value_body(0, 0, text(chance(50) ? "servername@servername" : std::string(kName[below(8)], 's'))));
      case 2:
        if (!cook.empty() && chance(70)) return cook;
        return field(3, false, assoc, value_body(0, 0, random_bytes(below(300))));
      case 3: return field(4, false, assoc, {});
      case 4: return field(5, false, assoc, {});
      case 5:
        if (!sign.empty() && chance(70)) return sign;
        return field(6, false, assoc, value_body(0, 0, random_bytes(below(600))));
      case 6:
      case 7: return field(static_cast<std::uint8_t>(7 + below(3)), false, assoc, value_body(0, 0, random_bytes(kChallenge[below(7)])));
      default: return field(0, false, assoc, {});
    }
  }

  // Hostile edits of §1.2: wrapped and oversized vallen/siglen, lying EF
  // lengths, flipped bits, odd R/E/version bits, truncation.
  void mutate(Bytes& f) {
    static const std::uint32_t kLengths[] = {0xfffffffd, 0x7ffffff0, 0x80000010, 0x10000, 512, 513, 2000, 4000, 0};
    static const std::uint16_t kEfLengths[] = {4, 8, 12, 16, 24, 28, 0x400, 0xffff};
    const unsigned edits = static_cast<unsigned>(below(4));
    for (unsigned i = 0; i < edits && f.size() >= 8; ++i) {
      switch (below(7)) {
        case 0: set32(f, 16, kLengths[below(9)]); break;  // vallen
        case 1:                                            // siglen (after the padded value)
          if (f.size() >= 24) set32(f, f.size() - 4, kLengths[below(9)]);
          break;
        case 2: {
          const std::uint16_t l = chance(30) ? static_cast<std::uint16_t>(f.size() + 4) : kEfLengths[below(8)];
          f[2] = static_cast<std::uint8_t>(l >> 8);
          f[3] = static_cast<std::uint8_t>(l);
          break;
        }
        case 3: f[below(f.size())] ^= static_cast<std::uint8_t>(1u << below(8)); break;
        case 4: f[0] = static_cast<std::uint8_t>((f[0] & 0x3f) | (below(4) << 6)); break;  // R/E
        case 5: f[0] = static_cast<std::uint8_t>((f[0] & 0xc0) | below(64)); break;        // version
        default:
          if (f.size() > 8) f.resize(8 + 4 * below((f.size() - 8) / 4 + 1));
          break;
      }
    }
  }

  Bytes header(std::uint8_t mode, std::uint8_t version, std::uint64_t transmit) {
    Bytes h(48, 0);
    h[0] = static_cast<std::uint8_t>(version << 3 | mode);
    h[2] = 6;
    h[3] = 0xec;
    for (int i = 0; i < 8; ++i) h[40 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(transmit >> (56 - 8 * i));
    return h;
  }

  void add_mac(Bytes& p, std::uint32_t key_id) {
    // Digest §6.4: a packet with fields is keyed with cookie 0.
    const auto sk = crypto::session_key(local, remote, key_id, 0);
    const auto mac = crypto::make_mac(key_id, sk.key, p);
    p.insert(p.end(), mac.begin(), mac.end());
  }

  std::uint32_t autokey_key_id() { return 0x10000u + (u32() % 0xfffeffffu); }
};

Mutator::Mutator(std::uint64_t seed, Bytes local_address, Bytes remote_address) : impl_(std::make_shared<Impl>()) {
  impl_->rng.seed(seed);
  auto to_address = [](const Bytes& b) {
    std::array<std::uint8_t, 16> v6{};
    if (b.size() == 4) return wire::Address::v4({b[0], b[1], b[2], b[3]});
    std::copy_n(b.begin(), std::min<std::size_t>(16, b.size()), v6.begin());
    return wire::Address::v6(v6);
  };
  impl_->local = to_address(local_address);
  impl_->remote = to_address(remote_address);
}

void Mutator::set_keys(Bytes cook_request_field, Bytes sign_request_field) {
  impl_->cook = std::move(cook_request_field);
  impl_->sign = std::move(sign_request_field);
}

Bytes Mutator::next() {
  Impl& m = *impl_;
  const std::uint8_t mode = m.chance(90) ? 3 : static_cast<std::uint8_t>(m.below(8));
  const std::uint8_t version = m.chance(90) ? 4 : static_cast<std::uint8_t>(m.below(8));
  Bytes p = m.header(mode, version, (std::uint64_t{m.u32()} << 32) | m.u32());
  const unsigned fields = m.chance(80) ? 1 : static_cast<unsigned>(m.below(4));
  for (unsigned i = 0; i < fields; ++i) {
    Bytes f = m.base_field();
    if (m.chance(70)) m.mutate(f);
    p.insert(p.end(), f.begin(), f.end());
  }
  if (p.size() > 2120 + 64) p.resize(2120);
  const unsigned mac = static_cast<unsigned>(m.below(10));
  if (mac < 8) {
    m.add_mac(p, m.chance(95) ? m.autokey_key_id() : (m.chance(50) ? 0x00010000u : 0xffffffffu));
  } else if (mac == 8) {
    put32(p, 0);  // crypto-NAK
  } else {
    Bytes junk = m.random_bytes(4 * m.below(7));
    p.insert(p.end(), junk.begin(), junk.end());
  }
  return p;
}

Bytes Mutator::probe(std::uint64_t transmit) {
  Impl& m = *impl_;
  Bytes p = m.header(3, 4, transmit);
  const Bytes f = field(1, false, 0, value_body(0, 0x00040000, text("autokey-fuzz-net@probe")));
  p.insert(p.end(), f.begin(), f.end());
  m.add_mac(p, m.autokey_key_id());
  return p;
}

// ---- command line ---------------------------------------------------------------

std::optional<std::pair<std::string, std::uint16_t>> parse_target(const std::string& t) {
  std::string host, port;
  if (!t.empty() && t[0] == '[') {
    const auto close = t.find(']');
    if (close == std::string::npos || close + 1 >= t.size() || t[close + 1] != ':') return std::nullopt;
    host = t.substr(1, close - 1);
    port = t.substr(close + 2);
  } else {
    const auto colon = t.rfind(':');
    if (colon == std::string::npos) return std::nullopt;
    host = t.substr(0, colon);
    port = t.substr(colon + 1);
  }
  if (host.empty() || port.empty() || port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  const unsigned long p = std::stoul(port);
  if (p == 0 || p > 65535) return std::nullopt;
  return std::make_pair(host, static_cast<std::uint16_t>(p));
}

std::string usage() {
  return "usage: autokey-fuzz-net --target HOST:PORT [--rate R] [--seconds S] [--batch B]\n"
         "                        [--keys DIR:PW[:HOST]] [--out DIR] [--seed N] [--verbose]\n"
         "Sends mutated Autokey requests (valid MACs, hostile extension fields) to a server\n"
         "you run, at most R datagrams/s for S seconds; after every B datagrams checks that\n"
         "it still answers an ASSOC request, and records the batch before any silence in\n"
         "DIR/silence-<n>/. Exit: 0 always answered, 1 silences recorded, 3 target down,\n"
         "2 usage or setup error.\n";
}

ParseResult parse_command_line(const std::vector<std::string>& args) {
  Options o;
  bool have_target = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= args.size()) return false;
      out = args[++i];
      return true;
    };
    std::string v;
    try {
      if (a == "--help" || a == "-h") return {std::nullopt, "help"};
      if (a == "--verbose") {
        o.verbose = true;
      } else if (a == "--target") {
        if (!value(v)) return {std::nullopt, "--target needs HOST:PORT"};
        auto t = parse_target(v);
        if (!t) return {std::nullopt, "--target: not HOST:PORT: " + v};
        o.host = t->first;
        o.port = t->second;
        have_target = true;
      } else if (a == "--rate") {
        if (!value(v)) return {std::nullopt, "--rate needs a number"};
        o.rate = std::stod(v);
        if (!(o.rate > 0) || o.rate > kMaxRate) return {std::nullopt, "--rate must be in (0, 2000]"};
      } else if (a == "--seconds") {
        if (!value(v)) return {std::nullopt, "--seconds needs a number"};
        const unsigned long s = std::stoul(v);
        if (s == 0 || s > kMaxSeconds) return {std::nullopt, "--seconds must be in [1, 86400]"};
        o.seconds = static_cast<unsigned>(s);
      } else if (a == "--batch") {
        if (!value(v)) return {std::nullopt, "--batch needs a number"};
        const unsigned long b = std::stoul(v);
        if (b == 0 || b > 100000) return {std::nullopt, "--batch must be in [1, 100000]"};
        o.batch = static_cast<unsigned>(b);
      } else if (a == "--seed") {
        if (!value(v)) return {std::nullopt, "--seed needs a number"};
        o.seed = std::stoull(v);
      } else if (a == "--out") {
        if (!value(v)) return {std::nullopt, "--out needs a folder"};
        o.out = v;
      } else if (a == "--keys") {
        if (!value(v) || v.find(':') == std::string::npos) return {std::nullopt, "--keys needs DIR:PW[:HOST]"};
        o.keys = v;
      } else {
        return {std::nullopt, "unknown option " + a};
      }
    } catch (const std::exception&) {
      return {std::nullopt, a + ": not a number: " + v};
    }
  }
  if (!have_target) return {std::nullopt, "--target HOST:PORT is required"};
  return {o, ""};
}

// ---- the campaign ----------------------------------------------------------------

namespace {

struct Socket {
  int fd = -1;
  ~Socket() {
    if (fd >= 0) ::close(fd);
  }
};

Bytes address_octets(const sockaddr_storage& ss) {
  if (ss.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&ss);
    const auto* b = reinterpret_cast<const std::uint8_t*>(&in->sin_addr);
    return Bytes(b, b + 4);
  }
  const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&ss);
  const auto* b = reinterpret_cast<const std::uint8_t*>(&in6->sin6_addr);
  return Bytes(b, b + 16);
}

// Keys for COOK/SIGN templates: the request fields this host would send.
std::optional<std::pair<Bytes, Bytes>> key_templates(const std::string& spec, std::string& error) {
  const auto c1 = spec.find(':');
  const auto c2 = spec.find(':', c1 + 1);
  keys::KeysDirOptions o;
  o.dir = spec.substr(0, c1);
  o.password = spec.substr(c1 + 1, c2 == std::string::npos ? std::string::npos : c2 - c1 - 1);
  if (c2 != std::string::npos) o.host = spec.substr(c2 + 1);
  if (o.host.empty()) {
    char name[256] = {};
    ::gethostname(name, sizeof name - 1);
    o.host = name;
  }
  auto loaded = keys::load_keys_dir(o);
  if (!loaded) {
    error = "--keys: " + keys::describe(loaded.error());
    return std::nullopt;
  }
  auto host = core::Host::create(std::move(loaded).value(), {}, core::system_random());
  if (!host) {
    error = "--keys: " + core::describe(host.error());
    return std::nullopt;
  }
  auto serialize = [](const wire::ExtensionField& f) {
    auto b = f.serialize();
    return b ? *b : Bytes{};
  };
  Bytes cook = serialize(host->cook_request(0).to_field());
  Bytes sign;
  const auto now = host->certificate_filestamp() + 60;
  host->update(now);
  if (auto s = host->sign_request(0, now)) sign = serialize(s->to_field());
  return std::make_pair(cook, sign);
}

void write_file(const std::filesystem::path& p, const Bytes& b) {
  std::ofstream out(p, std::ios::binary);
  out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

}  // namespace

RunResult run(const Options& opt) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* res = nullptr;
  const std::string port = std::to_string(opt.port);
  if (::getaddrinfo(opt.host.c_str(), port.c_str(), &hints, &res) != 0 || res == nullptr)
    return {std::nullopt, "cannot resolve " + opt.host};
  Socket s;
  s.fd = ::socket(res->ai_family, SOCK_DGRAM, 0);
  const bool connected = s.fd >= 0 && ::connect(s.fd, res->ai_addr, res->ai_addrlen) == 0;
  sockaddr_storage remote{};
  std::memcpy(&remote, res->ai_addr, std::min<std::size_t>(res->ai_addrlen, sizeof remote));
  ::freeaddrinfo(res);
  if (!connected) return {std::nullopt, "cannot open a UDP socket to " + opt.host};
  sockaddr_storage local{};
  socklen_t len = sizeof local;
  ::getsockname(s.fd, reinterpret_cast<sockaddr*>(&local), &len);

  Mutator mutator(opt.seed, address_octets(local), address_octets(remote));
  if (opt.keys) {
    std::string error;
    auto t = key_templates(*opt.keys, error);
    if (!t) return {std::nullopt, error};
    mutator.set_keys(t->first, t->second);
  }
  std::error_code ec;
  std::filesystem::create_directories(opt.out, ec);
  if (ec) return {std::nullopt, "cannot create " + opt.out.string()};

  Report r;
  using clock = std::chrono::steady_clock;
  const auto interval = std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(1.0 / opt.rate));
  const auto end = clock::now() + std::chrono::seconds(opt.seconds);
  auto next_send = clock::now();
  std::uint8_t buf[4096];

  auto pace = [&] {
    std::this_thread::sleep_until(next_send);
    next_send += interval;
  };
  auto drain = [&] {
    while (::recv(s.fd, buf, sizeof buf, MSG_DONTWAIT) > 0) ++r.replies;
  };
  // A well-formed ASSOC request; true when a mode-4 reply echoing its
  // transmit timestamp arrives within 3 tries of 500 ms.
  std::uint64_t probe_ts = 0;
  auto alive = [&](Bytes& probe_out) {
    for (int attempt = 0; attempt < 3; ++attempt) {
      drain();
      pace();
      const std::uint64_t ts = (std::uint64_t{0xe0000000u} + ++probe_ts) << 32 | attempt;
      probe_out = mutator.probe(ts);
      ++r.probes;
      if (::send(s.fd, probe_out.data(), probe_out.size(), 0) < 0) continue;
      const auto deadline = clock::now() + std::chrono::milliseconds(500);
      while (clock::now() < deadline) {
        pollfd p{s.fd, POLLIN, 0};
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
        if (::poll(&p, 1, static_cast<int>(std::max<long long>(1, left))) <= 0) continue;
        const ssize_t n = ::recv(s.fd, buf, sizeof buf, 0);
        if (n < 48) continue;
        ++r.replies;
        std::uint64_t origin = 0;
        for (int i = 0; i < 8; ++i) origin = origin << 8 | buf[24 + i];
        if ((buf[0] & 7) == 4 && origin == ts) {
          ++r.probes_answered;
          return true;
        }
      }
    }
    return false;
  };

  std::vector<Bytes> batch;
  while (clock::now() < end) {
    batch.clear();
    for (unsigned i = 0; i < opt.batch && clock::now() < end; ++i) {
      pace();
      Bytes d = mutator.next();
      if (::send(s.fd, d.data(), d.size(), 0) >= 0) ++r.sent;
      batch.push_back(std::move(d));
      drain();
    }
    Bytes probe;
    if (alive(probe)) {
      r.target_down = false;
      continue;
    }
    ++r.silences;
    const auto dir = opt.out / ("silence-" + std::to_string(r.silences));
    std::filesystem::create_directories(dir, ec);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      char name[32];
      std::snprintf(name, sizeof name, "%04zu.bin", i);
      write_file(dir / name, batch[i]);
    }
    write_file(dir / "probe.bin", probe);
    r.recorded.push_back(dir);
    if (opt.verbose) std::fprintf(stderr, "autokey-fuzz-net: silence after batch, recorded %s\n", dir.c_str());
    r.target_down = true;
    if (r.silences >= 20) break;  // a dead server: stop hammering it
  }
  return {r, ""};
}

}  // namespace ak::fuzz::net
