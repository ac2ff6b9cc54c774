// The Autokey protocol engine: every association of this host plus the
// stateless server, sans-I/O (design.md "State machine").
//
//   handle_datagram(bytes, src, dst, now) -> actions   a UDP payload arrived
//   handle_timer(now)                     -> actions   time passed
//   set_synchronized(now)                 -> actions   the clock discipline set the clock
//
// Time is NTP seconds from the caller's clock; randomness is the Host's
// injected source; so a run is a pure function of its inputs and replays
// exactly. Client-mode requests that match no association go to the
// stateless Responder (core/responder.h); replies to our own requests go to
// the association that sent them.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/actions.h"
#include "core/association.h"
#include "core/host.h"
#include "wire/address.h"
#include "wire/packet.h"
#include "wire/reader.h"
#include "wire/result.h"

namespace ak::core {

struct EngineOptions {
  unsigned automax_log2 = crypto::kDefaultAutomaxLog2;  // key-list lifetime (digest §1.2)
  unsigned refresh_log2 = 19;                           // NTP_REFRESH (digest §6.10)
  // Polls without an authentic reply before an association with Autokey
  // state starts over. ntpd restarts on a crypto-NAK or a bad MAC instead,
  // which lets anyone on the path reset it (security-history §4 property 8);
  // we restart only on this silence, which such a packet cannot cause.
  unsigned restart_after_silent_polls = 8;
  // Answer client-mode requests (be a server).
  bool serve = true;
  // Mobilize a symmetric-passive association for an unknown symmetric-active peer.
  bool accept_symmetric_passive = false;
  // Scheme and group for passive associations (ntpd's global `ident`).
  Scheme passive_scheme = Scheme::Tc;
  std::string passive_ident;
  // Listen to Autokey broadcasts (`broadcastclient`): a first broadcast
  // mobilizes a BroadcastClient association with passive_scheme and
  // passive_ident, whose unicast volley uses this local address.
  bool broadcast_client = false;
  std::optional<wire::Address> unicast_local;
  // Associations mobilized by packets (symmetric passive, broadcast client)
  // at most: the packet that mobilizes one carries only a cookie-0 MAC,
  // which anyone can compute (security-history §4 property 7: bounded memory).
  std::size_t max_ephemeral = 8;
  // Poll exponent of associations mobilized by a packet (passive peers,
  // broadcast clients); unset: the sender's poll, clamped to 4..17 as ntpd.
  std::optional<unsigned> passive_poll_log2;
  // Stratum we claim in replies (the timekeeping layer owns the real value).
  std::uint8_t stratum = 3;
};

// The NTP header of a packet the engine is about to send (RFC 5905 §7.3).
// The engine works without a clock: by default it stamps whole seconds and
// claims EngineOptions::stratum. A caller with a time service installs a
// HeaderProvider, which the engine calls synchronously while it builds each
// packet, before the MAC is computed (the MAC covers the header, RFC 5906
// §4): the provider fills leap, stratum, poll, precision, root delay and
// dispersion, refid, reference, origin, receive and transmit timestamps
// from its own state. The engine then keeps the mode and version it chose,
// and takes the transmit timestamp as given for the reply's origin test.
// Still sans-I/O: the provider is a pure function of the caller's state.
struct HeaderContext {
  std::uint32_t assoc_id = 0;
  PeerMode mode = PeerMode::Client;  // of the association sending
  wire::Address remote;              // destination (a broadcast address for a broadcast server)
  wire::Address local;
  std::uint32_t now = 0;             // the engine's `now` (NTP seconds)
};
using HeaderProvider = std::function<void(const HeaderContext&, wire::NtpHeader&)>;

enum class MobilizeError : std::uint8_t {
  AlreadyMobilized,      // an association with that remote address exists
  SchemeNotConfigured,   // IFF/GQ/MV without client parameters, or PC without a private certificate
  ModeNotSupported,      // a mode this engine does not run
};
const char* message(MobilizeError e);

class Engine {
 public:
  // Seconds after a symmetric peer's request arrives at which its answer
  // goes out, when the next poll is later (digest §9.6: ntpd's ~2 s).
  static constexpr std::uint32_t kQueuedAnswerDelay = 2;

  explicit Engine(Host host, EngineOptions options = {});

  // A configured association (`server ADDR autokey ident G`, `peer ...`).
  // Its first transmission happens at the first handle_timer(now) call at or
  // after `now`.
  Result<std::uint32_t, MobilizeError> mobilize(const PeerConfig& config, std::uint32_t now);
  // Forget an association (Demobilize action included).
  std::vector<Action> demobilize(std::uint32_t assoc_id);
  // Start an association over now, keeping its ID and configuration: what
  // its refresh timer does (digest §6.10, §9.8 peer_clear), on demand (an
  // operator who replaced the peer's keys; the model comparison's refresh).
  std::vector<Action> refresh(std::uint32_t assoc_id, std::uint32_t now);

  std::vector<Action> handle_datagram(wire::ByteView bytes, const wire::Address& src, const wire::Address& dst,
                                      std::uint32_t now);
  std::vector<Action> handle_timer(std::uint32_t now);

  // The host clock is (now) synchronized: re-sign the host values
  // (crypto_update, digest §10.1) and let associations go on to SIGN/LEAP.
  std::vector<Action> set_synchronized(std::uint32_t now);
  void set_unsynchronized() { synchronized_ = false; }
  bool synchronized() const { return synchronized_; }

  // The local address a broadcast client association mobilized from now on
  // sends its unicast volley from (EngineOptions::unicast_local): the
  // caller knows which interface a broadcast arrived on, the engine not.
  void set_broadcast_unicast_local(const wire::Address& local) { options_.unicast_local = local; }

  // Installs (or with an empty function removes) the header provider.
  void set_header_provider(HeaderProvider provider) { header_provider_ = std::move(provider); }

  // The signed AUTO values of broadcast association `assoc_id` (digest §5.4,
  // §10.2), for a caller that answers client requests itself with
  // core::plan_server_reply (RequestContext::autokey_values). nullptr when
  // there is no such broadcast association or nothing is signed yet.
  const wire::AutoResponse* broadcast_values(std::uint32_t assoc_id);

  // Read access (mode-6 view, tests).
  const Association* association(std::uint32_t assoc_id) const;
  std::vector<AssociationView> associations() const;
  const Host& host() const { return host_; }
  Host& host() { return host_; }
  // Earliest time handle_timer wants to be called (0 if nothing is pending).
  std::uint32_t next_timer() const;

 private:
  std::vector<Action> on_reply(Association& a, const wire::Packet& p, wire::ByteView bytes,
                               const wire::Address& src, const wire::Address& dst, std::uint32_t now);
  std::vector<Action> on_peer_packet(Association& a, const wire::Packet& p, wire::ByteView bytes,
                                     const wire::Address& src, const wire::Address& dst, std::uint32_t now);
  std::vector<Action> on_broadcast(Association* a, const wire::Packet& p, wire::ByteView bytes,
                                   const wire::Address& src, const wire::Address& dst, std::uint32_t now);
  std::vector<Action> on_client_request(const wire::Packet& p, const wire::Address& src, const wire::Address& dst,
                                        std::uint32_t now);
  // The packet's MAC (it has one) under the session key of (src, dst, its
  // key ID, cookie).
  bool mac_verifies(const wire::Packet& p, wire::ByteView bytes, const wire::Address& src, const wire::Address& dst,
                    std::uint32_t cookie) const;
  const wire::AutoResponse* own_autokey(Association& a);
  void broadcast(Association& a, std::uint32_t now, std::vector<Action>& out);
  void poll(Association& a, std::uint32_t now, std::vector<Action>& out);
  std::uint32_t next_key_id(Association& a, std::uint32_t now);
  void provide_header(const Association& a, std::uint32_t now, wire::NtpHeader& h) const;
  Association* find_by_remote(const wire::Address& remote);
  unsigned passive_poll(std::int8_t sender_poll) const;
  bool ephemeral_room() const;
  std::uint32_t fresh_assoc_id();

  Host host_;
  EngineOptions options_;
  bool synchronized_ = false;
  std::map<std::uint32_t, Association> assocs_;
  HeaderProvider header_provider_;
};

}  // namespace ak::core
