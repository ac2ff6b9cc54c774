#include "keys/private_key.h"

#include <botan/asn1_obj.h>
#include <botan/auto_rng.h>
#include <botan/ber_dec.h>
#include <botan/dl_group.h>
#include <botan/dsa.h>
#include <botan/exceptn.h>
// pbes2.h is marked future-internal in Botan 2, but it is the only way to
// decrypt PKCS#8 without also building a Botan key: PKCS8::load_key insists
// on a valid RSA/DSA key, and the GQ and MV containers are not (§1.8).
#include <botan/pbes2.h>

#include <exception>
#include <string>

#include "keys/asn1_ids.h"

namespace ak::keys {
namespace {

using Botan::BigInt;

// PrivateKeyInfo ::= SEQUENCE { version, AlgorithmIdentifier, OCTET STRING, [0] attrs OPTIONAL }
struct KeyInfo {
  Botan::AlgorithmIdentifier alg;
  Botan::secure_vector<std::uint8_t> key;
};

KeyInfo decode_key_info(const Botan::secure_vector<std::uint8_t>& der) {
  KeyInfo info;
  std::size_t version = 0;
  Botan::BER_Decoder(der)
      .start_cons(Botan::SEQUENCE)
      .decode(version)
      .decode(info.alg)
      .decode(info.key, Botan::OCTET_STRING)
      .discard_remaining()
      .end_cons()
      .verify_end();
  if (version > 1) throw Botan::Decoding_Error("PrivateKeyInfo version");
  return info;
}

RsaSlots decode_rsa(const Botan::secure_vector<std::uint8_t>& der) {
  RsaSlots s;
  std::size_t version = 0;
  Botan::BER_Decoder(der)
      .start_cons(Botan::SEQUENCE)
      .decode(version)
      .decode(s.n)
      .decode(s.e)
      .decode(s.d)
      .decode(s.p)
      .decode(s.q)
      .decode(s.dmp1)
      .decode(s.dmq1)
      .decode(s.iqmp)
      .end_cons()
      .verify_end();
  if (version != 0) throw Botan::Decoding_Error("RSAPrivateKey version");
  return s;
}

DsaSlots decode_traditional_dsa(const Botan::secure_vector<std::uint8_t>& der) {
  DsaSlots s;
  BigInt y;
  std::size_t version = 0;
  Botan::BER_Decoder(der)
      .start_cons(Botan::SEQUENCE)
      .decode(version)
      .decode(s.p)
      .decode(s.q)
      .decode(s.g)
      .decode(y)
      .decode(s.x)
      .end_cons()
      .verify_end();
  if (version != 0) throw Botan::Decoding_Error("DSA private key version");
  s.y = y;
  return s;
}

DsaSlots decode_pkcs8_dsa(const KeyInfo& info) {
  DsaSlots s;
  Botan::BER_Decoder(info.alg.get_parameters())
      .start_cons(Botan::SEQUENCE)
      .decode(s.p)
      .decode(s.q)
      .decode(s.g)
      .end_cons()
      .verify_end();
  Botan::BER_Decoder(info.key).decode(s.x).verify_end();
  return s;
}

// Negative integers are not keys; oversized ones are refused before any
// arithmetic is done with them.
std::optional<KeyError> slot_error(const KeySlots& k) {
  std::vector<const BigInt*> all;
  if (const auto* r = std::get_if<RsaSlots>(&k.slots)) {
    all = {&r->n, &r->e, &r->d, &r->p, &r->q, &r->dmp1, &r->dmq1, &r->iqmp};
  } else {
    const auto& d = std::get<DsaSlots>(k.slots);
    all = {&d.p, &d.q, &d.g, &d.x};
    if (d.y) all.push_back(&*d.y);
  }
  for (const BigInt* v : all)
    if (v->is_negative()) return KeyError::MalformedKey;
  for (const BigInt* v : all)
    if (v->bits() > kMaxModulusBits) return KeyError::ModulusTooLarge;
  return std::nullopt;
}

Result<KeySlots, KeyError> from_key_info(const Botan::secure_vector<std::uint8_t>& der,
                                         Container container) {
  KeySlots out;
  out.container = container;
  KeyInfo info;
  try {
    info = decode_key_info(der);
  } catch (const std::exception&) {
    return Err{KeyError::MalformedKey};
  }
  const auto& oid = info.alg.get_oid();
  try {
    if (oid == oids::rsa()) {
      out.slots = decode_rsa(info.key);
    } else if (oid == oids::dsa()) {
      out.slots = decode_pkcs8_dsa(info);
    } else {
      return Err{KeyError::UnsupportedKeyType};
    }
  } catch (const std::exception&) {
    return Err{KeyError::MalformedKey};
  }
  return out;
}

// Botan reports a failed decryption as a Decoding_Error from the CBC
// unpadding ("Invalid CBC padding"); parameters it cannot handle raise
// Lookup_Error / Decoding_Error with other texts. Telling a wrong password
// from an unsupported cipher is worth the string match: the operator's fix
// differs completely.
KeyError classify_decrypt_failure(const std::exception& e) {
  const std::string what = e.what();
  if (what.find("padding") != std::string::npos) return KeyError::WrongPassword;
  return KeyError::UnsupportedEncryption;
}

Result<KeySlots, KeyError> decrypt_pkcs8(const PemBlock& block, std::string_view password) {
  if (password.empty()) return Err{KeyError::PasswordRequired};
  Botan::AlgorithmIdentifier alg;
  Botan::secure_vector<std::uint8_t> encrypted;
  try {
    Botan::BER_Decoder(block.der)
        .start_cons(Botan::SEQUENCE)
        .decode(alg)
        .decode(encrypted, Botan::OCTET_STRING)
        .end_cons()
        .verify_end();
  } catch (const std::exception&) {
    return Err{KeyError::MalformedKey};
  }
  // ntp-keygen 4.2.8 always writes PBES2 (operator-surface §1.10); PBES1
  // (PKCS#5 v1.5, PKCS#12 PBE) is refused with a conversion hint.
  if (alg.get_oid() != oids::pbes2()) return Err{KeyError::UnsupportedEncryption};
  Botan::secure_vector<std::uint8_t> plain;
  try {
    plain = Botan::pbes2_decrypt(encrypted, std::string(password), alg.get_parameters());
  } catch (const std::exception& e) {
    return Err{classify_decrypt_failure(e)};
  }
  auto slots = from_key_info(plain, Container::Pkcs8Encrypted);
  // Padding that happens to check out under a wrong password (about 1 in
  // 256) leaves garbage that does not decode: still a wrong password.
  if (!slots.ok() && slots.error() == KeyError::MalformedKey) return Err{KeyError::WrongPassword};
  return slots;
}

bool is_traditional_encrypted(const PemBlock& block) {
  for (const auto& [name, value] : block.headers)
    if (name == "Proc-Type" || name == "DEK-Info") return true;
  return false;
}

bool is_private_key_label(std::string_view label) {
  return label == "ENCRYPTED PRIVATE KEY" || label == "PRIVATE KEY" ||
         label == "RSA PRIVATE KEY" || label == "DSA PRIVATE KEY";
}

const PemBlock& first_block(const KeyFile& file) { return file.blocks.front(); }

Result<std::unique_ptr<Botan::RSA_PrivateKey>, KeyError> make_rsa(const RsaSlots& s) {
  // A real RSA key: n = p q with odd primes. A GQ container (u, v in the
  // prime slots) fails here rather than deep inside Botan.
  if (s.p < 3 || s.q < 3 || s.p * s.q != s.n || s.e < 3 || s.e.is_even())
    return Err{KeyError::MalformedKey};
  try {
    return std::make_unique<Botan::RSA_PrivateKey>(s.p, s.q, s.e, s.d, s.n);
  } catch (const std::exception&) {
    return Err{KeyError::MalformedKey};
  }
}

Result<std::unique_ptr<Botan::Private_Key>, KeyError> make_dsa(const DsaSlots& s) {
  if (s.p < 5 || s.p.is_even() || s.q < 2 || s.q >= s.p || s.g < 2 || s.g >= s.p || s.x < 1 ||
      s.x >= s.q)
    return Err{KeyError::MalformedKey};
  try {
    Botan::AutoSeeded_RNG rng;
    return std::unique_ptr<Botan::Private_Key>(
        std::make_unique<Botan::DSA_PrivateKey>(rng, Botan::DL_Group(s.p, s.q, s.g), s.x));
  } catch (const std::exception&) {
    return Err{KeyError::MalformedKey};
  }
}

}  // namespace

Result<KeySlots, KeyError> decode_key_block(const PemBlock& block, std::string_view password) {
  if (!is_private_key_label(block.label)) return Err{KeyError::UnknownPemLabel};
  Result<KeySlots, KeyError> out = Err{KeyError::MalformedKey};
  if (block.label == "ENCRYPTED PRIVATE KEY") {
    out = decrypt_pkcs8(block, password);
  } else if (is_traditional_encrypted(block)) {
    // Proc-Type: 4,ENCRYPTED / DEK-Info: DES-CBC,... (4.2.6-era files,
    // operator-surface §1.10). Refused with a conversion hint.
    return Err{KeyError::UnsupportedTraditionalEncryption};
  } else if (block.label == "PRIVATE KEY") {
    out = from_key_info(block.der, Container::Pkcs8);
  } else {
    KeySlots k;
    k.container = Container::Traditional;
    try {
      if (block.label == "RSA PRIVATE KEY")
        k.slots = decode_rsa(block.der);
      else
        k.slots = decode_traditional_dsa(block.der);
    } catch (const std::exception&) {
      return Err{KeyError::MalformedKey};
    }
    out = std::move(k);
  }
  if (out.ok()) {
    if (const auto e = slot_error(*out)) return Err{*e};
  }
  return out;
}

Result<std::unique_ptr<Botan::Private_Key>, KeyError> load_private_key(const KeyFile& file,
                                                                       std::string_view password) {
  if (file.blocks.empty()) return Err{KeyError::NoPemBlock};
  AK_TRY(auto k, decode_key_block(first_block(file), password));
  if (const auto* r = std::get_if<RsaSlots>(&k.slots)) {
    AK_TRY(auto rsa, make_rsa(*r));
    return std::unique_ptr<Botan::Private_Key>(std::move(rsa));
  }
  return make_dsa(std::get<DsaSlots>(k.slots));
}

Result<std::unique_ptr<Botan::RSA_PrivateKey>, KeyError> load_host_key(const KeyFile& file,
                                                                       std::string_view password) {
  if (file.blocks.empty()) return Err{KeyError::NoPemBlock};
  auto k = decode_key_block(first_block(file), password);
  if (!k.ok()) {
    if (k.error() == KeyError::UnsupportedKeyType) return Err{KeyError::NotRsaKey};
    return Err{k.error()};
  }
  const auto* r = std::get_if<RsaSlots>(&k->slots);
  // autokey-protocol.md §8.7: the host key must be RSA (it decrypts cookies).
  if (!r) return Err{KeyError::NotRsaKey};
  return make_rsa(*r);
}

Result<std::unique_ptr<Botan::Private_Key>, KeyError> load_sign_key(const KeyFile& file,
                                                                    std::string_view password) {
  auto k = load_private_key(file, password);
  if (!k.ok() && k.error() == KeyError::UnsupportedKeyType) return Err{KeyError::NotRsaOrDsaKey};
  return k;
}

Result<CertificateFile, KeyError> load_certificate(const KeyFile& file) {
  if (file.blocks.empty()) return Err{KeyError::NoPemBlock};
  // ntpd: "crypto_cert: wrong PEM type" for anything but CERTIFICATE.
  const PemBlock& b = first_block(file);
  if (b.label != "CERTIFICATE") return Err{KeyError::NotCertificate};
  CertificateFile c;
  c.der.assign(b.der.begin(), b.der.end());
  c.filestamp = file.filestamp;
  c.file_name = file.file_name;
  c.header_name = file.header_name;
  return c;
}

}  // namespace ak::keys
