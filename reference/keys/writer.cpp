#include "keys/writer.h"

#include <botan/asn1_obj.h>
#include <botan/der_enc.h>
#include <botan/pem.h>
#include <botan/pkcs8.h>
// Future-internal in Botan 2, see private_key.cpp: PKCS#8 encryption of a
// container that is not a valid Botan key needs the bare PBES2 call.
#include <botan/pbes2.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <exception>
#include <random>

#include "keys/asn1_ids.h"

namespace ak::keys {
namespace {

constexpr const char* kCipher = "TripleDES/CBC";  // ntp-keygen -C default des-ede3-cbc
constexpr const char* kPrf = "SHA-256";           // hmacWithSHA256 under OpenSSL 3

Botan::secure_vector<std::uint8_t> rsa_private_key_der(const RsaSlots& s) {
  Botan::secure_vector<std::uint8_t> out;
  Botan::DER_Encoder(out)
      .start_cons(Botan::SEQUENCE)
      .encode(static_cast<std::size_t>(0))
      .encode(s.n)
      .encode(s.e)
      .encode(s.d)
      .encode(s.p)
      .encode(s.q)
      .encode(s.dmp1)
      .encode(s.dmq1)
      .encode(s.iqmp)
      .end_cons();
  return out;
}

std::vector<std::uint8_t> dsa_params_der(const DsaSlots& s) {
  std::vector<std::uint8_t> out;
  Botan::DER_Encoder(out).start_cons(Botan::SEQUENCE).encode(s.p).encode(s.q).encode(s.g).end_cons();
  return out;
}

Botan::secure_vector<std::uint8_t> private_key_info(const Botan::AlgorithmIdentifier& alg,
                                                    const Botan::secure_vector<std::uint8_t>& key) {
  Botan::secure_vector<std::uint8_t> out;
  Botan::DER_Encoder(out)
      .start_cons(Botan::SEQUENCE)
      .encode(static_cast<std::size_t>(0))
      .encode(alg)
      .encode(key, Botan::OCTET_STRING)
      .end_cons();
  return out;
}

Result<std::string, KeyError> encode_pkcs8(const Botan::secure_vector<std::uint8_t>& info,
                                           Container container, std::string_view password,
                                           Botan::RandomNumberGenerator& rng) {
  if (container == Container::Pkcs8) return Botan::PEM_Code::encode(info, "PRIVATE KEY");
  if (password.empty()) return Err{KeyError::PasswordRequired};
  const auto [alg, encrypted] =
      Botan::pbes2_encrypt_iter(info, std::string(password), kPbkdf2Iterations, kCipher, kPrf, rng);
  std::vector<std::uint8_t> der;
  Botan::DER_Encoder(der).start_cons(Botan::SEQUENCE).encode(alg).encode(encrypted, Botan::OCTET_STRING).end_cons();
  return Botan::PEM_Code::encode(der, "ENCRYPTED PRIVATE KEY");
}

}  // namespace

std::string ctime_text(std::time_t when) {
  std::tm tm{};
  localtime_r(&when, &tm);
  char buf[64];
  // ctime(3)'s layout: "%.3s %.3s%3d %.2d:%.2d:%.2d %d" — %e is the
  // space-padded day. The C locale's names are the English ones ctime uses.
  const std::size_t n = std::strftime(buf, sizeof buf, "%a %b %e %H:%M:%S %Y", &tm);
  return std::string(buf, n);
}

std::string header_text(std::string_view header_name, std::time_t when) {
  return "# " + std::string(header_name) + "\n# " + ctime_text(when) + "\n\n";
}

Result<std::string, KeyError> pem_pkcs8_encrypted(const Botan::Private_Key& key,
                                                  std::string_view password,
                                                  Botan::RandomNumberGenerator& rng) {
  if (password.empty()) return Err{KeyError::PasswordRequired};
  try {
    // Not PKCS8::PEM_encode(key, rng, pw): that tunes PBKDF2 to ~1.75 M
    // iterations, which ntpd then spends seconds opening (deps-probe §1c).
    return Botan::PKCS8::PEM_encode_encrypted_pbkdf_iter(key, rng, std::string(password),
                                                         kPbkdf2Iterations, kCipher, kPrf);
  } catch (const std::exception&) {
    return Err{KeyError::EncodeFailed};
  }
}

Result<std::string, KeyError> pem_pkcs8(const Botan::Private_Key& key) {
  try {
    return Botan::PKCS8::PEM_encode(key);
  } catch (const std::exception&) {
    return Err{KeyError::EncodeFailed};
  }
}

Result<std::string, KeyError> pem_rsa_slots(const RsaSlots& slots, Container container,
                                            std::string_view password,
                                            Botan::RandomNumberGenerator& rng) {
  try {
    const auto key = rsa_private_key_der(slots);
    if (container == Container::Traditional) return Botan::PEM_Code::encode(key, "RSA PRIVATE KEY");
    const Botan::AlgorithmIdentifier alg(oids::rsa(), Botan::AlgorithmIdentifier::USE_NULL_PARAM);
    return encode_pkcs8(private_key_info(alg, key), container, password, rng);
  } catch (const std::exception&) {
    return Err{KeyError::EncodeFailed};
  }
}

Result<std::string, KeyError> pem_dsa_slots(const DsaSlots& slots, Container container,
                                            std::string_view password,
                                            Botan::RandomNumberGenerator& rng) {
  try {
    if (container == Container::Traditional) {
      // SEQUENCE {0, p, q, g, y, x}: the layout that keeps the public value
      // (deps-probe §3.4), which IFF and MV clients need.
      if (!slots.y) return Err{KeyError::EncodeFailed};
      Botan::secure_vector<std::uint8_t> der;
      Botan::DER_Encoder(der)
          .start_cons(Botan::SEQUENCE)
          .encode(static_cast<std::size_t>(0))
          .encode(slots.p)
          .encode(slots.q)
          .encode(slots.g)
          .encode(*slots.y)
          .encode(slots.x)
          .end_cons();
      return Botan::PEM_Code::encode(der, "DSA PRIVATE KEY");
    }
    const Botan::AlgorithmIdentifier alg(oids::dsa(), dsa_params_der(slots));
    Botan::secure_vector<std::uint8_t> x;
    Botan::DER_Encoder(x).encode(slots.x);
    return encode_pkcs8(private_key_info(alg, x), container, password, rng);
  } catch (const std::exception&) {
    return Err{KeyError::EncodeFailed};
  }
}

std::string pem_certificate(std::span<const std::uint8_t> der) {
  return Botan::PEM_Code::encode(der.data(), der.size(), "CERTIFICATE");
}

Status<KeyError> write_file_atomic(const std::filesystem::path& path, std::string_view contents,
                                   std::filesystem::perms mode) {
  const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::string tmpl = (dir / ("." + path.filename().string() + ".XXXXXX")).string();
  const int fd = ::mkstemp(tmpl.data());
  if (fd < 0) return Err{KeyError::WriteFailed};
  // mkstemp creates 0600; set the requested mode before any content lands.
  bool ok = ::fchmod(fd, static_cast<mode_t>(mode) & 0777) == 0;
  std::size_t done = 0;
  while (ok && done < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = false;
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  ok = (::close(fd) == 0) && ok;
  ok = ok && ::rename(tmpl.c_str(), path.c_str()) == 0;
  if (!ok) {
    ::unlink(tmpl.c_str());
    return Err{KeyError::WriteFailed};
  }
  return Ok{};
}

Status<KeyError> write_link(const std::filesystem::path& dir, std::string_view link_name,
                            std::string_view target_name) {
  if (link_name.empty() || target_name.empty() ||
      link_name.find('/') != std::string_view::npos ||
      target_name.find('/') != std::string_view::npos)
    return Err{KeyError::BadFileName};
  // Make the new link under a temporary name and rename it over the old
  // one: the name never disappears, unlike ntp-keygen's unlink + symlink.
  std::random_device rd;
  for (int attempt = 0; attempt < 8; ++attempt) {
    const auto tmp = dir / ("." + std::string(link_name) + ".tmp" + std::to_string(rd()));
    if (::symlink(std::string(target_name).c_str(), tmp.c_str()) != 0) {
      if (errno == EEXIST) continue;
      return Err{KeyError::WriteFailed};
    }
    if (::rename(tmp.c_str(), (dir / std::string(link_name)).c_str()) != 0) {
      ::unlink(tmp.c_str());
      return Err{KeyError::WriteFailed};
    }
    return Ok{};
  }
  return Err{KeyError::WriteFailed};
}

}  // namespace ak::keys
