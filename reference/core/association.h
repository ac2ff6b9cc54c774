// One Autokey association: what this host knows about one peer
// (RFC 5906 §10; autokey-protocol.md §9.1: ntpd's struct peer, Autokey part).
//
// The progress word uses ntpd's CRYPTO_FLAG values, mixed as ntpd mixes
// them: the peer's status word (bits 0..7, NID in 16..31) ORed with this
// client's progress bits (8..14), so it compares directly with ntpq's
// "flags" (0x87f23 for the iff-md5-512 fixture).
//
// Everything received but not yet verified lives in provisional members
// (trail) that a failure discards; the verification key is taken only from a
// trail that reached a trusted root (security-history §4 property 8).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/certificate.h"
#include "crypto/digest.h"
#include "crypto/key_list.h"
#include "wire/address.h"
#include "wire/extension_field.h"
#include "wire/flags.h"
#include "wire/messages/message.h"
#include "wire/ntp_header.h"
#include "wire/reader.h"
#include "core/transitions.h"

namespace ak::core {

// Why a datagram or a field changed nothing. One enumerator per rule; each
// maps to ntpd's XEVNT_* where one exists (crypto/errors.h xevnt::).
enum class AssocError : std::uint8_t {
  // Packet level (digest §2, §6.9).
  PacketMalformed,          // wire::Packet::parse refused it
  NoAssociation,            // a server/symmetric packet from nobody we talk to
  ModeNotHandled,           // an NTP mode this engine does not serve
  CryptoNak,                // key ID 0 and no digest: logged, nothing else
  NotAutokey,               // no MAC, or a symmetric (<= 65535) key ID
  KeyIdNotExpected,         // reply key ID is not our last request's (replay)
  OriginMismatch,           // reply origin timestamp is not our last transmit time
  MacMismatch,              // session-key MAC does not verify
  DuplicateReply,           // our last request was already answered
  // Field level (digest §3.8, §5).
  FieldUndecodable,         // wire::decode refused the field (XEVNT_LEN)
  UnexpectedResponse,       // not the response to our outstanding request, or not in this state
  ShortResponse,            // 8-octet response other than CERT (XEVNT_LEN)
  RequestNotServed,         // a request field sent to a client association
  ErrorResponse,            // the peer answered with an error field (XEVNT_ERR)
  AssocIdMismatch,          // response for another association (XEVNT_ERR)
  AssocIdChanged,           // ASSOC with a different peer association ID (XEVNT_ERR)
  GroupMismatch,            // ASSOC name without '@' or of another group (digest §9.7)
  UnsupportedDigest,        // status-word NID names no digest (XEVNT_MD)
  PolicyRefused,            // the local policy refuses the digest or a key
  IdentitySchemeNotOffered, // the peer does not offer the scheme we require (XEVNT_KEY)
  PrivateCertificateMismatch, // PC on one side only (XEVNT_KEY)
  TimestampZero,            // ts == 0 on a value that must be signed (XEVNT_TSP)
  TimestampBeforeFilestamp, // ts < fs (XEVNT_TSP)
  TimestampReplayed,        // older than the stored value (XEVNT_TSP)
  FilestampReplayed,        // filestamp older than the stored one (XEVNT_FSP)
  SignatureMissing,         // sl == 0 or no verification key (XEVNT_ERR)
  SignatureLength,          // sl != key size (XEVNT_SGL)
  SignatureInvalid,         // signature does not verify (XEVNT_SIG)
  CertificateInvalid,       // does not parse / filestamp rule (XEVNT_CRT)
  CertificateNotRequested,  // subject is not the name we asked for (XEVNT_CRT)
  CertificateTrailInvalid,  // a trail certificate is not signed by the next (XEVNT_VFY)
  CertificateValidityNotNested, // child notBefore outside issuer validity (XEVNT_PER)
  CertificateExpired,       // a trail certificate is not valid now (XEVNT_PER)
  CertificateTrailTooLong,  // more links than kMaxTrailLength (XEVNT_CRT)
  IdentityFilestamp,        // filestamp rule of the scheme (XEVNT_FSP)
  IdentityNoChallenge,      // no challenge outstanding (XEVNT_ID)
  IdentityParametersMissing, // no client parameter file for the scheme (XEVNT_ID)
  IdentityProofRejected,    // the proof does not verify (XEVNT_ID)
  CookieWrongSize,          // ciphertext is not our modulus size (XEVNT_CKY)
  CookieInvalid,            // decryption failed or not 4 octets (XEVNT_CKY)
  SignedCertificateNotOurs, // SIGN response for another name or key (XEVNT_CRT)
  AutokeyValueInvalid,      // AUTO seq >= 100 (a list holds at most 100 keys)
  KeyIdChainBroken,         // broadcast/symmetric key ID does not hash to a trusted one
};
const char* message(AssocError e);
std::string_view name(AssocError e);
std::uint16_t xevnt_code(AssocError e);

// The identity scheme a peer is configured for. The local configuration
// decides, never the peer's unsigned status word (security-history §4
// property 14): Tc and Pc run no identity exchange.
enum class Scheme : std::uint8_t { Tc, Pc, Iff, Gq, Mv };
std::string_view to_string(Scheme s);

enum class PeerMode : std::uint8_t {
  Client,            // `server ADDR autokey`
  SymmetricActive,   // `peer ADDR autokey`
  SymmetricPassive,  // mobilized by a symmetric-active peer
  BroadcastServer,   // `broadcast ADDR autokey`
  BroadcastClient,   // mobilized by a first broadcast (`broadcastclient`), digest §9.5
};
std::string_view to_string(PeerMode m);

struct PeerConfig {
  wire::Address remote;  // peer address (broadcast server: the broadcast address)
  wire::Address local;   // our address towards it (session keys hash it)
  PeerMode mode = PeerMode::Client;
  Scheme scheme = Scheme::Tc;
  // `ident G`: the group whose client parameter file (ntpkey_<scheme>par_G)
  // the identity exchange uses; also the group test of digest §9.7.
  std::string ident;
  unsigned poll_log2 = 6;  // 64 s
};

// Bounds (security-history §4 property 7).
inline constexpr std::size_t kMaxTrailLength = 8;

struct ReceivedAutokey {   // peer->recval (digest §5.4)
  std::uint32_t timestamp = 0;
  std::uint32_t filestamp = 0;
  std::uint32_t key_id = 0;
  std::uint32_t sequence = 0;
};

struct ReceivedLeap {      // the peer's LEAP value (digest §5.5)
  std::uint32_t tai_offset = 0;
  std::uint32_t era_start = 0;
  std::uint32_t expiry = 0;
};

struct Association {
  std::uint32_t id = 0;          // our association ID
  PeerConfig config;
  // --- Autokey state (cleared by restart(), digest §9.8 peer_clear) ---------
  std::uint32_t flags = 0;         // peer->crypto: status word | progress bits
  std::uint32_t remote_assoc = 0;  // peer->assoc
  std::string subject;             // peer's ASSOC name
  std::string issuer;              // name the next CERT request asks for
  std::uint16_t signature_nid = 0; // from the status word
  crypto::Digest digest = crypto::Digest::MD5;
  std::vector<crypto::Certificate> trail;  // provisional: trail[0] is the server's own
  std::vector<std::uint32_t> trail_filestamps;  // the CERT responses' filestamps
  std::optional<crypto::Certificate> verification_cert;  // trail[0], once the trail is verified
  std::optional<crypto::Certificate> trusted_root;       // the root that lit CERT
  wire::Bytes challenge;           // outstanding identity challenge
  std::uint32_t hcookie = 0;       // our half (symmetric)
  std::uint32_t pcookie = 0;       // the cookie session keys use
  std::optional<ReceivedAutokey> autokey;  // peer's values (broadcast/symmetric)
  std::uint32_t pkeyid = 0;        // last accepted peer key ID (digest §6.9)
  std::optional<ReceivedLeap> leap;  // the peer's verified leap values
  std::optional<wire::ExtensionField> queued_request;  // symmetric one-slot queue
  // The leap indicator of the peer's last authentic packet once PROV is lit
  // said its clock is set (ntpd's peer->leap, which only a sample that
  // passed every test updates, digest §9.3): symmetric rule 4's condition.
  bool peer_synchronized = false;
  // --- transmit side ------------------------------------------------------
  crypto::KeyList keys;            // current list
  std::size_t key_index = 0;       // next: keys.ids[key_index - 1] ... 0 = regenerate
  std::uint32_t keys_generated = 0;  // list generation time (NTP s)
  std::uint32_t keys_filestamp = 0;  // the host's last update at that time
  bool push_auto = false;          // new list: push our AUTO values (digest §6.8)
  std::optional<wire::AutoResponse> sndval;  // our signed values for the current list
  std::uint32_t last_keyid = 0;    // key ID of our last transmission (peer->keyid)
  std::uint64_t last_xmt = 0;      // its transmit timestamp
  std::optional<wire::Opcode> outstanding;  // request in our last transmission
  bool answered = true;            // last transmission already answered
  // --- timers -------------------------------------------------------------
  std::uint32_t next_poll = 0;
  std::uint32_t refresh_at = 0;
  unsigned silent_polls = 0;       // polls without an authentic reply
  // --- statistics for mode 6 / tests --------------------------------------
  std::uint32_t restarts = 0;
  std::optional<AssocError> last_error;

  RequestTable table() const {
    return (config.mode == PeerMode::Client || config.mode == PeerMode::BroadcastClient) ? RequestTable::Client
                                                                                          : RequestTable::Symmetric;
  }
  bool has(std::uint32_t bit) const { return (flags & bit) == bit; }
  bool proventic() const { return has(wire::crypto_flag::kProv); }
  bool complete() const { return has(wire::crypto_flag::kAll); }
  State state(bool host_synchronized) const { return state_of(flags, host_synchronized, table(), peer_synchronized); }
  // peer_clear: drop every piece of Autokey state, keep the configuration.
  void restart(std::uint32_t refresh_at_time);
};

// What the mode-6 view shows for an association (operator-surface §mode 6:
// flags, host, signature, initsequence, initkey, timestamp).
struct AssociationView {
  std::uint32_t assoc_id = 0;
  std::uint32_t remote_assoc = 0;
  std::uint32_t flags = 0;
  State state = State::Unassociated;
  std::string host;                 // peer's subject name
  std::string signature;            // "md5WithRSAEncryption" from the status NID
  std::optional<std::uint32_t> initsequence, initkey;  // peer's autokey values
  std::uint32_t timestamp = 0;      // of the peer's autokey values
  std::uint32_t restarts = 0;
  std::optional<ReceivedLeap> leap;  // the peer's leap values, once LEAP is lit
};
AssociationView view_of(const Association& a, bool host_synchronized);

}  // namespace ak::core

