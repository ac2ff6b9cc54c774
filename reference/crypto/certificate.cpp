#include "crypto/certificate.h"

#include <botan/asn1_obj.h>
#include <botan/ber_dec.h>
#include <botan/bigint.h>
#include <botan/der_enc.h>
#include <botan/pk_keys.h>
#include <botan/pkix_types.h>
#include <botan/x509cert.h>

#include <chrono>
#include <vector>

#include "crypto/fuzzing.h"
#include "crypto/signature.h"

namespace ak::crypto {

namespace {

const Botan::OID& common_name_oid() {
  static const Botan::OID oid{2, 5, 4, 3};
  return oid;
}

// Digest §8.1 / security-history NEW-6: exactly one attribute, the CN.
Result<std::string, CryptoError> cn_of(const Botan::X509_DN& dn) {
  std::size_t cns = 0, others = 0;
  std::string cn;
  for (const auto& [oid, value] : dn.dn_info()) {
    if (oid == common_name_oid()) {
      ++cns;
      cn = value.value();
    } else {
      ++others;
    }
  }
  if (cns == 0) return Err{CryptoError::CertNoCommonName};
  if (cns > 1) return Err{CryptoError::CertMultipleCommonNames};
  if (others > 0) return Err{CryptoError::CertNameNotCnOnly};
  if (!valid_name(cn)) return Err{CryptoError::CertNameNotHostOrHostAtGroup};
  return cn;
}

// Exactly one DER object (a SEQUENCE) and nothing after it.
bool single_sequence(wire::ByteView der) {
  try {
    Botan::BER_Decoder dec(der.data(), der.size());
    const Botan::BER_Object obj = dec.get_next_object();
    if (!obj.is_a(Botan::SEQUENCE, Botan::CONSTRUCTED)) return false;
    return !dec.more_items();
  } catch (const std::exception&) {
    return false;
  }
}

// Name ::= SEQUENCE { SET { SEQUENCE { id-at-commonName, UTF8String } } } —
// OpenSSL (and so ntp-keygen and ntpd's SIGN) writes an ASCII CN as a
// UTF8String, where Botan's X509_DN would pick PrintableString when it can.
void encode_cn_name(Botan::DER_Encoder& enc, const std::string& cn) {
  enc.start_cons(Botan::SEQUENCE)
      .start_cons(Botan::SET)
      .start_cons(Botan::SEQUENCE)
      .encode(common_name_oid())
      .encode(Botan::ASN1_String(cn, Botan::UTF8_STRING))
      .end_cons()
      .end_cons()
      .end_cons();
}

void encode_validity(Botan::DER_Encoder& enc, std::int64_t not_before, std::int64_t not_after) {
  using clock = std::chrono::system_clock;
  const Botan::X509_Time nb{clock::time_point{std::chrono::seconds{not_before}}};
  const Botan::X509_Time na{clock::time_point{std::chrono::seconds{not_after}}};
  enc.start_cons(Botan::SEQUENCE).encode(nb).encode(na).end_cons();
}

void encode_extension(Botan::DER_Encoder& enc, const Botan::OID& oid, bool critical,
                      const wire::Bytes& value) {
  enc.start_cons(Botan::SEQUENCE).encode(oid);
  if (critical) enc.encode(true);
  enc.encode(value, Botan::OCTET_STRING).end_cons();
}

Result<Botan::AlgorithmIdentifier, CryptoError> signature_algorithm_id(const Botan::Private_Key& key,
                                                                       Digest d) {
  const auto type = signature_key_type(key);
  if (!type) return Err{CryptoError::BadKey};
  const auto oid = signature_algorithm_oid(*type, d);
  if (!oid) return Err{CryptoError::DigestNotUsableWithKey};
  // RSA signature algorithms carry NULL parameters, DSA ones none (RFC 3279).
  return Botan::AlgorithmIdentifier(Botan::OID(*oid), *type == SignatureKeyType::RSA
                                                          ? Botan::AlgorithmIdentifier::USE_NULL_PARAM
                                                          : Botan::AlgorithmIdentifier::USE_EMPTY_PARAM);
}

// Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
Result<Certificate, CryptoError> sign_and_parse(const wire::Bytes& tbs,
                                                const Botan::AlgorithmIdentifier& algo,
                                                const Botan::Private_Key& signer, Digest d,
                                                Botan::RandomNumberGenerator& rng) {
  AK_TRY(auto sig, sign_message(signer, d, tbs, rng));
  wire::Bytes der;
  try {
    Botan::DER_Encoder(der)
        .start_cons(Botan::SEQUENCE)
        .raw_bytes(tbs)
        .encode(algo)
        .encode(sig, Botan::BIT_STRING)
        .end_cons();
  } catch (const std::exception&) {
    return Err{CryptoError::CertEncodeFailed};
  }
  return parse_certificate(der);
}

}  // namespace

std::string name_host(const std::string& name) { return name.substr(0, name.find('@')); }

std::string name_group(const std::string& name) {
  const auto at = name.find('@');
  return at == std::string::npos ? std::string() : name.substr(at + 1);
}

bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > kMaxNameLength) return false;
  std::size_t ats = 0;
  for (char c : name) {
    if (c < 0x21 || c > 0x7e) return false;
    if (c == '@') ++ats;
  }
  if (ats > 1) return false;
  return !name_host(name).empty() && (ats == 0 || !name_group(name).empty());
}

bool same_certificate(const Certificate& a, const Certificate& b) {
  return a.der == b.der && a.version == b.version && a.subject == b.subject && a.issuer == b.issuer &&
         a.serial == b.serial && a.serial_u64 == b.serial_u64 && a.not_before == b.not_before &&
         a.not_after == b.not_after && a.signature.key == b.signature.key &&
         a.signature.digest == b.signature.digest && a.signature.nid == b.signature.nid &&
         a.public_key_info == b.public_key_info && a.trusted == b.trusted &&
         a.private_cert == b.private_cert && a.subject_key_id == b.subject_key_id &&
         a.self_signed == b.self_signed;
}

Result<Certificate, CryptoError> parse_certificate(wire::ByteView der) {
  if (!single_sequence(der)) return Err{CryptoError::CertNotDer};
  std::shared_ptr<Botan::X509_Certificate> x509;
  try {
    x509 = std::make_shared<Botan::X509_Certificate>(der.data(), der.size());
  } catch (const std::exception&) {
    return Err{CryptoError::CertNotDer};
  }
  Certificate c;
  c.der.assign(der.begin(), der.end());
  try {
    // BER admits several encodings of one certificate; accept only the DER
    // one, so that the octets we relay are the octets that were signed.
    if (x509->BER_encode() != c.der) return Err{CryptoError::CertNotDer};

    AK_TRY(c.subject, cn_of(x509->subject_dn()));
    AK_TRY(c.issuer, cn_of(x509->issuer_dn()));

    const auto sig = signature_algorithm_from_oid(x509->signature_algorithm().get_oid().to_string());
    if (!sig) return Err{CryptoError::UnsupportedDigest};
    c.signature = *sig;

    c.version = x509->x509_version();
    c.serial = x509->serial_number();
    if (x509->is_serial_negative()) return Err{CryptoError::CertNotDer};
    std::size_t first = 0;
    while (first < c.serial.size() && c.serial[first] == 0) ++first;
    if (c.serial.size() - first <= 8) {
      std::uint64_t v = 0;
      for (std::size_t i = first; i < c.serial.size(); ++i) v = (v << 8) | c.serial[i];
      c.serial_u64 = v;
    }

    std::uint64_t nb = 0, na = 0;
    try {
      nb = x509->not_before().time_since_epoch();
      na = x509->not_after().time_since_epoch();
    } catch (const std::exception&) {
      return Err{CryptoError::CertBadValidity};  // e.g. a year before 1970
    }
    // Years beyond 9999 do not exist in either time form; the bound only keeps
    // the conversion to a signed count exact.
    if (nb > (std::uint64_t{1} << 40) || na > (std::uint64_t{1} << 40))
      return Err{CryptoError::CertBadValidity};
    c.not_before = static_cast<std::int64_t>(nb);
    c.not_after = static_cast<std::int64_t>(na);
    if (c.not_before > c.not_after) return Err{CryptoError::CertBadValidity};

    std::unique_ptr<Botan::Public_Key> key;
    try {
      key = x509->load_subject_public_key();
    } catch (const std::exception&) {
      return Err{CryptoError::CertBadPublicKey};
    }
    if (!key || !signature_key_type(*key)) return Err{CryptoError::CertBadPublicKey};
    c.public_key = std::shared_ptr<Botan::Public_Key>(std::move(key));
    c.public_key_info = x509->subject_public_key_info();

    // Digest §8.1: ntpd compares the first line of OpenSSL's EKU rendering
    // with "Trust Root" / "Private", so the EKU must hold only that OID.
    const auto& eku = x509->extended_key_usage();
    c.trusted = eku.size() == 1 && eku[0] == Botan::OID(kTrustRootOid);
    c.private_cert = eku.size() == 1 && eku[0] == Botan::OID(kPrivateOid);

    // RFC 5906 §6.3 (GQ): the subjectKeyIdentifier carries the GQ public key.
    if (x509->v3_extensions().extension_set(Botan::OID{2, 5, 29, 14}))
      c.subject_key_id = x509->subject_key_id();

    // Digest §8.2 step 4: a self-signed certificate must verify with its own key.
    c.self_signed = c.subject == c.issuer;
    if (c.self_signed && !x509->check_signature(*c.public_key))
      return Err{CryptoError::CertSelfSignatureInvalid};
  } catch (const std::exception&) {
    return Err{CryptoError::CertNotDer};
  }
  c.botan = std::move(x509);
  return c;
}

Status<CryptoError> check_filestamp(const Certificate& cert, std::uint32_t filestamp) {
  if (cert.not_before < unix_from_ntp_seconds(filestamp)) return Err{CryptoError::CertNotBeforeFilestamp};
  return Ok{};
}

Status<CryptoError> check_valid_at(const Certificate& cert, std::int64_t now_unix) {
  if (now_unix < cert.not_before) return Err{CryptoError::CertNotYetValid};
  if (now_unix > cert.not_after) return Err{CryptoError::CertExpired};
  return Ok{};
}

namespace {

bool verify_issued_by_checked(const Certificate& child, const Certificate& issuer) {
  if (!child.botan || !issuer.public_key) return false;
  try {
    return child.botan->check_signature(*issuer.public_key);
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

bool verify_issued_by(const Certificate& child, const Certificate& issuer) {
  const bool verified = verify_issued_by_checked(child, issuer);
#ifdef AK_FUZZ_UNSAFE_NO_CRYPTO
  // Fuzz builds only (crypto/fuzzing.h); a missing certificate or key stays a failure.
  if (fuzzing::unsafe_no_crypto() && child.botan && issuer.public_key) return true;
#endif
  return verified;
}

bool validity_nested(const Certificate& child, const Certificate& issuer) {
  return issuer.not_before <= child.not_before && child.not_before <= issuer.not_after;
}

Result<Certificate, CryptoError> make_certificate(const CertificateFields& f,
                                                  const Botan::Public_Key& subject_key,
                                                  const Botan::Private_Key& signer,
                                                  Botan::RandomNumberGenerator& rng) {
  if (!valid_name(f.subject) || !valid_name(f.issuer)) return Err{CryptoError::CertNameNotHostOrHostAtGroup};
  if (f.trusted && f.private_cert) return Err{CryptoError::CertEncodeFailed};
  if (!signature_key_type(subject_key)) return Err{CryptoError::BadKey};
  AK_TRY(auto algo, signature_algorithm_id(signer, f.digest));

  // Extension values as ntp-keygen writes them (digest §8.1).
  wire::Bytes bc, ku, ski, eku;
  Botan::DER_Encoder(bc).start_cons(Botan::SEQUENCE).encode(true).end_cons();  // CA:TRUE, no pathlen
  Botan::DER_Encoder(ku).add_object(Botan::BIT_STRING, Botan::UNIVERSAL,
                                    std::vector<std::uint8_t>{0x02, 0x84});  // digitalSignature, keyCertSign
  if (f.subject_key_id) Botan::DER_Encoder(ski).encode(*f.subject_key_id, Botan::OCTET_STRING);
  if (f.trusted || f.private_cert)
    Botan::DER_Encoder(eku)
        .start_cons(Botan::SEQUENCE)
        .encode(Botan::OID(f.trusted ? kTrustRootOid : kPrivateOid))
        .end_cons();

  wire::Bytes tbs;
  try {
    Botan::DER_Encoder enc(tbs);
    enc.start_cons(Botan::SEQUENCE)
        .start_explicit(0)
        .encode(std::size_t{2})  // v3
        .end_explicit()
        .encode(Botan::BigInt(f.serial))
        .encode(algo);
    encode_cn_name(enc, f.issuer);
    encode_validity(enc, f.not_before, f.not_after);
    encode_cn_name(enc, f.subject);
    enc.raw_bytes(subject_key.subject_public_key());
    // ntp-keygen's order, not OID order (Botan's Extensions would sort them).
    enc.start_explicit(3).start_cons(Botan::SEQUENCE);
    encode_extension(enc, Botan::OID{2, 5, 29, 19}, true, bc);
    encode_extension(enc, Botan::OID{2, 5, 29, 15}, false, ku);
    if (f.subject_key_id) encode_extension(enc, Botan::OID{2, 5, 29, 14}, false, ski);
    if (!eku.empty()) encode_extension(enc, Botan::OID{2, 5, 29, 37}, false, eku);
    enc.end_cons().end_explicit().end_cons();
  } catch (const std::exception&) {
    return Err{CryptoError::CertEncodeFailed};
  }
  return sign_and_parse(tbs, algo, signer, f.digest, rng);
}

Result<Certificate, CryptoError> sign_certificate(const Certificate& request,
                                                  const Botan::Private_Key& issuer_key, Digest issuer_digest,
                                                  const std::string& issuer_name, std::uint64_t serial,
                                                  std::int64_t now_unix, Botan::RandomNumberGenerator& rng) {
  if (!request.botan) return Err{CryptoError::CertNotDer};
  if (!valid_name(issuer_name)) return Err{CryptoError::CertNameNotHostOrHostAtGroup};
  AK_TRY(auto algo, signature_algorithm_id(issuer_key, issuer_digest));

  wire::Bytes tbs;
  try {
    // The request's TBSCertificate, element by element:
    // [0] version?, serial, signature, issuer, validity, subject, spki,
    // [1] issuerUID?, [2] subjectUID?, [3] extensions?
    const std::vector<std::uint8_t> request_tbs = request.botan->tbs_data();
    Botan::BER_Decoder outer(request_tbs);
    Botan::BER_Decoder body = outer.start_cons(Botan::SEQUENCE);
    std::vector<Botan::BER_Object> parts;
    while (body.more_items()) parts.push_back(body.get_next_object());

    const auto context = Botan::ASN1_Tag(Botan::CONTEXT_SPECIFIC | Botan::CONSTRUCTED);
    std::size_t i = 0;
    const Botan::BER_Object* version = nullptr;
    if (!parts.empty() && parts[0].is_a(0, context)) version = &parts[i++];
    // serial, signature, issuer, validity, subject, subjectPublicKeyInfo
    if (parts.size() < i + 6) return Err{CryptoError::CertNotDer};
    const Botan::BER_Object& subject = parts[i + 4];
    const Botan::BER_Object& spki = parts[i + 5];
    const Botan::BER_Object* extensions = nullptr;
    for (std::size_t j = i + 6; j < parts.size(); ++j)
      if (parts[j].is_a(3, context)) extensions = &parts[j];

    auto raw = [](Botan::DER_Encoder& e, const Botan::BER_Object& o) {
      e.add_object(o.type(), o.get_class(), o.bits(), o.length());
    };
    Botan::DER_Encoder enc(tbs);
    enc.start_cons(Botan::SEQUENCE);
    if (version) raw(enc, *version);
    enc.encode(Botan::BigInt(serial)).encode(algo);
    // Digest §8.6: the issuer is one CN naming the server's own subject.
    encode_cn_name(enc, issuer_name);
    encode_validity(enc, now_unix, now_unix + kSignedCertificateLifetime);
    raw(enc, subject);
    raw(enc, spki);
    if (extensions) raw(enc, *extensions);
    enc.end_cons();
  } catch (const std::exception&) {
    return Err{CryptoError::CertNotDer};
  }
  return sign_and_parse(tbs, algo, issuer_key, issuer_digest, rng);
}

}  // namespace ak::crypto
