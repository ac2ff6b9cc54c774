// Cookie encryption for the COOK exchange (RFC 5906 §10.3;
// autokey-protocol.md §5.3, §6.6).
//
// The COOK request carries the requester's RSA host public key as a DER
// PKCS#1 RSAPublicKey (SEQUENCE {n, e}; not SubjectPublicKeyInfo). The
// response carries the 4-octet cookie encrypted to it with RSAES-OAEP as
// OpenSSL's RSA_PKCS1_OAEP_PADDING does: SHA-1, MGF1-SHA-1, empty label.
#pragma once

#include <cstdint>
#include <memory>

#include "crypto/errors.h"
#include "wire/reader.h"
#include "wire/result.h"

namespace Botan {
class Public_Key;
class Private_Key;
class RandomNumberGenerator;
}  // namespace Botan

namespace ak::crypto {

// DER RSAPublicKey of an RSA key (the COOK request value). Error:
// PublicKeyNotRsa.
Result<wire::Bytes, CryptoError> encode_rsa_public_key(const Botan::Public_Key& key);

// Parses a COOK request value. Strict DER, nothing after the SEQUENCE, n odd
// and positive, e odd and > 1, within the bounds of signature.h.
// Errors: RsaPublicKeyNotDer, RsaKeyTooLarge, BadKey.
Result<std::shared_ptr<Botan::Public_Key>, CryptoError> decode_rsa_public_key(wire::ByteView der);

// Encrypts BE32(cookie). The ciphertext is as long as the modulus.
// Errors: PublicKeyNotRsa, CookieKeyTooSmall.
Result<wire::Bytes, CryptoError> encrypt_cookie(std::uint32_t cookie, const Botan::Public_Key& key,
                                                Botan::RandomNumberGenerator& rng);
// The same, straight from a COOK request value.
Result<wire::Bytes, CryptoError> encrypt_cookie(std::uint32_t cookie, wire::ByteView rsa_public_key_der,
                                                Botan::RandomNumberGenerator& rng);

// Decrypts a COOK response value with the host key; the plaintext must be
// exactly 4 octets (digest §6.6). Errors: PublicKeyNotRsa (not an RSA key),
// CookieDecryptFailed, CookieWrongLength.
Result<std::uint32_t, CryptoError> decrypt_cookie(wire::ByteView ciphertext,
                                                  const Botan::Private_Key& host_key,
                                                  Botan::RandomNumberGenerator& rng);

}  // namespace ak::crypto
