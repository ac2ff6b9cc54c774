#pragma once
// The unsafe no-crypto switch for fuzzing behind the cryptography
// (docs/fuzzing.md §2; BoringSSL's UNSAFE_FUZZER_MODE, security-history
// §3.5). It exists only in builds configured with -DAK_FUZZ_UNSAFE_NO_CRYPTO=ON
// (fuzz builds; fuzz/CMakeLists.txt refuses it otherwise): without the macro
// this header declares nothing and the verifiers below have no bypass.
//
// When switched on, these compute their real result and then report success:
//   verify_message / verify_value (signature.h)   -> Ok
//   verify_issued_by (certificate.h)              -> true when both
//                                                    certificates are present
//   mac_matches (mac.h)                           -> true
//   iff_verify / gq_verify / mv_verify            -> Ok
// Everything that parses or decrypts stays real (decrypt_cookie still refuses
// a plaintext that is not 4 octets: CVE-2014-9295). Off by default, so the
// checked fuzz targets in the same build keep every check. Never ship it.

#ifdef AK_FUZZ_UNSAFE_NO_CRYPTO
// Lets a caller test at compile time whether the switch exists.
#define AK_CRYPTO_HAS_UNSAFE_NO_CRYPTO 1

namespace ak::crypto::fuzzing {

// Process-wide; default off.
void set_unsafe_no_crypto(bool on);
bool unsafe_no_crypto();

}  // namespace ak::crypto::fuzzing
#endif
