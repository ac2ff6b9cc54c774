// Object identifiers the key files use (internal to reference/keys).
#pragma once

#include <botan/asn1_obj.h>

namespace ak::keys::oids {

// rsaEncryption (PKCS#1)
inline Botan::OID rsa() { return Botan::OID{1, 2, 840, 113549, 1, 1, 1}; }
// id-dsa (X9.57)
inline Botan::OID dsa() { return Botan::OID{1, 2, 840, 10040, 4, 1}; }
// id-PBES2 (PKCS#5 v2.0)
inline Botan::OID pbes2() { return Botan::OID{1, 2, 840, 113549, 1, 5, 13}; }

}  // namespace ak::keys::oids
