// Private keys and certificates from ntp-keygen files
// (autokey-operator-surface.md §1.5, §1.10, §6.1; autokey-protocol.md §8.7).
//
// Three containers occur:
//   ENCRYPTED PRIVATE KEY  PKCS#8 with PBES2 (what ntp-keygen 4.2.8 writes, -p)
//   PRIVATE KEY            plain PKCS#8 (the -e exports)
//   RSA/DSA PRIVATE KEY    traditional OpenSSL layout (4.2.6-era files, and the
//                          IFF client file that keeps v)
// Decoding is split in two: decode_key_block() returns the slots exactly as
// stored, without judging them, because the identity schemes store values
// that are not a valid RSA or DSA key (GQ puts u and v in RSA's prime slots,
// MV clients have q = g = 1). The typed loaders below and in identity.h then
// apply the rules of each use.
//
// ntpd reads only the first PEM block of a key file (operator-surface §3.5);
// so do the loaders that take a KeyFile.
#pragma once

#include <botan/bigint.h>
#include <botan/pk_keys.h>
#include <botan/rsa.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "keys/errors.h"
#include "keys/key_file.h"
#include "wire/result.h"

namespace ak::keys {

enum class Container : std::uint8_t {
  Pkcs8Encrypted,  // "ENCRYPTED PRIVATE KEY"
  Pkcs8,           // "PRIVATE KEY"
  Traditional,     // "RSA PRIVATE KEY" / "DSA PRIVATE KEY"
};

// RSAPrivateKey's slots in storage order (PKCS#1 version 0).
struct RsaSlots {
  Botan::BigInt n, e, d, p, q, dmp1, dmq1, iqmp;
};

// A DSA private key as stored. PKCS#8 keeps p, q, g (parameters) and x only;
// the traditional layout SEQUENCE {0, p, q, g, y, x} also keeps y, which is
// where the identity schemes put their public values (operator-surface §1.8).
struct DsaSlots {
  Botan::BigInt p, q, g, x;
  std::optional<Botan::BigInt> y;
};

struct KeySlots {
  Container container{};
  std::variant<RsaSlots, DsaSlots> slots;
};

// Decodes one PEM block. password is used only for ENCRYPTED PRIVATE KEY
// (empty: PasswordRequired). Never throws. Every integer is non-negative
// and at most kMaxModulusBits long.
Result<KeySlots, KeyError> decode_key_block(const PemBlock& block, std::string_view password);

// A usable Botan key (RSA or DSA) from the first block.
Result<std::unique_ptr<Botan::Private_Key>, KeyError> load_private_key(const KeyFile& file,
                                                                       std::string_view password);
// ntpkey_host_<H>: must be RSA (ntpd: "host key is not RSA key type").
Result<std::unique_ptr<Botan::RSA_PrivateKey>, KeyError> load_host_key(const KeyFile& file,
                                                                       std::string_view password);
// ntpkey_sign_<H>: RSA or DSA.
Result<std::unique_ptr<Botan::Private_Key>, KeyError> load_sign_key(const KeyFile& file,
                                                                    std::string_view password);

// ntpkey_cert_<H>: the first block must be a CERTIFICATE. The DER is not
// interpreted here (the crypto layer parses X.509).
struct CertificateFile {
  std::vector<std::uint8_t> der;
  std::uint32_t filestamp = 0;
  std::string file_name;    // name on disk, after links
  std::string header_name;  // name in line 1
};
Result<CertificateFile, KeyError> load_certificate(const KeyFile& file);

}  // namespace ak::keys
