// Fuzz target: X.509 certificate parsing is sound.
//
// Input: a DER certificate, or an ntp-keygen certificate file ('#' lines
// then PEM), which is decoded first so that the fixture files seed it as-is.
// Oracle: no crash, no over-read; an accepted certificate is exactly the
// input octets and parses again to an equal value; its flags agree with its
// names and signature (a self-signed one verifies with its own key).
#include <botan/data_src.h>
#include <botan/pem.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "crypto/certificate.h"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

ak::wire::Bytes to_der(const std::uint8_t* data, std::size_t size) {
  if (size > 0 && (data[0] == '#' || data[0] == '-')) {
    try {
      Botan::DataSource_Memory src(data, size);
      std::string label;
      const auto der = Botan::PEM_Code::decode(src, label);
      return ak::wire::Bytes(der.begin(), der.end());
    } catch (const std::exception&) {
      // Not PEM after all: feed the octets unchanged.
    }
  }
  return ak::wire::Bytes(data, data + size);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ak::wire::Bytes der = to_der(data, size);
  const auto cert = ak::crypto::parse_certificate(der);
  if (!cert.ok()) {
    check(ak::crypto::message(cert.error()) != nullptr);
    return 0;
  }
  check(cert->der == der);
  check(ak::crypto::valid_name(cert->subject) && ak::crypto::valid_name(cert->issuer));
  check(cert->not_before <= cert->not_after);
  check(!(cert->trusted && cert->private_cert));
  check(cert->public_key != nullptr);
  check(cert->self_signed == (cert->subject == cert->issuer));
  if (cert->self_signed) check(ak::crypto::verify_issued_by(*cert, *cert));
  const auto again = ak::crypto::parse_certificate(cert->der);
  check(again.ok() && ak::crypto::same_certificate(*cert, *again));
  return 0;
}
