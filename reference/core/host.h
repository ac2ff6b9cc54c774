// This host's Autokey credentials and the values it signs (RFC 5906 §10,
// §13; autokey-protocol.md §3.7, §8.7, §10.1).
//
// A Host is built from the files keys::load_keys_dir found. It holds:
//   * the RSA host key (cookie decryption), the sign key and its digest (the
//     digest of the host certificate's signature algorithm, digest §3.6);
//   * the certificate cache, own certificate first (digest §8.4);
//   * identity parameters: server keys (IFF/GQ/MV, advertised in the status
//     word) and client parameter files (used to verify servers);
//   * the signed public values ntpd keeps — hostval (ASSOC name), pubkey
//     (COOK request value), each cached certificate (CERT response value),
//     the leap values (LEAP response value) — re-signed by update(now) on
//     exactly the events ntpd's crypto_update runs on (digest §10.1);
//   * the server cookie seed, rotated on the revoke timer.
//
// Sans I/O: time comes in as `now` and randomness from an injected
// RandomSource; nothing here reads a clock, a socket or a global RNG.
// Not thread-safe: signing and the RNG mutate internal state even through
// const members (one Host per engine thread).
// Time convention (ntpd's crypto_time): `now` is NTP seconds, 0 while this
// host is unsynchronized. Nothing is signed with a zero timestamp.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/policy.h"
#include "crypto/certificate.h"
#include "crypto/digest.h"
#include "crypto/errors.h"
#include "crypto/identity_params.h"
#include "keys/keys_dir.h"
#include "wire/address.h"
#include "wire/flags.h"
#include "wire/messages/message.h"
#include "wire/reader.h"
#include "wire/result.h"

namespace Botan {
class Private_Key;
class RSA_PrivateKey;
class RandomNumberGenerator;
}  // namespace Botan

namespace ak::core {

// ---- randomness -------------------------------------------------------------

// Fills the span with random octets. Programs pass system_random(); tests
// pass a deterministic source.
using RandomSource = std::function<void(std::span<std::uint8_t>)>;

// Botan's system RNG (the OS CSPRNG), for programs.
RandomSource system_random();
// The same source seen through Botan's interface, for the crypto layer's
// functions (which take Botan::RandomNumberGenerator&).
std::unique_ptr<Botan::RandomNumberGenerator> make_botan_rng(RandomSource source);
// A random 32-bit word from the source.
std::uint32_t random_u32(const RandomSource& source);

// ---- values -----------------------------------------------------------------

// A value structure as this host keeps it (digest §3.3): timestamp 0 and an
// empty signature until the first update() while synchronized.
struct SignedValue {
  std::uint32_t timestamp = 0;
  std::uint32_t filestamp = 0;
  wire::Bytes value;
  wire::Bytes signature;

  bool is_signed() const { return !signature.empty(); }
};

// A certificate in the cache (digest §8.3-§8.4) with its CERT response value.
struct CachedCertificate {
  crypto::Certificate cert;
  std::uint32_t filestamp = 0;  // of the file, or of the EF it came with
  SignedValue signed_value;     // value = cert.der
  bool own = false;             // the host certificate from ntpkey_cert_<H>
  bool error = false;           // ntpd's ERROR flag: never served
};

// The three leap words of the LEAP value (digest §5.5). All zero means "no
// leap table": ntpd sends zeros when the TAI offset is <= 10 s.
struct LeapValues {
  std::uint32_t tai_offset = 0;
  std::uint32_t era_start = 0;  // low 32 bits of the NTP start of the current leap era
  std::uint32_t expiry = 0;     // ntpd: next transition + 7 days, low 32 bits
  bool operator==(const LeapValues&) const = default;
};

// What one update() re-signed, for the "signature update" log line.
enum class SignedValueKind : std::uint8_t { HostName, PublicKey, Certificate, Leap };
struct UpdatedValue {
  SignedValueKind kind{};
  std::string subject;  // certificates: their subject; otherwise empty
  std::uint32_t timestamp = 0;
  std::uint32_t filestamp = 0;
};

// ---- options ----------------------------------------------------------------

enum class CookieSeedPolicy : std::uint8_t {
  // A fresh random 32-bit seed at start and on every revoke timer.
  Random,
  // Seed 0 for ever, as ntpd 4.2.8p15 does (digest §6.5): anyone who knows
  // the two addresses can compute the cookie. ONLY for the replay-oracle test
  // against the fixtures and the "zero cookie seed" mutant.
  NtpdCompatibleZero_INSECURE,
};

struct HostOptions {
  Policy policy = Policy::compat();
  CookieSeedPolicy cookie_seed = CookieSeedPolicy::Random;
  // Digest of session keys, MACs and the server cookie (`crypto digest`).
  crypto::Digest session_digest = crypto::Digest::MD5;
  // Seconds between cookie-seed rotations: 2^revoke_log2 (ntpd `crypto revoke`,
  // default 17 = about 36 hours, digest §6.10).
  unsigned revoke_log2 = 17;
  // Initial leap values (see LeapValues); set_leap() changes them later.
  LeapValues leap{};
};

// ---- errors -----------------------------------------------------------------

enum class HostError : std::uint8_t {
  CertificateUnreadable,      // ntpkey_cert_<H> does not parse as an Autokey certificate
  CertificateNotSelfSigned,   // the host certificate must be self-signed (digest §8.7)
  CertificateKeyMismatch,     // the certificate's key is not the sign key's public key
  SignKeyUnusable,            // the sign key cannot sign with the certificate's digest
  PolicyRefused,              // a key, digest or identity group breaks the policy (see rule)
  IdentityParametersInvalid,  // an identity file's numbers cannot be used
  NotSynchronized,            // an operation needs a non-zero `now`
  SigningFailed,              // the signer failed on a value
  OwnCertificateNotValidNow,  // host certificate outside its validity (XEVNT_PER)
  CertificateCacheFull,       // install_certificate beyond kMaxCachedCertificates
  CertificateOlderThanCached, // same subject and issuer already cached with a newer filestamp
};
const char* message(HostError e);
std::string_view name(HostError e);

struct HostSetupError {
  HostError error{};
  std::optional<PolicyRule> rule;            // when error == PolicyRefused
  std::optional<crypto::CryptoError> crypto;  // when a crypto call said why
  std::string what;                           // which file or value, e.g. "host key"
};
// "host key: RSA modulus smaller than the policy allows ..."
std::string describe(const HostSetupError& e);

// Security-history §4 property 7: the certificate cache is bounded.
inline constexpr std::size_t kMaxCachedCertificates = 32;

// ---- the host -----------------------------------------------------------------

class Host {
 public:
  // Checks the credentials against options.policy, parses the certificate,
  // checks it is self-signed and matches the sign key, builds the signer and
  // the unsigned public values, and draws the first cookie seed. An empty
  // `random` means system_random().
  static Result<Host, HostSetupError> create(keys::LoadedKeys keys, HostOptions options, RandomSource random);

  Host(Host&&) noexcept;
  Host& operator=(Host&&) noexcept;
  ~Host();

  // -- identity and status --------------------------------------------------
  // The host certificate subject, "host" or "host@group": the ASSOC name.
  const std::string& name() const;
  // The group part of name() ("" if none): ntpd's `ident` for this host.
  std::string group() const;
  // The status word sent in ASSOC (digest §4): certificate signature NID in
  // the high half, ENAB, TAI once update() ran while synchronized, IFF/GQ/MV
  // for each server key file loaded, PRIV for a private certificate.
  wire::StatusWord status() const;
  crypto::Digest sign_digest() const;
  crypto::Digest session_digest() const;
  const Policy& policy() const;

  // -- keys and files ---------------------------------------------------------
  const Botan::RSA_PrivateKey& host_key() const;
  const Botan::Private_Key& sign_key() const;
  std::uint32_t host_key_filestamp() const;
  const crypto::Certificate& certificate() const;  // own, self-signed
  std::uint32_t certificate_filestamp() const;
  // Server identity keys (what this host proves with) and client parameters
  // (what it verifies servers with). nullptr when not loaded.
  const keys::Stamped<crypto::IffParams>* iff_key() const;
  const keys::Stamped<crypto::GqParams>* gq_key() const;
  const keys::Stamped<crypto::MvParams>* mv_key() const;
  const keys::Stamped<crypto::IffParams>* iff_par() const;
  const keys::Stamped<crypto::GqParams>* gq_par() const;
  const keys::Stamped<crypto::MvParams>* mv_par() const;

  // -- signed values (digest §3.7, §10.1) ---------------------------------
  // hostval: ts = last update (0 if never), fs = host-key filestamp, value =
  // name(); never signed.
  const SignedValue& host_value() const;
  // pubkey: value = DER RSAPublicKey of the host key (the COOK request value).
  const SignedValue& public_key_value() const;
  // tai_leap: 12 octets once updated; empty before the first update.
  const SignedValue& leap_value() const;
  LeapValues leap() const;
  // Time of the last update() (hostval.tstamp), 0 if none yet.
  std::uint32_t last_update() const;
  const std::vector<CachedCertificate>& certificates() const;

  // crypto_update (digest §10.1): when `now` != 0, re-signs hostval's stamps,
  // pubkey, every cached certificate and the leap value with timestamp `now`
  // and sets TAI. Returns what was re-signed (empty when now == 0). Call it
  // when the clock becomes synchronized, after install_certificate and after
  // a LEAP response was accepted.
  std::vector<UpdatedValue> update(std::uint32_t now);

  // New leap values (crypto_update_taichange): stored, then update(now) if
  // this host has been updated before.
  std::vector<UpdatedValue> set_leap(const LeapValues& leap, std::uint32_t now);

  // cert_install (digest §8.4): a certificate received in a CERT or SIGN
  // response. Same subject and issuer as a cached one: the larger filestamp
  // wins, the cached one wins ties (CertificateOlderThanCached). New entries
  // go to the front (after the check against kMaxCachedCertificates). The
  // host's own certificate is never replaced from the network.
  // Re-signs everything (update(now)) on success. The certificate must
  // already be parsed and checked by the caller (crypto::check_filestamp,
  // check_certificate against the policy).
  Result<std::vector<UpdatedValue>, HostError> install_certificate(crypto::Certificate cert,
                                                                  std::uint32_t filestamp, std::uint32_t now);

  // CERT responder choice for `subject` (digest §8.4): a self-signed trusted
  // entry, else the last matching entry whose issuer differs from its
  // subject; never a self-signed untrusted one, never PRIV or ERROR entries.
  const CachedCertificate* find_certificate(std::string_view subject) const;

  // -- signing helpers --------------------------------------------------------
  // The signature of ts || fs || vl || value with the sign key (RSA PKCS#1
  // v1.5 is deterministic: same octets as ntpd).
  Result<wire::Bytes, crypto::CryptoError> sign(std::uint32_t timestamp, std::uint32_t filestamp,
                                                wire::ByteView value) const;
  // The ASSOC message (request or response body): name, last update, status.
  wire::AssocMessage assoc_message(std::uint32_t assoc_id) const;
  // The signed AUTO response for a key list an association generated at
  // `now` (digest §5.4): ts = now, fs = the last update as it was then
  // (`filestamp`; default: the last update now), signed when now != 0.
  // `assoc_id` as §3.4 says for the mode.
  Result<wire::AutoResponse, crypto::CryptoError> sign_autokey(std::uint32_t assoc_id, std::uint32_t key_id,
                                                               std::uint32_t sequence, std::uint32_t now,
                                                               std::optional<std::uint32_t> filestamp = {}) const;
  // Requests whose values the host owns (digest §3.7 rows): COOK (pubkey,
  // signed if ever synchronized), CERT (ts now, fs last update), SIGN (own
  // certificate; OwnCertificateNotValidNow suppresses it, NotSynchronized
  // when now == 0).
  wire::CookRequest cook_request(std::uint32_t assoc_id) const;
  wire::CertRequest cert_request(std::uint32_t assoc_id, const std::string& subject, std::uint32_t now) const;
  Result<wire::SignRequest, HostError> sign_request(std::uint32_t assoc_id, std::uint32_t now) const;

  // -- cookie seed (digest §6.5) ---------------------------------------------
  std::uint32_t cookie_seed() const;
  // The server cookie for a request from `client` to `server` (this host).
  std::uint32_t server_cookie(const wire::Address& client, const wire::Address& server) const;
  // Revoke timer: rotates the seed when 2^revoke_log2 seconds have passed
  // since the last rotation (or since the first call). True if it rotated;
  // the caller then regenerates its key lists as ntpd's revoke does.
  bool on_revoke_timer(std::uint32_t now);
  // Rotates now (unless the policy is NtpdCompatibleZero_INSECURE).
  void rotate_cookie_seed();

  // -- randomness -------------------------------------------------------------
  // The injected source, as given and through Botan's interface. The Botan
  // RNG is owned by the Host and stays valid while the Host lives.
  const RandomSource& random() const;
  Botan::RandomNumberGenerator& rng() const;

 private:
  struct Impl;
  explicit Host(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ak::core
