// The cryptostats text ntpd 4.2.8p15 writes for each Autokey step
// (operator-surface §5.1), built from what the engine reports (a
// CryptoEvent) and the association and host state after the step:
//   cert <subject> <issuer> 0x<flags> <signature> (<nid>) fs <filestamp>
//   <client parameter file> mod <bits>, then iff|gq|mv <issuer> fs <filestamp>
//   cook <cookie hex> ts <timestamp> fs <filestamp>
//   sign <subject> <issuer> 0x4 <signature> (<nid>) fs <filestamp>
// Steps whose ntpd line needs values the engine does not keep (auto, leap's
// filestamp) keep the engine's text; so does anything not recognised.
#pragma once

#include <string>
#include <vector>

#include "core/actions.h"
#include "core/association.h"
#include "core/host.h"

namespace Botan {
class BigInt;
}

namespace ak::daemon {

// EVP_PKEY_size * 8 of a DSA-container identity key with subgroup order q,
// what ntpd logs as "mod N" (operator-surface §2: a 160-bit q gives 384).
unsigned dsa_mod_bits(const Botan::BigInt& q);

// One or more lines (a certificate trail gives one "cert" line per link).
std::vector<std::string> cryptostats_lines(const core::CryptoEvent& event, const core::Association* association,
                                           const core::Host& host);

}  // namespace ak::daemon
