// Property: the protocol engine (core/engine.h) survives any sequence of
// datagrams and timer ticks between our client and our server, and a
// datagram it rejects changes nothing.
//
// The world: a server Engine and a client Engine with one association
// (IFF or TC, picked by the first input octet), the fixtures' keys, a fixed
// random source and a simulated clock starting at kT0. What the engines send
// goes into a queue; the rest of the input is a program of operations on
// that queue (deliver, drop, corrupt, swap fields and re-MAC, inject, replay,
// advance time). Re-MACing needs no secret: packets with extension fields
// use cookie 0 (security-history §0), so the fuzzer gets past the MAC the
// way any attacker does, and meets the field handlers.
//
// Oracles (security-history §4 properties 5, 7, 8; §1.2 rows 8, 12-15, 17,
// 20; CVE-2014-9296, CVE-2015-1799, CVE-2016-4953/4954/4955):
//   * no sanitizer report, no exception;
//   * every datagram the engines send parses and is at most 2120 octets;
//   * a datagram the client rejects (a Rejected log and no CryptoEvent,
//     Sample or signature update) leaves the association exactly as it
//     was — progress flags, cookie, trail, key list, timers, restarts —
//     and leaves the host's certificate cache alone (only last_error, the
//     statistic that records the rejection, may change);
//   * the certificate trail and the host cache stay within their bounds;
//   * with real signatures, PROV is only ever lit for the server's name.
//
// Built twice: this file as is (every check on) and, with
// AK_FUZZ_TWIN_UNSAFE_NO_CRYPTO, as engine_sequence_unsafe_no_crypto, which
// switches on the unsafe fuzzing mode when the library has it (docs/
// fuzzing.md "The unsafe mode"), so that forged signatures pass too.
#include <cstddef>
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "core/engine.h"
#include "crypto/key_list.h"
#include "crypto/mac.h"
#include "crypto/session_key.h"
#include "support/check.h"
#include "support/fixture_hosts.h"
#include "wire/flags.h"
#include "wire/packet.h"

#if defined(AK_FUZZ_TWIN_UNSAFE_NO_CRYPTO) && defined(AK_FUZZ_UNSAFE_NO_CRYPTO) && \
    __has_include("crypto/fuzzing.h")
#include "crypto/fuzzing.h"
#define AK_FUZZ_UNSAFE_ACTIVE 1
#endif

namespace {

using namespace ak;
namespace cf = wire::crypto_flag;

constexpr bool kUnsafe =
#ifdef AK_FUZZ_UNSAFE_ACTIVE
    true;
#else
    false;
#endif

// The input, read front to back; zeros once it runs out.
class Program {
 public:
  Program(const std::uint8_t* d, std::size_t n) : d_(d), n_(n) {}
  bool done() const { return i_ >= n_; }
  std::uint8_t u8() { return i_ < n_ ? d_[i_++] : 0; }
  std::uint16_t u16() { return static_cast<std::uint16_t>(u8() << 8 | u8()); }
  wire::Bytes bytes(std::size_t max) {
    const std::size_t want = u16() % (max + 1);
    const std::size_t take = want < n_ - std::min(i_, n_) ? want : n_ - std::min(i_, n_);
    wire::Bytes out(d_ + i_, d_ + i_ + take);
    i_ += take;
    return out;
  }

 private:
  const std::uint8_t* d_;
  std::size_t n_;
  std::size_t i_ = 0;
};

// Everything of an association a rejected datagram must not touch (all of
// Association but last_error).
struct Snapshot {
  std::uint32_t flags, remote_assoc, hcookie, pcookie, pkeyid, keys_generated, last_keyid, next_poll, refresh_at,
      restarts;
  std::uint64_t last_xmt;
  std::string subject, issuer;
  std::uint16_t signature_nid;
  std::vector<wire::Bytes> trail;
  std::vector<std::uint32_t> trail_filestamps;
  std::optional<wire::Bytes> verification, root;
  wire::Bytes challenge;
  std::optional<std::uint32_t> autokey_key, autokey_seq, autokey_ts;
  bool queued, answered;
  std::optional<wire::Opcode> outstanding;
  std::size_t key_index;
  std::vector<std::uint32_t> key_ids;
  std::uint32_t list_autokey, list_seq;
  unsigned silent_polls;
  std::size_t host_certs;
  std::uint32_t host_update;

  bool operator==(const Snapshot&) const = default;
};

Snapshot snapshot(const core::Engine& e, std::uint32_t id) {
  const core::Association* a = e.association(id);
  AK_FUZZ_CHECK(a != nullptr);
  Snapshot s{};
  s.flags = a->flags;
  s.remote_assoc = a->remote_assoc;
  s.hcookie = a->hcookie;
  s.pcookie = a->pcookie;
  s.pkeyid = a->pkeyid;
  s.keys_generated = a->keys_generated;
  s.last_keyid = a->last_keyid;
  s.next_poll = a->next_poll;
  s.refresh_at = a->refresh_at;
  s.restarts = a->restarts;
  s.last_xmt = a->last_xmt;
  s.subject = a->subject;
  s.issuer = a->issuer;
  s.signature_nid = a->signature_nid;
  for (const auto& c : a->trail) s.trail.push_back(c.der);
  s.trail_filestamps = a->trail_filestamps;
  if (a->verification_cert) s.verification = a->verification_cert->der;
  if (a->trusted_root) s.root = a->trusted_root->der;
  s.challenge = a->challenge;
  if (a->autokey) {
    s.autokey_key = a->autokey->key_id;
    s.autokey_seq = a->autokey->sequence;
    s.autokey_ts = a->autokey->timestamp;
  }
  s.queued = a->queued_request.has_value();
  s.answered = a->answered;
  s.outstanding = a->outstanding;
  s.key_index = a->key_index;
  s.key_ids = a->keys.ids;
  s.list_autokey = a->keys.autokey;
  s.list_seq = a->keys.seq;
  s.silent_polls = a->silent_polls;
  s.host_certs = e.host().certificates().size();
  s.host_update = e.host().last_update();
  return s;
}

// AK_FUZZ_STATES=1: at exit, print how many distinct client states the
// inputs reached (flag words; and flag word, trail length, host certificate
// cache size, proventic subject), so the two twins can be compared over
// the same corpus (docs/fuzzing.md §2, fuzz/tools/compare_twins.sh).
class StateLog {
 public:
  static StateLog& get() {
    static StateLog log;
    return log;
  }
  bool on() const { return on_; }
  void add(const core::Engine& e, const core::Association& a) {
    flags_.insert(a.flags);
    states_.emplace(a.flags, a.trail.size(), e.host().certificates().size(), a.proventic() ? a.subject : "");
  }
  ~StateLog() {
    if (!on_) return;
    std::fprintf(stderr, "states: %zu distinct client flag words, %zu distinct client states\n", flags_.size(),
                 states_.size());
    for (const auto f : flags_) std::fprintf(stderr, "flags: 0x%05x\n", f);
    for (const auto& [f, trail, certs, subject] : states_)
      std::fprintf(stderr, "state: flags 0x%05x trail %zu cached %zu proventic %s\n", f, trail, certs,
                   subject.empty() ? "-" : subject.c_str());
  }
  StateLog(const StateLog&) = delete;
  StateLog& operator=(const StateLog&) = delete;

 private:
  StateLog() = default;
  bool on_ = std::getenv("AK_FUZZ_STATES") != nullptr;
  std::set<std::uint32_t> flags_;
  std::set<std::tuple<std::uint32_t, std::size_t, std::size_t, std::string>> states_;
};

struct World {
  World(core::Engine s, core::Engine c) : server(std::move(s)), client(std::move(c)) {}
  core::Engine server;
  core::Engine client;
  std::uint32_t id = 0;
  std::uint32_t now = fuzz::kT0;
  std::deque<core::Send> flight;
  std::deque<core::Send> seen;  // recent datagrams, for replays
  // AK_FUZZ_TRACE=1 prints the run (for writing seeds and reading crashes).
  bool trace = std::getenv("AK_FUZZ_TRACE") != nullptr;

  void take(std::vector<core::Action> actions) {
    for (auto& a : actions) {
      if (auto* s = std::get_if<core::Send>(&a)) {
        AK_FUZZ_CHECK(s->bytes.size() <= wire::kMaxPacketLength);
        AK_FUZZ_CHECK(wire::Packet::parse(s->bytes).ok());
        seen.push_back(*s);
        if (seen.size() > 16) seen.pop_front();
        if (flight.size() < 64) flight.push_back(std::move(*s));
      }
    }
  }

  static bool rejected_only(const std::vector<core::Action>& actions) {
    bool rejected = false;
    for (const auto& a : actions) {
      if (std::holds_alternative<core::CryptoEvent>(a) || std::holds_alternative<core::Sample>(a)) return false;
      if (auto* l = std::get_if<core::Log>(&a)) {
        if (l->event == core::LogEvent::Rejected) rejected = true;
        if (l->event == core::LogEvent::Accepted || l->event == core::LogEvent::SignatureUpdate) return false;
      }
    }
    return rejected;
  }

  void check_invariants() {
    const core::Association* a = client.association(id);
    AK_FUZZ_CHECK(a != nullptr);
    AK_FUZZ_CHECK(a->trail.size() <= core::kMaxTrailLength);
    AK_FUZZ_CHECK(a->trail.size() == a->trail_filestamps.size());
    AK_FUZZ_CHECK(client.host().certificates().size() <= core::kMaxCachedCertificates);
    if (!kUnsafe && a->proventic()) AK_FUZZ_CHECK(a->subject == "servername@servername");
    if (StateLog::get().on()) StateLog::get().add(client, *a);
  }

  void trace_actions(const char* who, const core::Send& s, const std::vector<core::Action>& actions) const {
    if (!trace) return;
    auto p = wire::Packet::parse(s.bytes);
    std::fprintf(stderr, "[%u] -> %s: %s\n", now, who, p ? wire::summary(*p).c_str() : "(unparsable)");
    for (const auto& a : actions)
      if (!std::holds_alternative<core::Send>(a)) std::fprintf(stderr, "      %s\n", core::describe(a).c_str());
  }

  void deliver(const core::Send& s) {
    if (s.to == fuzz::client_address()) {
      const Snapshot before = snapshot(client, id);
      auto actions = client.handle_datagram(s.bytes, s.from, s.to, now);
      trace_actions("client", s, actions);
      const bool reject = rejected_only(actions);
      take(std::move(actions));
      if (reject) AK_FUZZ_CHECK(snapshot(client, id) == before);
      check_invariants();
    } else if (s.to == fuzz::server_address()) {
      auto actions = server.handle_datagram(s.bytes, s.from, s.to, now);
      trace_actions("server", s, actions);
      take(std::move(actions));
    }
  }

  void tick(std::uint32_t seconds) {
    now += seconds;
    take(server.handle_timer(now));
    take(client.handle_timer(now));
    // The clock discipline's part: synchronized once the server is proventic.
    if (!client.synchronized()) {
      const core::Association* a = client.association(id);
      if (a && a->proventic()) take(client.set_synchronized(now));
    }
    check_invariants();
  }
};

// Swap in a field and re-MAC as any sender can: the session key of a
// packet with fields uses cookie 0 (digest §6.4), so no secret is needed.
wire::Bytes with_field(const core::Send& s, std::size_t index, const wire::ExtensionField& field) {
  auto p = wire::Packet::parse(s.bytes);
  if (!p) return s.bytes;
  if (index < p->fields.size())
    p->fields[index] = field;
  else
    p->fields.push_back(field);
  const std::uint32_t key_id = p->mac ? p->mac->key_id : 0;
  p->mac.reset();
  auto body = p->serialize();
  if (!body) return s.bytes;
  if (key_id == 0) return *body;
  const auto sk = crypto::session_key(s.from, s.to, key_id, 0);
  const auto mac = crypto::make_mac(key_id, sk.key, *body);
  body->insert(body->end(), mac.begin(), mac.end());
  return *body;
}

void run(Program& prog) {
  const bool iff = (prog.u8() & 1) != 0;
  const std::string folder = iff ? "iff-md5-512" : "tc-md5-512";
  World w(core::Engine(fuzz::fixture_host(folder, true, 21)), core::Engine(fuzz::fixture_host(folder, false, 22)));
  (void)w.server.set_synchronized(w.now);
  core::PeerConfig cfg;
  cfg.remote = fuzz::server_address();
  cfg.local = fuzz::client_address();
  cfg.mode = core::PeerMode::Client;
  cfg.scheme = iff ? core::Scheme::Iff : core::Scheme::Tc;
  cfg.ident = "servername";
  cfg.poll_log2 = 4;
  auto id = w.client.mobilize(cfg, w.now);
  AK_FUZZ_CHECK(id.ok());
  w.id = *id;
  w.tick(0);

  for (int step = 0; step < 192 && !prog.done(); ++step) {
    const std::uint8_t op = prog.u8();
    if (w.trace) std::fprintf(stderr, "step %d op %u, %zu in flight\n", step, op % 10u, w.flight.size());
    switch (op % 10) {
      case 0:  // time passes
        w.tick(1 + prog.u8() % 32);
        break;
      case 1:  // deliver the oldest datagram in flight
      case 7:  // (three times as likely: the dance needs it)
      case 9:
        if (!w.flight.empty()) {
          core::Send s = std::move(w.flight.front());
          w.flight.pop_front();
          w.deliver(s);
        }
        break;
      case 2:  // lose it
        if (!w.flight.empty()) w.flight.pop_front();
        break;
      case 3: {  // corrupt one octet and deliver
        if (w.flight.empty()) break;
        core::Send s = std::move(w.flight.front());
        w.flight.pop_front();
        if (!s.bytes.empty()) s.bytes[prog.u16() % s.bytes.size()] ^= static_cast<std::uint8_t>(prog.u8() | 1);
        w.deliver(s);
        break;
      }
      case 4: {  // replace (or append) a field with fuzzer octets, re-MAC, deliver
        if (w.flight.empty()) break;
        core::Send s = std::move(w.flight.front());
        w.flight.pop_front();
        const std::size_t index = prog.u8() % 3;
        wire::Bytes raw = prog.bytes(1024);
        auto ef = wire::ExtensionField::parse(raw);
        if (ef) s.bytes = with_field(s, index, *ef);
        w.deliver(s);
        break;
      }
      case 5: {  // a datagram of the fuzzer's own, from either side
        core::Send s;
        const bool to_client = (prog.u8() & 1) != 0;
        s.from = to_client ? fuzz::server_address() : fuzz::client_address();
        s.to = to_client ? fuzz::client_address() : fuzz::server_address();
        s.bytes = prog.bytes(wire::kMaxPacketLength + 8);
        w.deliver(s);
        break;
      }
      case 6:  // replay something sent earlier
        if (!w.seen.empty()) w.deliver(core::Send(w.seen[prog.u8() % w.seen.size()]));
        break;
      case 8: {  // turn it into a crypto-NAK (same header, so the right origin) and deliver
        if (w.flight.empty()) break;
        core::Send s = std::move(w.flight.front());
        w.flight.pop_front();
        if (s.bytes.size() >= 48) {
          s.bytes.resize(52);
          std::fill(s.bytes.begin() + 48, s.bytes.end(), std::uint8_t{0});
        }
        w.deliver(s);
        break;
      }
    }
  }
  if (w.trace) {
    const core::Association* a = w.client.association(w.id);
    std::fprintf(stderr, "end: client flags 0x%x\n", a ? a->flags : 0u);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
#ifdef AK_FUZZ_UNSAFE_ACTIVE
  ak::crypto::fuzzing::set_unsafe_no_crypto(true);
#endif
  Program prog(data, size);
  try {
    run(prog);
  } catch (...) {
    std::abort();
  }
  return 0;
}
