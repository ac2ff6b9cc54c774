// The numbers of the three identity schemes, as the key files carry them and
// the identity exchanges use them (RFC 5906 Appendices E-G; how ntp-keygen
// stores them in DSA/RSA key structures: autokey-operator-surface.md §1.8).
//
// Shared by reference/keys (which reads and writes them) and reference/crypto
// (which proves and verifies with them). Optional members are the secrets a
// client file does not carry, or the public value an OpenSSL-3 export lost.
#pragma once

#include <botan/bigint.h>

#include <optional>

namespace ak::crypto {

// IFF (Schnorr): p prime, q | p-1, g of order q; b the group key (server
// only); v = g^(q-b) mod p the public value (client only in ntpd's files).
struct IffParams {
  Botan::BigInt p, q, g;
  std::optional<Botan::BigInt> b;  // secret group key, 0 < b < q
  std::optional<Botan::BigInt> v;  // public value g^(q-b) mod p
};

// GQ (Guillou-Quisquater): n modulus, b group key (public to the group),
// u the server's private key, v = (u^-1)^b mod n its public key (also in the
// certificate's subjectKeyIdentifier).
struct GqParams {
  Botan::BigInt n, b;
  std::optional<Botan::BigInt> u;  // server private key
  std::optional<Botan::BigInt> v;  // public key
};

// MV (Mu-Varadharajan): p = 2q+1. The server holds E, gbar, ghat; a client
// holds its xbar, xhat. Which members are present tells the role.
struct MvParams {
  Botan::BigInt p, q;
  std::optional<Botan::BigInt> E, gbar, ghat;  // server
  std::optional<Botan::BigInt> xbar, xhat;     // client
};

}  // namespace ak::crypto
