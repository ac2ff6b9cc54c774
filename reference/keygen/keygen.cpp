#include "keygen/keygen.h"

#include <botan/bigint.h>
#include <botan/dl_group.h>
#include <botan/dsa.h>
#include <botan/hex.h>
#include <botan/numthry.h>
#include <botan/rng.h>
#include <botan/rsa.h>

#include <chrono>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <system_error>
#include <thread>

#include "crypto/certificate.h"
#include "crypto/errors.h"
#include "crypto/group_gen.h"
#include "crypto/identity_errors.h"
#include "keys/file_name.h"
#include "keys/identity.h"
#include "keys/key_file.h"
#include "keys/private_key.h"
#include "keys/writer.h"

namespace ak::keygen {
namespace {

namespace fs = std::filesystem;
using crypto::Digest;

#define AK_KEYGEN_CHECK(expr)                              \
  do {                                                     \
    auto ak_st_ = (expr);                                  \
    if (!ak_st_.ok()) return ::ak::Err{ak_st_.error()};    \
  } while (false)

Err<KeygenFailure> fail(KeygenError e, std::string detail) { return Err{KeygenFailure{e, std::move(detail)}}; }

// ntp-keygen prints tagged counters while it searches for primes
// (operator-surface §1.1). Botan's searches have no callback, so a ticker
// thread prints the elapsed seconds instead, once a second, on one line.
class Progress {
 public:
  Progress(std::ostream* err, std::string tag) : err_(err), tag_(std::move(tag)), thread_([this] { run(); }) {}
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  ~Progress() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
    if (ticks_ > 0 && err_) *err_ << "\n" << std::flush;
  }

 private:
  void run() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      if (cv_.wait_for(lock, std::chrono::seconds(1), [this] { return done_; })) return;
      ++ticks_;
      if (err_) *err_ << '\r' << tag_ << '\t' << ticks_ << " s" << std::flush;
    }
  }

  std::ostream* err_;
  std::string tag_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool done_ = false;
  unsigned ticks_ = 0;
  std::thread thread_;  // last: starts after the members it uses exist
};

// What phase 2 produces and phase 3 writes.
struct PlannedFile {
  std::string name;
  std::string contents;
};
struct PlannedLink {
  std::string what;  // ntp-keygen's word in "Generating new <what> file and link"
  std::string link;
  std::string target;
};
struct Plan {
  std::vector<PlannedFile> files;
  std::vector<PlannedLink> links;
  std::string exports;
};

std::string file_name(keys::FileType type, const std::string& owner, std::uint32_t fs,
                      const std::string& digest = {}) {
  return keys::format_key_file_name(keys::KeyFileName{type, digest, owner, fs});
}

// The key file behind a generic name, if the name exists. A dangling link
// counts as absent, as it does for ntpd's fopen.
std::optional<Result<keys::KeyFile, keys::KeyError>> read_if_present(const fs::path& dir,
                                                                     const std::string& name) {
  std::error_code ec;
  const auto st = fs::symlink_status(dir / name, ec);
  if (ec || !fs::exists(st)) return std::nullopt;
  auto f = keys::read_key_file(dir / name);
  if (!f.ok() && f.error() == keys::KeyError::FileNotFound) return std::nullopt;
  return f;
}

// RSA with e = 65537. Botan refuses fewer than 1024 bits, so the legacy
// sizes are built from two primes as deps-probe §3.2 shows.
std::unique_ptr<Botan::RSA_PrivateKey> make_rsa(Botan::RandomNumberGenerator& rng, std::size_t bits) {
  if (bits >= 1024) return std::make_unique<Botan::RSA_PrivateKey>(rng, bits);
  const Botan::BigInt e(65537);
  Botan::BigInt p, q;
  do {
    p = Botan::random_prime(rng, bits / 2, e);
    q = Botan::random_prime(rng, bits - bits / 2, e);
  } while (p == q || (p * q).bits() != bits);
  return std::make_unique<Botan::RSA_PrivateKey>(p, q, e);
}

// The prime-order subgroup size for a modulus: 256 bits from 2048 up (the
// modern default), 160 below, as ntp-keygen's FIPS 186-2 groups.
std::size_t subgroup_bits(std::size_t pbits) { return pbits >= 2048 ? 256 : 160; }

// DSA sign key with p of `bits` bits (ntp-keygen -S DSA).
std::unique_ptr<Botan::DSA_PrivateKey> make_dsa(Botan::RandomNumberGenerator& rng, std::size_t bits) {
  const auto grp = crypto::generate_iff(rng, bits, subgroup_bits(bits));
  return std::make_unique<Botan::DSA_PrivateKey>(rng, Botan::DL_Group(grp.p, grp.q, grp.g));
}

// ntpd 4.2.8p15 takes the GQ public value from the subjectKeyIdentifier by
// skipping two octets, i.e. it assumes a short-form DER length: v must stay
// below 128 octets (operator-surface §1.6), so n at most 1016 bits.
constexpr unsigned kMaxNtpdGqBits = 1016;
constexpr unsigned kDefaultGqBits = kMaxNtpdGqBits;

bool weak_digest(Digest d) { return d == Digest::MD5 || d == Digest::SHA1; }

std::string hex_line(Botan::RandomNumberGenerator& rng, std::size_t octets) {
  return Botan::hex_encode(rng.random_vec(octets), false);
}

// operator-surface §1.9: 10 MD5 keys of 20 printable characters (0x21-0x7e
// without '#', which would start a comment), then 10 SHA1 keys in hex.
std::string md5_key_text(Botan::RandomNumberGenerator& rng) {
  std::string text;
  char line[128];
  for (int id = 1; id <= 10; ++id) {
    std::string key;
    while (key.size() < 20) {
      const std::uint8_t c = rng.next_byte();
      if (c >= 0x21 && c <= 0x7e && c != '#') key.push_back(static_cast<char>(c));
    }
    std::snprintf(line, sizeof line, "%2d MD5 %s  # MD5 key\n", id, key.c_str());
    text += line;
  }
  for (int id = 11; id <= 20; ++id) {
    std::snprintf(line, sizeof line, "%2d SHA1 %s  # SHA1 key\n", id, hex_line(rng, 20).c_str());
    text += line;
  }
  return text;
}

class Run {
 public:
  Run(const Options& o, const Environment& env) : o_(o), env_(env), rng_(*env.rng), err_(*env.err) {}

  Result<Outcome, KeygenFailure> go() {
    host_ = o_.host.value_or(env_.system_host);
    group_ = o_.group.value_or(env_.system_host);
    if (!crypto::valid_name(host_) || host_.find('@') != std::string::npos)
      return fail(KeygenError::NoHostName, host_.empty() ? "(empty host name)" : host_);
    if (!crypto::valid_name(group_) || group_.find('@') != std::string::npos)
      return fail(KeygenError::NoHostName, group_.empty() ? "(empty group name)" : group_);
    // operator-surface §1.10: the default password is the system host name.
    password_ = o_.password.value_or(env_.system_host);
    fs_ = crypto::ntp_seconds_from_unix(env_.now_unix);

    if (o_.md5_keys) return md5_only();

    err_ << "Using host " << host_ << " group " << group_ << "\n";
    notes();
    AK_KEYGEN_CHECK(host_key());
    AK_KEYGEN_CHECK(sign_key());
    AK_KEYGEN_CHECK(gq());
    AK_KEYGEN_CHECK(iff());
    AK_KEYGEN_CHECK(mv());
    AK_KEYGEN_CHECK(exports());
    AK_KEYGEN_CHECK(certificate());
    return commit();
  }

 private:
  unsigned modulus_bits() const { return o_.modulus_bits.value_or(kDefaultModulusBits); }
  unsigned identity_bits() const { return o_.identity_bits.value_or(kDefaultIdentityBits); }
  unsigned gq_bits() const { return o_.identity_bits.value_or(kDefaultGqBits); }

  void notes() {
    const bool makes_rsa = o_.new_host_key || o_.sign_key || !fs::exists(env_.dir / host_link());
    const bool default_digest =
        !o_.digest && !fs::exists(env_.dir / keys::format_link_name(keys::LinkRole::Cert, host_));
    if ((makes_rsa && !o_.modulus_bits) || default_digest ||
        ((o_.iff || o_.gq || o_.mv_clients) && !o_.identity_bits)) {
      err_ << "Note: modern defaults apply where no size was given: RSA " << kDefaultModulusBits
           << " bits, RSA-SHA256 (or the existing certificate's scheme), IFF/MV groups " << kDefaultIdentityBits
           << "/256 bits, GQ " << kDefaultGqBits << " bits (the most ntpd's GQ reads).\n"
           << "      ntp-keygen 4.2.8p15 used -m 512 -c RSA-MD5 -b 512; give them to match old peers.\n";
    }
    if (o_.modulus_bits && *o_.modulus_bits < 2048 && makes_rsa)
      err_ << "Warning: " << *o_.modulus_bits
           << "-bit RSA/DSA keys are weak; use them only to interoperate with old peers.\n";
    if (o_.digest && weak_digest(*o_.digest))
      err_ << "Warning: " << scheme_short_name(*o_.digest)
           << " is a weak signature scheme; use it only to interoperate with old peers.\n";
    if (o_.identity_bits && *o_.identity_bits < 2048 && (o_.iff || o_.mv_clients))
      err_ << "Warning: " << *o_.identity_bits
           << "-bit identity groups are weak; use them only to interoperate with old peers.\n";
    if (o_.gq && gq_bits() > kMaxNtpdGqBits)
      err_ << "Warning: a GQ modulus above " << kMaxNtpdGqBits
           << " bits gives a public value ntpd 4.2.8p15 misreads from the certificate.\n";
    if (o_.sign_key == SignKeyType::Dsa)
      err_ << "Warning: ntpd 4.2.8p15 on OpenSSL 3 does not resolve DSA signature NIDs; "
              "peers may refuse a DSA-signed certificate.\n";
  }

  std::string host_link() const { return keys::format_link_name(keys::LinkRole::Host, host_); }

  void add_file(const std::string& what, keys::LinkRole role, const std::string& owner_of_link,
                std::string name, std::string pem) {
    plan_.files.push_back(PlannedFile{name, keys::header_text(name, env_.now_unix) + pem});
    plan_.links.push_back(PlannedLink{what, keys::format_link_name(role, owner_of_link), name});
  }

  Status<KeygenFailure> corrupt(const std::string& name, keys::KeyError e) {
    // ntp-keygen echoes the password here (operator-surface §1.1); this does not.
    return fail(KeygenError::CorruptKeyFile, name + " (" + std::string(keys::message(e)) + ")");
  }

  Status<KeygenFailure> host_key() {
    const std::string link = host_link();
    if (!o_.new_host_key) {
      if (auto f = read_if_present(env_.dir, link)) {
        if (!f->ok()) return corrupt(link, f->error());
        auto k = keys::load_host_key(f->value(), password_);
        if (!k.ok()) return corrupt(link, k.error());
        host_key_ = std::move(k).value();
        fs_ = f->value().filestamp;  // operator-surface §1.3: loaded stamps win
        err_ << "Using host key " << f->value().file_name << "\n";
        return Ok{};
      }
    }
    const unsigned bits = modulus_bits();
    err_ << "Generating RSA keys (" << bits << " bits)...\n";
    try {
      Progress p(&err_, "RSA");
      host_key_ = make_rsa(rng_, bits);
    } catch (const std::exception& e) {
      return fail(KeygenError::KeyGenerationFailed, std::string("RSA host key: ") + e.what());
    }
    if (o_.debug > 0) err_ << "RSA host key: " << host_key_->get_n().bits() << " bits, e = 65537\n";
    pending_host_ = true;
    return Ok{};
  }

  Status<KeygenFailure> sign_key() {
    const std::string link = keys::format_link_name(keys::LinkRole::Sign, host_);
    if (!o_.sign_key) {
      if (auto f = read_if_present(env_.dir, link)) {
        if (!f->ok()) return corrupt(link, f->error());
        auto k = keys::load_sign_key(f->value(), password_);
        if (!k.ok()) return corrupt(link, k.error());
        sign_key_ = std::move(k).value();
        fs_ = f->value().filestamp;
        err_ << "Using sign key " << f->value().file_name << "\n";
      } else {
        err_ << "Using host key as sign key\n";
      }
      return Ok{};
    }
    const unsigned bits = modulus_bits();
    const bool dsa = *o_.sign_key == SignKeyType::Dsa;
    err_ << "Generating " << (dsa ? "DSA" : "RSA") << " sign keys (" << bits << " bits)...\n";
    try {
      Progress p(&err_, dsa ? "DSA" : "RSA");
      if (dsa) {
        sign_key_ = make_dsa(rng_, bits);
      } else {
        sign_key_ = make_rsa(rng_, bits);
      }
    } catch (const std::exception& e) {
      return fail(KeygenError::KeyGenerationFailed, std::string("sign key: ") + e.what());
    }
    pending_sign_ = dsa ? 2 : 1;
    return Ok{};
  }

  // A server identity key already in the directory: ntpkey_<s>key_<group>,
  // then the name this program links, ntpkey_<s>key_<host>.
  std::optional<Result<keys::KeyFile, keys::KeyError>> find_identity(keys::LinkRole role, std::string& name) {
    for (const auto& owner : {group_, host_}) {
      name = keys::format_link_name(role, owner);
      if (auto f = read_if_present(env_.dir, name)) return f;
    }
    return std::nullopt;
  }

  Status<KeygenFailure> gq() {
    if (!o_.gq) {
      std::string name;
      if (auto f = find_identity(keys::LinkRole::GqKey, name)) {
        if (!f->ok()) return corrupt(name, f->error());
        auto k = keys::load_gq(f->value(), password_);
        if (!k.ok()) return corrupt(name, k.error());
        if (!k.value().u) return corrupt(name, keys::KeyError::ParametersInconsistent);
        gq_ = std::move(k).value();
        fs_ = f->value().filestamp;
        err_ << "Using GQ parameters " << f->value().file_name << "\n";
      }
      return Ok{};
    }
    const unsigned bits = gq_bits();
    err_ << "Generating GQ parameters (" << bits << " bits)...\n";
    try {
      Progress p(&err_, "GQ");
      gq_ = crypto::generate_gq(rng_, bits);
    } catch (const std::exception& e) {
      return fail(KeygenError::IdentityGenerationFailed, std::string("GQ: ") + e.what());
    }
    const auto v = crypto::validate_gq(*gq_, rng_);
    err_ << "Confirm u^b (u^-1)^b = 1 mod n: " << (v.ok() ? "yes" : "no") << "\n";
    if (!v.ok()) return fail(KeygenError::IdentityGenerationFailed, crypto::message(v.error()));
    auto pem = keys::pem_rsa_slots(keys::gq_server_slots(*gq_), keys::Container::Pkcs8Encrypted, password_, rng_);
    if (!pem.ok()) return fail(KeygenError::EncodeFailed, "GQ key");
    add_file("gqkey", keys::LinkRole::GqKey, host_, file_name(keys::FileType::GqKey, group_, fs_), pem.value());
    return Ok{};
  }

  Status<KeygenFailure> iff() {
    if (!o_.iff) {
      std::string name;
      if (auto f = find_identity(keys::LinkRole::IffKey, name)) {
        if (!f->ok()) return corrupt(name, f->error());
        auto k = keys::load_iff(f->value(), password_);
        if (!k.ok()) return corrupt(name, k.error());
        if (!k.value().b) return corrupt(name, keys::KeyError::ParametersInconsistent);
        iff_ = std::move(k).value();
        fs_ = f->value().filestamp;
        err_ << "Using IFF keys " << f->value().file_name << "\n";
      }
      return Ok{};
    }
    const unsigned bits = identity_bits();
    err_ << "Generating IFF keys (" << bits << " bits)...\n";
    try {
      Progress p(&err_, "IFF");
      iff_ = crypto::generate_iff(rng_, bits, subgroup_bits(bits));
    } catch (const std::exception& e) {
      return fail(KeygenError::IdentityGenerationFailed, std::string("IFF: ") + e.what());
    }
    const auto v = crypto::validate_iff_group(*iff_, rng_);
    err_ << "Confirm g^(q - b) g^b = 1 mod p: " << (v.ok() ? "yes" : "no") << "\n";
    if (!v.ok()) return fail(KeygenError::IdentityGenerationFailed, crypto::message(v.error()));
    if (o_.debug > 0)
      err_ << "IFF group: p " << iff_->p.bits() << " bits, q " << iff_->q.bits() << " bits\n";
    auto pem = keys::pem_dsa_slots(keys::iff_server_slots(*iff_), keys::Container::Pkcs8Encrypted, password_, rng_);
    if (!pem.ok()) return fail(KeygenError::EncodeFailed, "IFF key");
    add_file("iffkey", keys::LinkRole::IffKey, host_, file_name(keys::FileType::IffKey, group_, fs_), pem.value());
    return Ok{};
  }

  Status<KeygenFailure> mv() {
    if (!o_.mv_clients) {
      std::string name;
      if ((o_.export_params || o_.export_password) && find_identity(keys::LinkRole::MvTa, name))
        err_ << "Note: " << name
             << " is not read: its PKCS#8 blocks do not keep the MV public values; "
                "export MV keys in the run that generates them (-V n -e -q pw).\n";
      return Ok{};
    }
    const unsigned n = *o_.mv_clients;
    const unsigned bits = identity_bits();
    err_ << "Generating MV parameters for " << n << " keys (" << bits / (n + 1) << " bits)...\n";
    try {
      Progress p(&err_, "MV");
      // ntp-keygen always revokes its last client (operator-surface §1.8).
      mv_ = crypto::generate_mv(rng_, bits, n, {n - 1});
    } catch (const std::exception& e) {
      return fail(KeygenError::IdentityGenerationFailed, std::string("MV: ") + e.what());
    }
    err_ << "Revoke key " << n << "\n";
    auto v = crypto::validate_mv(mv_->server, rng_);
    for (const auto& c : mv_->clients)
      if (v.ok()) v = crypto::validate_mv(c, rng_);
    if (!v.ok()) return fail(KeygenError::IdentityGenerationFailed, crypto::message(v.error()));
    // One file, 2 + n blocks: authority, server, clients (operator-surface §1.8).
    std::vector<keys::DsaSlots> blocks;
    blocks.push_back(keys::DsaSlots{mv_->server.p, mv_->server.q, mv_->g, mv_->A, mv_->b});
    blocks.push_back(keys::mv_server_slots(mv_->server));
    for (const auto& c : mv_->clients) blocks.push_back(keys::mv_client_slots(c));
    std::string text;
    for (const auto& b : blocks) {
      auto pem = keys::pem_dsa_slots(b, keys::Container::Pkcs8Encrypted, password_, rng_);
      if (!pem.ok()) return fail(KeygenError::EncodeFailed, "MV key");
      text += pem.value();
    }
    add_file("mvta", keys::LinkRole::MvTa, host_, file_name(keys::FileType::MvTa, group_, fs_), text);
    return Ok{};
  }

  // One export: header + PEM to the output; with --legacy-names the client
  // parameters also become a 4.2.5-era file and link (the seed HOWTO).
  void add_export(const std::string& label, const std::string& kind, keys::FileType type, const std::string& pem,
                  std::optional<keys::LinkRole> legacy_link) {
    const std::string name = file_name(type, group_, fs_);
    err_ << "Writing " << label << " " << kind << " " << name << " to stdout\n";
    const std::string text = keys::header_text(name, env_.now_unix) + pem;
    plan_.exports += text;
    if (o_.legacy_names && legacy_link) {
      plan_.files.push_back(PlannedFile{name, text});
      plan_.links.push_back(PlannedLink{keys::type_token(keys::KeyFileName{type, {}, group_, fs_}),
                                        keys::format_link_name(*legacy_link, group_), name});
    }
  }

  // operator-surface §1.7: order GQ -e, GQ -q, IFF -e, IFF -q, MV -e, MV -q.
  // Unlike ntp-keygen, -e does not blank the secret used by a later -q.
  Status<KeygenFailure> exports() {
    const auto& pw2 = o_.export_password;
    const auto enc = [&](auto r, const char* what) -> Result<std::string, KeygenFailure> {
      if (!r.ok()) return fail(KeygenError::EncodeFailed, what);
      return std::move(r).value();
    };
    if (gq_) {
      if (o_.export_params) {
        AK_TRY(auto pem, enc(keys::pem_rsa_slots(keys::gq_client_slots(*gq_), keys::Container::Pkcs8, {}, rng_),
                             "GQ parameters"));
        add_export("GQ", "parameters", keys::FileType::GqPar, pem, keys::LinkRole::Gq);
      }
      if (pw2) {
        AK_TRY(auto pem, enc(keys::pem_rsa_slots(keys::gq_server_slots(*gq_), keys::Container::Pkcs8Encrypted, *pw2,
                                                 rng_),
                             "GQ keys"));
        add_export("GQ", "keys", keys::FileType::GqKeyExport, pem, std::nullopt);
      }
    }
    if (iff_) {
      if (o_.export_params) {
        // The traditional layout keeps v (autokey-protocol.md §7.1).
        AK_TRY(auto pem, enc(keys::pem_dsa_slots(keys::iff_client_slots(*iff_), keys::Container::Traditional, {},
                                                 rng_),
                             "IFF parameters"));
        add_export("IFF", "parameters", keys::FileType::IffPar, pem, keys::LinkRole::Iff);
      }
      if (pw2) {
        AK_TRY(auto pem, enc(keys::pem_dsa_slots(keys::iff_server_slots(*iff_), keys::Container::Pkcs8Encrypted,
                                                 *pw2, rng_),
                             "IFF keys"));
        add_export("IFF", "keys", keys::FileType::IffKeyExport, pem, std::nullopt);
      }
    }
    if (mv_) {
      if (o_.export_params) {
        AK_TRY(auto pem, enc(keys::pem_dsa_slots(keys::mv_client_slots(mv_->clients.front()),
                                                 keys::Container::Traditional, {}, rng_),
                             "MV parameters"));
        add_export("MV", "parameters", keys::FileType::MvPar, pem, keys::LinkRole::Mv);
      }
      if (pw2) {
        err_ << "Warning: the MV server key is exported unencrypted in the traditional layout, which keeps "
                "ghat (PKCS#8 would lose it); protect it like a private key.\n";
        AK_TRY(auto pem, enc(keys::pem_dsa_slots(keys::mv_server_slots(mv_->server), keys::Container::Traditional,
                                                 {}, rng_),
                             "MV keys"));
        add_export("MV", "keys", keys::FileType::MvKeyExport, pem, std::nullopt);
      }
    }
    if ((o_.export_params || pw2) && !gq_ && !iff_ && !mv_)
      err_ << "Warning: -e/-q: no IFF, GQ or MV keys found or generated; nothing exported.\n";
    return Ok{};
  }

  const Botan::Private_Key& signer() const {
    return sign_key_ ? *sign_key_ : static_cast<const Botan::Private_Key&>(*host_key_);
  }

  Status<KeygenFailure> certificate() {
    crypto::CertificateFields f;
    f.trusted = o_.trusted_cert;
    f.private_cert = o_.private_cert && !o_.trusted_cert;  // -T wins (operator-surface §1.1)
    // CN: host, or host@group when a group was given (operator-surface §1.2).
    f.subject = o_.group ? host_ + "@" + group_ : host_;
    std::optional<Digest> digest = o_.digest;
    // Re-run stickiness (operator-surface §1.2): the old certificate's scheme
    // and, unless -T/-P are given, its trust and name.
    const std::string link = keys::format_link_name(keys::LinkRole::Cert, host_);
    if (auto file = read_if_present(env_.dir, link); file && file->ok()) {
      auto cf = keys::load_certificate(file->value());
      std::optional<Result<crypto::Certificate, crypto::CryptoError>> old;
      if (cf.ok()) old = crypto::parse_certificate(cf.value().der);
      if (old && old->ok()) {
        if (!digest) digest = old->value().signature.digest;
        if (!o_.trusted_cert && !o_.private_cert && (old->value().trusted || old->value().private_cert)) {
          f.trusted = old->value().trusted;
          f.private_cert = old->value().private_cert;
          f.subject = old->value().subject;
        }
      } else {
        err_ << "Note: the existing " << link << " is not readable; making the certificate from the options.\n";
      }
    }
    f.digest = digest.value_or(kDefaultDigest);
    f.issuer = f.subject;
    f.serial = crypto::ntp_seconds_from_unix(env_.now_unix);  // serial and notBefore are "now" (§1.3)
    f.not_before = env_.now_unix;
    f.not_after = env_.now_unix + static_cast<std::int64_t>(o_.lifetime_days.value_or(kDefaultLifetimeDays)) * 86400;
    if (gq_ && gq_->v) f.subject_key_id = Botan::BigInt::encode(*gq_->v);  // operator-surface §1.6 item 3

    const std::string sn = scheme_short_name(f.digest);
    err_ << "Generating new certificate " << f.subject << " " << sn << "\n"
         << "X509v3 Basic Constraints: critical,CA:TRUE\n"
         << "X509v3 Key Usage: digitalSignature,keyCertSign\n";
    if (f.subject_key_id) err_ << "X509v3 Subject Key Identifier\n";
    if (f.trusted) err_ << "X509v3 Extended Key Usage: trustRoot\n";
    if (f.private_cert) err_ << "X509v3 Extended Key Usage: private\n";

    const auto& key = signer();
    auto cert = crypto::make_certificate(f, key, key, rng_);
    if (!cert.ok()) return fail(KeygenError::CertificateFailed, crypto::message(cert.error()));

    // Everything is known now; the host and sign files come first, as in
    // ntp-keygen's output.
    std::vector<PlannedFile> files;
    std::vector<PlannedLink> links;
    auto encrypt = [&](const Botan::Private_Key& k) { return keys::pem_pkcs8_encrypted(k, password_, rng_); };
    if (pending_host_) {
      auto pem = encrypt(*host_key_);
      if (!pem.ok()) return fail(KeygenError::EncodeFailed, "host key");
      const auto name = file_name(keys::FileType::RsaHost, host_, fs_);
      files.push_back(PlannedFile{name, keys::header_text(name, env_.now_unix) + pem.value()});
      links.push_back(PlannedLink{"host", host_link(), name});
    }
    if (pending_sign_ != 0) {
      auto pem = encrypt(*sign_key_);
      if (!pem.ok()) return fail(KeygenError::EncodeFailed, "sign key");
      const auto name = file_name(pending_sign_ == 2 ? keys::FileType::DsaSign : keys::FileType::RsaSign, host_, fs_);
      files.push_back(PlannedFile{name, keys::header_text(name, env_.now_unix) + pem.value()});
      links.push_back(PlannedLink{"sign", keys::format_link_name(keys::LinkRole::Sign, host_), name});
    }
    plan_.files.insert(plan_.files.begin(), files.begin(), files.end());
    plan_.links.insert(plan_.links.begin(), links.begin(), links.end());
    const auto name = file_name(keys::FileType::Certificate, host_, fs_, sn);
    plan_.files.push_back(
        PlannedFile{name, keys::header_text(name, env_.now_unix) + keys::pem_certificate(cert.value().der)});
    plan_.links.push_back(PlannedLink{"cert", link, name});
    return Ok{};
  }

  Result<Outcome, KeygenFailure> md5_only() {
    // operator-surface §1.9: only the symmetric key file, named after the group.
    const auto name = file_name(keys::FileType::Md5Key, group_, fs_);
    plan_.files.push_back(PlannedFile{name, keys::header_text(name, env_.now_unix) + md5_key_text(rng_)});
    plan_.links.push_back(PlannedLink{"md5key", "ntp.keys", name});
    return commit();
  }

  // Phase 3. Files first, then links; on any failure undo what this run did.
  Result<Outcome, KeygenFailure> commit() {
    std::vector<fs::path> created;
    std::vector<std::pair<std::string, std::optional<fs::path>>> relinked;  // link, old target
    const auto undo = [&] {
      std::error_code ec;
      for (const auto& [link, old] : relinked) {
        if (old) {
          (void)keys::write_link(env_.dir, link, old->string());
        } else {
          fs::remove(env_.dir / link, ec);
        }
      }
      for (const auto& p : created) fs::remove(p, ec);
    };
    for (const auto& f : plan_.files) {
      std::error_code ec;
      const bool existed = fs::exists(fs::symlink_status(env_.dir / f.name, ec));
      if (!keys::write_file_atomic(env_.dir / f.name, f.contents).ok()) {
        undo();
        return fail(KeygenError::WriteFailed, f.name);
      }
      if (!existed) created.push_back(env_.dir / f.name);
    }
    for (const auto& l : plan_.links) {
      std::error_code ec;
      std::optional<fs::path> old;
      if (fs::is_symlink(fs::symlink_status(env_.dir / l.link, ec))) old = fs::read_symlink(env_.dir / l.link, ec);
      const bool existed = fs::exists(fs::symlink_status(env_.dir / l.link, ec));
      if (existed && !old) {
        // A regular file under a link name (e.g. a copied export): ntp-keygen
        // would delete it; refuse instead of destroying the operator's file.
        undo();
        return fail(KeygenError::WriteFailed, l.link + " exists and is not a symbolic link");
      }
      if (!keys::write_link(env_.dir, l.link, l.target).ok()) {
        undo();
        return fail(KeygenError::WriteFailed, l.link);
      }
      relinked.emplace_back(l.link, old);
    }
    Outcome out;
    out.filestamp = fs_;
    for (const auto& f : plan_.files) out.files.push_back(f.name);
    for (const auto& l : plan_.links) {
      out.links.emplace_back(l.link, l.target);
      err_ << "Generating new " << l.what << " file and link\n" << l.link << "->" << l.target << "\n";
    }
    out.exports = plan_.exports;
    if (!plan_.exports.empty()) *env_.out << plan_.exports << std::flush;
    return out;
  }

  const Options& o_;
  const Environment& env_;
  Botan::RandomNumberGenerator& rng_;
  std::ostream& err_;
  std::string host_, group_, password_;
  std::uint32_t fs_ = 0;
  std::unique_ptr<Botan::RSA_PrivateKey> host_key_;
  std::unique_ptr<Botan::Private_Key> sign_key_;
  bool pending_host_ = false;
  int pending_sign_ = 0;  // 1 RSA, 2 DSA
  std::optional<crypto::GqParams> gq_;
  std::optional<crypto::IffParams> iff_;
  std::optional<crypto::MvKeys> mv_;
  Plan plan_;
};

}  // namespace

const char* message(KeygenError e) {
  switch (e) {
    case KeygenError::NoHostName:
      return "no usable host or group name; give one with -s host or -s host@group";
    case KeygenError::CorruptKeyFile:
      return "an existing key file does not decrypt or parse: wrong -p password, or a damaged file "
             "(use -H to make a new host key)";
    case KeygenError::KeyGenerationFailed:
      return "generating the key failed";
    case KeygenError::IdentityGenerationFailed:
      return "generating the identity parameters failed";
    case KeygenError::CertificateFailed:
      return "the certificate could not be made (check -c against the sign key type)";
    case KeygenError::EncodeFailed:
      return "a key could not be encoded or encrypted";
    case KeygenError::WriteFailed:
      return "writing failed; files and links of this run were removed again";
  }
  return "failed";
}

std::string describe(const KeygenFailure& f) {
  return std::string("autokey-keygen: ") + message(f.error) + ": " + f.detail;
}

Result<Outcome, KeygenFailure> run_keygen(const Options& options, const Environment& env) {
  try {
    return Run(options, env).go();
  } catch (const std::exception& e) {
    // Botan throws on failures we did not foresee; report, never crash.
    return fail(KeygenError::KeyGenerationFailed, e.what());
  }
}

int keygen_main(const std::vector<std::string>& args, const Environment& env) {
  auto opts = parse_options(args);
  if (!opts.ok()) {
    *env.err << describe(opts.error()) << "\n";
    return kExitOptionError;
  }
  if (opts.value().help) {
    *env.out << usage_text();
    return 0;
  }
  auto r = run_keygen(opts.value(), env);
  if (!r.ok()) {
    *env.err << describe(r.error()) << "\n";
    return kExitFailure;
  }
  return 0;
}

}  // namespace ak::keygen
