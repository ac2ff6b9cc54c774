// Typed errors of the identity schemes (IFF, GQ, MV; RFC 5906 Appendices
// E-G): one enumerator per rule a challenge, a response or a parameter set
// can break, each with a message and the ntpd XEVNT_* code a caller reports
// (autokey-protocol.md §1.6, §5.7-5.9).
#pragma once

#include <cstdint>

namespace ak::crypto {

enum class IdentityError : std::uint8_t {
  // What a prover or verifier needs but its parameters lack.
  MissingPrivateValue,  // prover without IFF b, GQ u, or MV E/gbar/ghat
  MissingPublicValue,   // verifier without IFF v, GQ v, or MV xbar/xhat
  BadParameters,        // a modulus or value no computation can use (<= 1, q >= p, ...)
  // The challenge (request value).
  ChallengeWrongLength,  // not exactly the octet length of the modulus
  ChallengeOutOfRange,   // 0, or not below the modulus
  // The response (response value).
  ResponseNotDer,         // not a SEQUENCE of the expected INTEGERs in canonical DER
  ResponseTrailingBytes,  // octets after the SEQUENCE
  ResponseOutOfRange,     // an INTEGER negative, not below its modulus, or degenerate
  ProofRejected,          // well formed, but the identity equation does not hold
  // Parameter validation (group_gen.h).
  ModulusNotPrime,          // IFF/MV p is not prime
  SubgroupOrderNotPrime,    // IFF q is not prime
  SubgroupOrderNotDivisor,  // IFF q does not divide p - 1; MV p != 2q + 1
  BadGenerator,             // IFF g is 1 or not of order q
  ModulusNotComposite,      // GQ n is prime or even
  KeyOutOfRange,            // a secret or public value outside its range
  KeyPairMismatch,          // secret and public value do not belong together
};

// A one-line human description (never includes key material).
const char* message(IdentityError e);
// The ntpd XEVNT_* code a caller reports for this error: XEVNT_LEN for a
// malformed challenge, XEVNT_ERR for a response that is not DER (ntpd
// restarts the association then), XEVNT_ID for everything else.
std::uint16_t xevnt_code(IdentityError e);

}  // namespace ak::crypto
