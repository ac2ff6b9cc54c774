// Signatures over Autokey value structures (RFC 5906 §10;
// autokey-protocol.md §3.6).
//
// Signed octets: BE32(timestamp) || BE32(filestamp) || BE32(vl) || value —
// the 12 octets at EF offset 8..19 and exactly vl value octets, no padding.
// RSA keys sign with PKCS#1 v1.5 (Botan "EMSA3(<hash>)"); DSA keys give a
// DER Dss-Sig-Value. The digest is the one the signer's certificate
// signature algorithm names (status-word NID on the receiving side).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include "crypto/digest.h"
#include "crypto/errors.h"
#include "wire/reader.h"
#include "wire/result.h"

namespace Botan {
class Public_Key;
class Private_Key;
class PK_Signer;
class RandomNumberGenerator;
}  // namespace Botan

namespace ak::crypto {

// Bounds on keys received from the network, so that one packet cannot buy an
// unbounded amount of public-key work (security-history §16): moduli and DSA
// primes of at most 16384 bits, RSA public exponents of at most 64 bits.
inline constexpr std::size_t kMaxModulusBits = 16384;
inline constexpr std::size_t kMaxRsaExponentBits = 64;

// RSA or DSA within the bounds above; nullopt for any other key.
std::optional<SignatureKeyType> signature_key_type(const Botan::Public_Key& key);
Status<CryptoError> check_public_key(const Botan::Public_Key& key);

// What OpenSSL's EVP_PKEY_size reports and ntpd requires of `sl`
// (digest §3.8 check 12): the modulus length for RSA, the largest DER
// Dss-Sig-Value for DSA.
std::size_t signature_size(const Botan::Public_Key& key);

// BE32(ts) || BE32(fs) || BE32(vl) || value.
wire::Bytes signed_octets(std::uint32_t timestamp, std::uint32_t filestamp, wire::ByteView value);

// Raw sign / verify of a message with the given digest.
Result<wire::Bytes, CryptoError> sign_message(const Botan::Private_Key& key, Digest d, wire::ByteView message,
                                              Botan::RandomNumberGenerator& rng);
// Errors: UnsupportedDigest/DigestNotUsableWithKey, BadKey, BadSignatureLength
// (signature.size() != signature_size(key)), SignatureNotVerified.
Status<CryptoError> verify_message(const Botan::Public_Key& key, Digest d, wire::ByteView message,
                                   wire::ByteView signature);

// The value-structure forms.
Result<wire::Bytes, CryptoError> sign_value(const Botan::Private_Key& key, Digest d, std::uint32_t timestamp,
                                            std::uint32_t filestamp, wire::ByteView value,
                                            Botan::RandomNumberGenerator& rng);
Status<CryptoError> verify_value(const Botan::Public_Key& key, Digest d, std::uint32_t timestamp,
                                 std::uint32_t filestamp, wire::ByteView value, wire::ByteView signature);

// A signer kept for many signatures with one key: Botan's RSA signer sets up
// its blinding (a modular inversion) when built, which costs more than the
// signature itself for 2048-bit keys (bench/crypto_bench.cpp: about 3x).
// Produces the same octets as sign_value. Holds references to the key and
// the RNG, which must outlive it.
class ValueSigner {
 public:
  static Result<ValueSigner, CryptoError> create(const Botan::Private_Key& key, Digest d,
                                                 Botan::RandomNumberGenerator& rng);
  ValueSigner(ValueSigner&&) noexcept;
  ValueSigner& operator=(ValueSigner&&) noexcept;
  ~ValueSigner();

  Result<wire::Bytes, CryptoError> sign(std::uint32_t timestamp, std::uint32_t filestamp,
                                        wire::ByteView value);
  Digest digest() const { return digest_; }

 private:
  ValueSigner(std::unique_ptr<Botan::PK_Signer> signer, Digest d, Botan::RandomNumberGenerator& rng);
  std::unique_ptr<Botan::PK_Signer> signer_;
  Digest digest_;
  Botan::RandomNumberGenerator* rng_;
};

}  // namespace ak::crypto
