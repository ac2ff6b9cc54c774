#include "crypto/identity_errors.h"

#include "crypto/errors.h"

namespace ak::crypto {

const char* message(IdentityError e) {
  switch (e) {
    case IdentityError::MissingPrivateValue:
      return "identity parameters lack the prover's private value";
    case IdentityError::MissingPublicValue:
      return "identity parameters lack the verifier's public value";
    case IdentityError::BadParameters:
      return "identity parameters unusable";
    case IdentityError::ChallengeWrongLength:
      return "identity challenge length differs from the modulus length";
    case IdentityError::ChallengeOutOfRange:
      return "identity challenge is zero or not below the modulus";
    case IdentityError::ResponseNotDer:
      return "identity response is not a canonical DER SEQUENCE of INTEGERs";
    case IdentityError::ResponseTrailingBytes:
      return "identity response has octets after the DER SEQUENCE";
    case IdentityError::ResponseOutOfRange:
      return "identity response value out of range";
    case IdentityError::ProofRejected:
      return "identity not verified";
    case IdentityError::ModulusNotPrime:
      return "identity modulus p is not prime";
    case IdentityError::SubgroupOrderNotPrime:
      return "identity subgroup order q is not prime";
    case IdentityError::SubgroupOrderNotDivisor:
      return "identity subgroup order q does not match p";
    case IdentityError::BadGenerator:
      return "identity generator g is not of order q";
    case IdentityError::ModulusNotComposite:
      return "GQ modulus n is not an odd composite";
    case IdentityError::KeyOutOfRange:
      return "identity key value out of range";
    case IdentityError::KeyPairMismatch:
      return "identity private and public values do not match";
  }
  return "unknown identity error";
}

std::uint16_t xevnt_code(IdentityError e) {
  switch (e) {
    case IdentityError::ChallengeWrongLength:
      return xevnt::kLen;
    case IdentityError::ResponseNotDer:
    case IdentityError::ResponseTrailingBytes:
      // Digest §5.7: a response that does not parse is a protocol error.
      return xevnt::kErr;
    case IdentityError::MissingPrivateValue:
    case IdentityError::MissingPublicValue:
    case IdentityError::BadParameters:
    case IdentityError::ChallengeOutOfRange:
    case IdentityError::ResponseOutOfRange:
    case IdentityError::ProofRejected:
    case IdentityError::ModulusNotPrime:
    case IdentityError::SubgroupOrderNotPrime:
    case IdentityError::SubgroupOrderNotDivisor:
    case IdentityError::BadGenerator:
    case IdentityError::ModulusNotComposite:
    case IdentityError::KeyOutOfRange:
    case IdentityError::KeyPairMismatch:
      return xevnt::kId;
  }
  return xevnt::kErr;
}

}  // namespace ak::crypto
