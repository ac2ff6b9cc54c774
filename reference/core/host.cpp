#include "core/host.h"

#include <botan/pk_keys.h>
#include <botan/rng.h>
#include <botan/rsa.h>
#include <botan/system_rng.h>

#include <algorithm>
#include <exception>
#include <utility>

#include "crypto/cookie.h"
#include "crypto/session_key.h"
#include "crypto/signature.h"

namespace ak::core {

// ---- randomness -------------------------------------------------------------

namespace {

// Botan's RNG interface over the injected source: the crypto layer takes a
// Botan::RandomNumberGenerator&, the engine takes a plain function.
class InjectedRng final : public Botan::RandomNumberGenerator {
 public:
  explicit InjectedRng(RandomSource source) : source_(std::move(source)) {}
  void randomize(std::uint8_t output[], std::size_t length) override {
    source_(std::span<std::uint8_t>(output, length));
  }
  bool accepts_input() const override { return false; }
  void add_entropy(const std::uint8_t[], std::size_t) override {}
  std::string name() const override { return "injected"; }
  void clear() override {}
  bool is_seeded() const override { return true; }

 private:
  RandomSource source_;
};

}  // namespace

RandomSource system_random() {
  return [](std::span<std::uint8_t> out) { Botan::system_rng().randomize(out.data(), out.size()); };
}

std::unique_ptr<Botan::RandomNumberGenerator> make_botan_rng(RandomSource source) {
  return std::make_unique<InjectedRng>(std::move(source));
}

std::uint32_t random_u32(const RandomSource& source) {
  std::uint8_t b[4] = {};
  source(std::span<std::uint8_t>(b, 4));
  return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | b[3];
}

// ---- errors -----------------------------------------------------------------

const char* message(HostError e) {
  switch (e) {
    case HostError::CertificateUnreadable:
      return "host certificate does not parse as an Autokey certificate";
    case HostError::CertificateNotSelfSigned:
      return "host certificate is not self-signed";
    case HostError::CertificateKeyMismatch:
      return "host certificate does not carry the sign key's public key";
    case HostError::SignKeyUnusable:
      return "sign key cannot sign with the certificate's digest";
    case HostError::PolicyRefused:
      return "refused by the cryptographic policy";
    case HostError::IdentityParametersInvalid:
      return "identity parameters cannot be used";
    case HostError::NotSynchronized:
      return "this host is not synchronized (no signing time)";
    case HostError::SigningFailed:
      return "signing a value failed";
    case HostError::OwnCertificateNotValidNow:
      return "host certificate is not valid now";
    case HostError::CertificateCacheFull:
      return "certificate cache is full";
    case HostError::CertificateOlderThanCached:
      return "a certificate with the same subject and issuer and a filestamp at least as new is cached";
  }
  return "unknown host error";
}

std::string_view name(HostError e) {
  switch (e) {
    case HostError::CertificateUnreadable: return "CertificateUnreadable";
    case HostError::CertificateNotSelfSigned: return "CertificateNotSelfSigned";
    case HostError::CertificateKeyMismatch: return "CertificateKeyMismatch";
    case HostError::SignKeyUnusable: return "SignKeyUnusable";
    case HostError::PolicyRefused: return "PolicyRefused";
    case HostError::IdentityParametersInvalid: return "IdentityParametersInvalid";
    case HostError::NotSynchronized: return "NotSynchronized";
    case HostError::SigningFailed: return "SigningFailed";
    case HostError::OwnCertificateNotValidNow: return "OwnCertificateNotValidNow";
    case HostError::CertificateCacheFull: return "CertificateCacheFull";
    case HostError::CertificateOlderThanCached: return "CertificateOlderThanCached";
  }
  return "?";
}

std::string describe(const HostSetupError& e) {
  std::string out = e.what.empty() ? std::string() : e.what + ": ";
  out += message(e.error);
  if (e.rule) out += std::string(" (") + message(*e.rule) + ")";
  if (e.crypto) out += std::string(" (") + crypto::message(*e.crypto) + ")";
  return out;
}

// ---- the host ---------------------------------------------------------------

struct Host::Impl {
  keys::LoadedKeys keys;
  HostOptions options;
  RandomSource random;
  std::unique_ptr<Botan::RandomNumberGenerator> rng;
  std::optional<crypto::ValueSigner> signer;  // holds references to the sign key and rng

  crypto::Certificate own;
  std::string name;
  std::uint32_t status_flags = 0;  // ENAB, TAI, identity bits
  std::uint16_t signature_nid = 0;

  SignedValue host_value;
  SignedValue public_key;
  SignedValue leap_value;
  LeapValues leap;
  std::vector<CachedCertificate> cache;

  std::uint32_t seed = 0;
  std::uint32_t last_rotation = 0;  // 0 = revoke timer not started
};

Host::Host(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Host::Host(Host&&) noexcept = default;
Host& Host::operator=(Host&&) noexcept = default;
Host::~Host() = default;

namespace {

HostSetupError setup_error(HostError e, std::string what) {
  HostSetupError out;
  out.error = e;
  out.what = std::move(what);
  return out;
}

HostSetupError policy_error(PolicyRule rule, std::string what) {
  HostSetupError out = setup_error(HostError::PolicyRefused, std::move(what));
  out.rule = rule;
  return out;
}

wire::Bytes leap_octets(const LeapValues& l) {
  wire::Writer w;
  // RFC 5906 §10 / digest §5.5: a TAI offset of 10 s or less means the host
  // has no leap table; ntpd then sends three zero words.
  const bool known = l.tai_offset > 10;
  (void)w.u32(known ? l.tai_offset : 0);
  (void)w.u32(known ? l.era_start : 0);
  (void)w.u32(known ? l.expiry : 0);
  return w.data();
}

template <class P>
Status<HostSetupError> check_identity_file(const Policy& policy, const std::optional<keys::Stamped<P>>& file,
                                           const char* what) {
  if (!file) return Ok{};
  if (auto st = check_identity(policy, file->value); !st) return Err{policy_error(st.error(), what)};
  return Ok{};
}

}  // namespace

Result<Host, HostSetupError> Host::create(keys::LoadedKeys keys, HostOptions options, RandomSource random) {
  auto impl = std::make_unique<Impl>();
  impl->random = random ? std::move(random) : system_random();
  impl->rng = make_botan_rng(impl->random);
  impl->options = std::move(options);
  impl->keys = std::move(keys);
  const Policy& policy = impl->options.policy;
  const auto& k = impl->keys;

  // Digest §8.7: the host certificate must parse and be self-signed.
  auto cert = crypto::parse_certificate(k.certificate.der);
  if (!cert) {
    HostSetupError e = setup_error(HostError::CertificateUnreadable, "host certificate");
    e.crypto = cert.error();
    return Err{e};
  }
  if (!cert->self_signed) return Err{setup_error(HostError::CertificateNotSelfSigned, "host certificate")};

  if (auto st = check_certificate(policy, *cert); !st) return Err{policy_error(st.error(), "host certificate")};
  if (auto st = check_public_key(policy, *k.host.value); !st) return Err{policy_error(st.error(), "host key")};
  if (auto st = check_public_key(policy, k.sign_key()); !st) return Err{policy_error(st.error(), "sign key")};
  if (auto st = check_identity_file(policy, k.iff_key, "IFF key"); !st) return Err{st.error()};
  if (auto st = check_identity_file(policy, k.iff_par, "IFF parameters"); !st) return Err{st.error()};
  if (auto st = check_identity_file(policy, k.gq_key, "GQ key"); !st) return Err{st.error()};
  if (auto st = check_identity_file(policy, k.gq_par, "GQ parameters"); !st) return Err{st.error()};
  if (auto st = check_identity_file(policy, k.mv_key, "MV key"); !st) return Err{st.error()};
  if (auto st = check_identity_file(policy, k.mv_par, "MV parameters"); !st) return Err{st.error()};

  // Receivers verify our signatures with the certificate's key (digest §3.6),
  // so the certificate must carry the sign key's public half.
  try {
    if (k.sign_key().subject_public_key() != cert->public_key_info)
      return Err{setup_error(HostError::CertificateKeyMismatch, "host certificate")};
  } catch (const std::exception&) {
    return Err{setup_error(HostError::SignKeyUnusable, "sign key")};
  }

  auto signer = crypto::ValueSigner::create(k.sign_key(), cert->signature.digest, *impl->rng);
  if (!signer) {
    HostSetupError e = setup_error(HostError::SignKeyUnusable, "sign key");
    e.crypto = signer.error();
    return Err{e};
  }
  impl->signer.emplace(std::move(signer).value());

  auto pub = crypto::encode_rsa_public_key(*k.host.value);
  if (!pub) {
    HostSetupError e = setup_error(HostError::SignKeyUnusable, "host key");
    e.crypto = pub.error();
    return Err{e};
  }

  impl->own = *cert;
  impl->name = cert->subject;
  impl->signature_nid = static_cast<std::uint16_t>(cert->signature.nid);
  // Digest §4: ENAB always; identity bits for the server key files loaded
  // (those holding the prover's secret); PRIV for a private certificate.
  impl->status_flags = wire::crypto_flag::kEnab;
  if (k.iff_key && k.iff_key->value.b) impl->status_flags |= wire::crypto_flag::kIff;
  if (k.gq_key && k.gq_key->value.u) impl->status_flags |= wire::crypto_flag::kGq;
  if (k.mv_key && k.mv_key->value.E && k.mv_key->value.gbar && k.mv_key->value.ghat)
    impl->status_flags |= wire::crypto_flag::kMv;
  if (cert->private_cert) impl->status_flags |= wire::crypto_flag::kPriv;

  const std::uint32_t host_fs = k.host.filestamp;
  impl->host_value = SignedValue{0, host_fs, wire::Bytes(impl->name.begin(), impl->name.end()), {}};
  impl->public_key = SignedValue{0, host_fs, std::move(pub).value(), {}};
  // Before the first update the LEAP value is empty (digest §5.5: vl = 0).
  impl->leap_value = SignedValue{0, host_fs, {}, {}};
  impl->leap = impl->options.leap;

  CachedCertificate own_entry;
  own_entry.cert = *cert;
  own_entry.filestamp = k.certificate.filestamp;
  own_entry.signed_value = SignedValue{0, k.certificate.filestamp, cert->der, {}};
  own_entry.own = true;
  impl->cache.push_back(std::move(own_entry));

  Host host(std::move(impl));
  host.rotate_cookie_seed();
  return host;
}

const std::string& Host::name() const { return impl_->name; }
std::string Host::group() const { return crypto::name_group(impl_->name); }
wire::StatusWord Host::status() const { return wire::StatusWord::make(impl_->signature_nid, impl_->status_flags); }
crypto::Digest Host::sign_digest() const { return impl_->signer->digest(); }
crypto::Digest Host::session_digest() const { return impl_->options.session_digest; }
const Policy& Host::policy() const { return impl_->options.policy; }

const Botan::RSA_PrivateKey& Host::host_key() const { return *impl_->keys.host.value; }
const Botan::Private_Key& Host::sign_key() const { return impl_->keys.sign_key(); }
std::uint32_t Host::host_key_filestamp() const { return impl_->keys.host.filestamp; }
const crypto::Certificate& Host::certificate() const { return impl_->own; }
std::uint32_t Host::certificate_filestamp() const { return impl_->keys.certificate.filestamp; }

namespace {
template <class P>
const keys::Stamped<P>* ptr(const std::optional<keys::Stamped<P>>& o) {
  return o ? &*o : nullptr;
}
}  // namespace

const keys::Stamped<crypto::IffParams>* Host::iff_key() const { return ptr(impl_->keys.iff_key); }
const keys::Stamped<crypto::GqParams>* Host::gq_key() const { return ptr(impl_->keys.gq_key); }
const keys::Stamped<crypto::MvParams>* Host::mv_key() const { return ptr(impl_->keys.mv_key); }
const keys::Stamped<crypto::IffParams>* Host::iff_par() const { return ptr(impl_->keys.iff_par); }
const keys::Stamped<crypto::GqParams>* Host::gq_par() const { return ptr(impl_->keys.gq_par); }
const keys::Stamped<crypto::MvParams>* Host::mv_par() const { return ptr(impl_->keys.mv_par); }

const SignedValue& Host::host_value() const { return impl_->host_value; }
const SignedValue& Host::public_key_value() const { return impl_->public_key; }
const SignedValue& Host::leap_value() const { return impl_->leap_value; }
LeapValues Host::leap() const { return impl_->leap; }
std::uint32_t Host::last_update() const { return impl_->host_value.timestamp; }
const std::vector<CachedCertificate>& Host::certificates() const { return impl_->cache; }

Result<wire::Bytes, crypto::CryptoError> Host::sign(std::uint32_t timestamp, std::uint32_t filestamp,
                                                    wire::ByteView value) const {
  return impl_->signer->sign(timestamp, filestamp, value);
}

std::vector<UpdatedValue> Host::update(std::uint32_t now) {
  std::vector<UpdatedValue> out;
  // Digest §10.1: crypto_update does nothing while unsynchronized.
  if (now == 0) return out;
  Impl& s = *impl_;
  auto resign = [&](SignedValue& v, SignedValueKind kind, std::string subject) {
    v.timestamp = now;
    auto sig = sign(v.timestamp, v.filestamp, v.value);
    // A signer that worked at setup does not fail on a later value; should it,
    // the value goes out unsigned and receivers refuse it (XEVNT_ERR), which
    // is safer than keeping a stale signature under a new timestamp.
    v.signature = sig ? std::move(sig).value() : wire::Bytes{};
    out.push_back(UpdatedValue{kind, std::move(subject), v.timestamp, v.filestamp});
  };

  // hostval is never signed; only its timestamp moves (digest §3.7).
  s.host_value.timestamp = now;
  out.push_back(UpdatedValue{SignedValueKind::HostName, {}, now, s.host_value.filestamp});
  resign(s.public_key, SignedValueKind::PublicKey, {});
  for (auto& c : s.cache) {
    c.signed_value.filestamp = c.filestamp;
    resign(c.signed_value, SignedValueKind::Certificate, c.cert.subject);
  }
  s.leap_value.value = leap_octets(s.leap);
  s.leap_value.filestamp = s.keys.host.filestamp;
  resign(s.leap_value, SignedValueKind::Leap, {});
  s.status_flags |= wire::crypto_flag::kTai;
  return out;
}

std::vector<UpdatedValue> Host::set_leap(const LeapValues& leap, std::uint32_t now) {
  impl_->leap = leap;
  // crypto_update_taichange: re-sign only if values were signed before.
  if (last_update() == 0) return {};
  return update(now);
}

Result<std::vector<UpdatedValue>, HostError> Host::install_certificate(crypto::Certificate cert,
                                                                      std::uint32_t filestamp,
                                                                      std::uint32_t now) {
  auto& cache = impl_->cache;
  auto same = std::find_if(cache.begin(), cache.end(), [&](const CachedCertificate& c) {
    return c.cert.subject == cert.subject && c.cert.issuer == cert.issuer;
  });
  if (same != cache.end()) {
    // Digest §8.4: the larger filestamp wins; the cached entry wins ties.
    if (same->filestamp >= filestamp || same->own) return Err{HostError::CertificateOlderThanCached};
    cache.erase(same);
  } else if (cache.size() >= kMaxCachedCertificates) {
    return Err{HostError::CertificateCacheFull};
  }
  CachedCertificate entry;
  entry.signed_value = SignedValue{0, filestamp, cert.der, {}};
  entry.cert = std::move(cert);
  entry.filestamp = filestamp;
  cache.insert(cache.begin(), std::move(entry));
  return update(now);
}

const CachedCertificate* Host::find_certificate(std::string_view subject) const {
  const CachedCertificate* candidate = nullptr;
  for (const auto& c : impl_->cache) {
    if (c.error || c.cert.private_cert || c.cert.subject != subject) continue;
    const bool self_signed = c.cert.subject == c.cert.issuer;
    // Digest §8.4: a trusted root is the preferred answer; a self-signed
    // untrusted certificate is never served.
    if (self_signed && c.cert.trusted) return &c;
    if (!self_signed) candidate = &c;
  }
  return candidate;
}

wire::AssocMessage Host::assoc_message(std::uint32_t assoc_id) const {
  wire::AssocMessage m;
  m.assoc_id = assoc_id;
  m.timestamp = last_update();
  m.status = status();
  m.name = impl_->name;
  return m;
}

Result<wire::AutoResponse, crypto::CryptoError> Host::sign_autokey(std::uint32_t assoc_id, std::uint32_t key_id,
                                                                   std::uint32_t sequence,
                                                                   std::uint32_t now,
                                                                   std::optional<std::uint32_t> filestamp) const {
  wire::AutoResponse r;
  r.env.assoc_id = assoc_id;
  r.env.timestamp = now;
  r.env.filestamp = filestamp.value_or(last_update());
  r.key_id = key_id;
  r.sequence = sequence;
  if (now != 0) {
    AK_TRY(r.env.signature, sign(r.env.timestamp, r.env.filestamp, r.value()));
  }
  return r;
}

wire::CookRequest Host::cook_request(std::uint32_t assoc_id) const {
  const SignedValue& v = impl_->public_key;
  return wire::CookRequest{wire::Envelope{assoc_id, v.timestamp, v.filestamp, v.signature}, v.value};
}

wire::CertRequest Host::cert_request(std::uint32_t assoc_id, const std::string& subject,
                                     std::uint32_t now) const {
  return wire::CertRequest{wire::Envelope{assoc_id, now, last_update(), {}}, subject};
}

Result<wire::SignRequest, HostError> Host::sign_request(std::uint32_t assoc_id, std::uint32_t now) const {
  if (now == 0) return Err{HostError::NotSynchronized};
  // Digest §5.6: the request is suppressed while the own certificate is
  // outside its validity period (XEVNT_PER).
  if (!crypto::check_valid_at(impl_->own, crypto::unix_from_ntp_seconds(now)))
    return Err{HostError::OwnCertificateNotValidNow};
  const auto own = std::find_if(impl_->cache.begin(), impl_->cache.end(),
                                [](const CachedCertificate& c) { return c.own; });
  if (own == impl_->cache.end() || !own->signed_value.is_signed()) return Err{HostError::NotSynchronized};
  const SignedValue& v = own->signed_value;
  return wire::SignRequest{wire::Envelope{assoc_id, v.timestamp, v.filestamp, v.signature}, v.value};
}

std::uint32_t Host::cookie_seed() const { return impl_->seed; }

std::uint32_t Host::server_cookie(const wire::Address& client, const wire::Address& server) const {
  return crypto::server_cookie(client, server, impl_->seed, impl_->options.session_digest);
}

bool Host::on_revoke_timer(std::uint32_t now) {
  if (now == 0) return false;
  Impl& s = *impl_;
  if (s.last_rotation == 0) {
    s.last_rotation = now;
    return false;
  }
  const std::uint64_t period = std::uint64_t{1} << std::min(s.options.revoke_log2, 31u);
  if (now < s.last_rotation || now - s.last_rotation < period) return false;
  s.last_rotation = now;
  if (s.options.cookie_seed == CookieSeedPolicy::NtpdCompatibleZero_INSECURE) return false;
  rotate_cookie_seed();
  return true;
}

void Host::rotate_cookie_seed() {
  // RFC 5906 §6 (server seed; digest §6.5): random and refreshed on the revoke
  // timer, unlike ntpd 4.2.8p15, whose seed stays 0 (cookie = H(addresses)).
  if (impl_->options.cookie_seed == CookieSeedPolicy::NtpdCompatibleZero_INSECURE) {
    impl_->seed = 0;
    return;
  }
#ifndef AK_MUTANT_ZERO_COOKIE_SEED
  impl_->seed = random_u32(impl_->random);
#else
  impl_->seed = 0;  // MUTANT (docs/mutants.md): ntpd 4.2.8p15's seed
#endif
}

const RandomSource& Host::random() const { return impl_->random; }
Botan::RandomNumberGenerator& Host::rng() const { return *impl_->rng; }

}  // namespace ak::core
