#include "crypto/certificate.h"

#include <botan/auto_rng.h>
#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "crypto/signature.h"
#include "crypto_test_support.h"

namespace ak::crypto {
namespace {

constexpr const char* kServerCert = "iff-md5-512/server/ntpkey_RSA-MD5cert_servername.4004702989";
constexpr const char* kClientCert = "iff-md5-512/client/ntpkey_RSA-MD5cert_clientname.4004702989";
constexpr const char* kServerHostKey = "iff-md5-512/server/ntpkey_RSAhost_servername.4004702989";
constexpr const char* kClientHostKey = "iff-md5-512/client/ntpkey_RSAhost_clientname.4004702989";
constexpr std::int64_t kYear = 365 * 86400;

Certificate parse_file(const std::string& path) {
  auto c = parse_certificate(test::certificate_der(path));
  EXPECT_TRUE(c.ok()) << path << ": " << (c.ok() ? "" : message(c.error()));
  return c.ok() ? std::move(c).value() : Certificate{};
}

// Every certificate file ntp-keygen wrote (the flattened symlinks hold only
// a file name and are skipped).
std::vector<std::filesystem::path> certificate_files() {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(testing::fixture(""))) {
    const auto name = e.path().filename().string();
    if (!e.is_regular_file() || name.find("cert_") == std::string::npos) continue;
    if (testing::read_text(e.path()).find("BEGIN CERTIFICATE") == std::string::npos) continue;
    out.push_back(e.path());
  }
  return out;
}

// ---- certificates built with OpenSSL, for names ntp-keygen never writes ----

struct OpenSslCert {
  std::vector<std::pair<std::string, std::string>> subject = {{"CN", "alice"}};
  long not_before = 0, not_after = kYear;  // relative to now
  const char* eku = nullptr;               // X509V3 config text, e.g. "1.3.6.1.5.5.7.48.1.11,serverAuth"
};

wire::Bytes openssl_certificate(const OpenSslCert& spec) {
  EVP_PKEY* key = EVP_RSA_gen(1024);
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1234);
  X509_gmtime_adj(X509_getm_notBefore(x), spec.not_before);
  X509_gmtime_adj(X509_getm_notAfter(x), spec.not_after);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  for (const auto& [field, value] : spec.subject)
    X509_NAME_add_entry_by_txt(name, field.c_str(), V_ASN1_UTF8STRING,
                               reinterpret_cast<const unsigned char*>(value.data()),
                               static_cast<int>(value.size()), -1, 0);
  X509_set_issuer_name(x, name);
  if (spec.eku) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, nullptr, NID_ext_key_usage, spec.eku);
    X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
  }
  X509_sign(x, key, EVP_sha256());
  unsigned char* der = nullptr;
  const int len = i2d_X509(x, &der);
  wire::Bytes out(der, der + len);
  OPENSSL_free(der);
  X509_free(x);
  EVP_PKEY_free(key);
  return out;
}

bool openssl_accepts(const wire::Bytes& der, const Certificate& issuer) {
  const unsigned char* p = der.data();
  X509* x = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  const unsigned char* q = issuer.der.data();
  X509* i = d2i_X509(nullptr, &q, static_cast<long>(issuer.der.size()));
  const bool ok = x && i && p == der.data() + der.size() && X509_verify(x, X509_get0_pubkey(i)) == 1;
  if (!ok) ERR_print_errors_fp(stderr);
  X509_free(x);
  X509_free(i);
  return ok;
}

// ---- the fixture certificates ----

TEST(Certificate, ParsesEveryCertificateFileOfTheFixtures) {
  const auto files = certificate_files();
  EXPECT_EQ(files.size(), 10u);
  for (const auto& f : files) {
    const auto rel = std::filesystem::relative(f, testing::fixture("")).string();
    const Certificate c = parse_file(rel);
    // The filestamp is the decimal suffix of the file name (digest §8.7).
    const auto fs = static_cast<std::uint32_t>(std::stoul(rel.substr(rel.rfind('.') + 1)));
    EXPECT_EQ(c.version, 3u) << rel;
    EXPECT_TRUE(c.self_signed) << rel;
    EXPECT_EQ(c.subject, c.issuer) << rel;
    EXPECT_EQ(c.serial_u64, std::optional<std::uint64_t>(fs)) << rel;
    EXPECT_EQ(c.not_before_ntp(), fs) << rel;
    EXPECT_EQ(c.not_after - c.not_before, kYear) << rel;
    EXPECT_TRUE(check_filestamp(c, fs).ok()) << rel;
    EXPECT_FALSE(check_filestamp(c, fs + 1).ok()) << rel;
    // trustRoot only on servers' and symmetric peers' certificates.
    const bool server_side = rel.find("/client/") == std::string::npos;
    EXPECT_EQ(c.trusted, server_side) << rel;
    EXPECT_FALSE(c.private_cert) << rel;
    EXPECT_TRUE(c.signature.nid == nid::kMd5WithRsa || c.signature.nid == nid::kSha1WithRsa) << rel;
    EXPECT_TRUE(verify_issued_by(c, c)) << rel;
  }
}

TEST(Certificate, IffServerCertificateHasTheFieldsNtpKeygenWrote) {
  const Certificate c = parse_file(kServerCert);
  EXPECT_EQ(c.subject, "servername@servername");
  EXPECT_EQ(name_host(c.subject), "servername");
  EXPECT_EQ(name_group(c.subject), "servername");
  EXPECT_EQ(c.serial_u64, 4004702989u);
  EXPECT_EQ(c.signature.digest, Digest::MD5);
  EXPECT_EQ(c.signature.nid, 8u);
  EXPECT_EQ(c.signature.key, SignatureKeyType::RSA);
  EXPECT_TRUE(c.trusted);
  EXPECT_FALSE(c.subject_key_id.has_value());
  EXPECT_EQ(signature_size(*c.public_key), 64u);
  const Certificate client = parse_file(kClientCert);
  EXPECT_EQ(client.subject, "clientname@servername");
  EXPECT_FALSE(client.trusted);
}

TEST(Certificate, GqServerCertificateCarriesTheGqKeyInItsSubjectKeyIdentifier) {
  const Certificate c = parse_file("gq-sha1-1024/server/ntpkey_RSA-SHA1cert_servername.4004702991");
  EXPECT_EQ(c.signature.digest, Digest::SHA1);
  EXPECT_EQ(c.signature.nid, 65u);
  ASSERT_TRUE(c.subject_key_id.has_value());
  EXPECT_EQ(c.subject_key_id->size(), 64u);
  EXPECT_EQ(wire::to_hex(wire::ByteView(*c.subject_key_id).first(4)), "6ec66049");
  EXPECT_FALSE(parse_file("gq-sha1-1024/client/ntpkey_RSA-SHA1cert_clientname.4004702991").subject_key_id);
}

TEST(Certificate, CertResponseCarriesTheServerCertificateFile) {
  const auto ps = test::packets("iff-md5-512");
  const auto& ef = test::frame(ps, 4).efs.at(0);
  EXPECT_EQ(wire::Bytes(ef.value().begin(), ef.value().end()), test::certificate_der(kServerCert));
  const auto c = parse_certificate(ef.value());
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(check_filestamp(*c, ef.filestamp()).ok());
}

TEST(Certificate, RebuildingTheFixtureCertificatesGivesIdenticalDer) {
  Botan::AutoSeeded_RNG rng;
  struct Case {
    const char* cert;
    const char* key;
    const char* password;
  };
  for (const auto& k :
       {Case{kServerCert, kServerHostKey, "server_password"},
        Case{kClientCert, kClientHostKey, "client_password"},
        Case{"gq-sha1-1024/server/ntpkey_RSA-SHA1cert_servername.4004702991",
             "gq-sha1-1024/server/ntpkey_RSAhost_servername.4004702991", "server_password"}}) {
    const Certificate original = parse_file(k.cert);
    const auto key = test::load_private_key(k.key, k.password);
    CertificateFields f;
    f.subject = original.subject;
    f.issuer = original.issuer;
    f.serial = *original.serial_u64;
    f.not_before = original.not_before;
    f.not_after = original.not_after;
    f.digest = original.signature.digest;
    f.trusted = original.trusted;
    f.subject_key_id = original.subject_key_id;
    const auto rebuilt = make_certificate(f, *key, *key, rng);
    ASSERT_TRUE(rebuilt.ok()) << k.cert << ": " << message(rebuilt.error());
    EXPECT_EQ(wire::to_hex(rebuilt->der), wire::to_hex(original.der)) << k.cert;
    EXPECT_TRUE(same_certificate(*rebuilt, original)) << k.cert;
  }
}

TEST(Certificate, SignIssuedCertificateVerifiesWithTheServerKeyOnly) {
  // iff-md5-512 packet 16: the certificate the server issued for the client.
  const auto ps = test::packets("iff-md5-512");
  const auto& resp = test::frame(ps, 16).efs.at(0);
  const auto issued = parse_certificate(resp.value());
  ASSERT_TRUE(issued.ok()) << message(issued.error());
  const Certificate server = parse_file(kServerCert);
  const Certificate client = parse_file(kClientCert);
  EXPECT_FALSE(issued->self_signed);
  EXPECT_EQ(issued->subject, "clientname@servername");
  EXPECT_EQ(issued->issuer, "servername@servername");
  EXPECT_EQ(issued->serial_u64, resp.timestamp());
  EXPECT_EQ(issued->not_before_ntp(), resp.timestamp());
  EXPECT_EQ(issued->not_after - issued->not_before, kSignedCertificateLifetime);
  EXPECT_EQ(issued->public_key_info, client.public_key_info);
  EXPECT_TRUE(verify_issued_by(*issued, server));
  EXPECT_FALSE(verify_issued_by(*issued, client));
  EXPECT_TRUE(validity_nested(*issued, server));
  EXPECT_TRUE(check_filestamp(*issued, resp.filestamp()).ok());
}

TEST(Certificate, SigningTheCapturedRequestReproducesTheServersCertificate) {
  // Packet 15 (SIGN request: the client's self-signed certificate) -> packet 16.
  const auto ps = test::packets("iff-md5-512");
  const auto request = parse_certificate(test::frame(ps, 15).efs.at(0).value());
  ASSERT_TRUE(request.ok());
  const auto& resp = test::frame(ps, 16).efs.at(0);
  const auto server_key = test::load_private_key(kServerHostKey, "server_password");
  Botan::AutoSeeded_RNG rng;
  const auto issued = sign_certificate(*request, *server_key, Digest::MD5, "servername@servername",
                                       resp.timestamp(), unix_from_ntp_seconds(resp.timestamp()), rng);
  ASSERT_TRUE(issued.ok()) << message(issued.error());
  EXPECT_EQ(wire::to_hex(issued->der), wire::to_hex(wire::Bytes(resp.value().begin(), resp.value().end())));
}

TEST(Certificate, SigningCopiesEveryExtensionIncludingTrustRoot) {
  Botan::AutoSeeded_RNG rng;
  const auto server_key = test::load_private_key(kServerHostKey, "server_password");
  const Certificate server = parse_file(kServerCert);
  const Certificate gq = parse_file("gq-sha1-1024/server/ntpkey_RSA-SHA1cert_servername.4004702991");
  // Another issuer name: with the server's own name (the same as the GQ
  // server's) the result would be "self-signed" by name and fail to verify.
  const auto issued =
      sign_certificate(gq, *server_key, Digest::SHA256, "bob@blue", 77, gq.not_before + 10, rng);
  ASSERT_TRUE(issued.ok()) << message(issued.error());
  EXPECT_TRUE(issued->trusted);
  EXPECT_EQ(issued->issuer, "bob@blue");
  EXPECT_EQ(issued->subject_key_id, gq.subject_key_id);
  EXPECT_EQ(issued->signature.nid, nid::kSha256WithRsa);
  EXPECT_EQ(issued->serial_u64, 77u);
  EXPECT_TRUE(verify_issued_by(*issued, server));
  EXPECT_TRUE(openssl_accepts(issued->der, server));
  const auto same_name =
      sign_certificate(gq, *server_key, Digest::SHA256, server.subject, 77, gq.not_before, rng);
  EXPECT_EQ(same_name.error(), CryptoError::CertSelfSignatureInvalid);
}

TEST(Certificate, MadeCertificatesAreAcceptedByOpenSsl) {
  Botan::AutoSeeded_RNG rng;
  const auto key = test::make_rsa_key(rng, 1024);
  CertificateFields f;
  f.subject = f.issuer = "alice@blue";
  f.serial = 4004702989u;
  f.not_before = 1700000000;
  f.not_after = f.not_before + kYear;
  f.digest = Digest::SHA256;
  f.private_cert = true;
  const auto c = make_certificate(f, *key, *key, rng);
  ASSERT_TRUE(c.ok()) << message(c.error());
  EXPECT_TRUE(c->private_cert);
  EXPECT_FALSE(c->trusted);
  EXPECT_TRUE(openssl_accepts(c->der, *c));
}

TEST(Certificate, MakeRefusesBadNamesAndConflictingUsages) {
  Botan::AutoSeeded_RNG rng;
  const auto key = test::load_private_key(kServerHostKey, "server_password");
  CertificateFields f;
  f.subject = f.issuer = "a b";
  EXPECT_EQ(make_certificate(f, *key, *key, rng).error(), CryptoError::CertNameNotHostOrHostAtGroup);
  f.subject = f.issuer = "alice";
  f.trusted = f.private_cert = true;
  EXPECT_EQ(make_certificate(f, *key, *key, rng).error(), CryptoError::CertEncodeFailed);
  // A self-signed certificate whose key is not the signer's does not parse.
  f.private_cert = false;
  const auto other = test::load_private_key(kClientHostKey, "client_password");
  EXPECT_EQ(make_certificate(f, *other, *key, rng).error(), CryptoError::CertSelfSignatureInvalid);
}

// ---- names (security-history NEW-6) ----

TEST(CertificateNames, HostOrHostAtGroupOnly) {
  EXPECT_TRUE(valid_name("servername"));
  EXPECT_TRUE(valid_name("servername@servername"));
  for (const char* bad : {"", "a b", "@g", "h@", "a@b@c", "tab\there", "\xc3\xa9t\xc3\xa9"})
    EXPECT_FALSE(valid_name(bad)) << bad;
  EXPECT_TRUE(valid_name(std::string(255, 'a')));
  EXPECT_FALSE(valid_name(std::string(256, 'a')));
}

TEST(CertificateNames, NameWithoutCommonNameIsRejected) {
  const auto der = openssl_certificate({{{"O", "xCN=evil"}}});
  EXPECT_EQ(parse_certificate(der).error(), CryptoError::CertNoCommonName);
}

TEST(CertificateNames, NameWithTwoCommonNamesIsRejected) {
  const auto der = openssl_certificate({{{"CN", "alice"}, {"CN", "bob"}}});
  EXPECT_EQ(parse_certificate(der).error(), CryptoError::CertMultipleCommonNames);
}

TEST(CertificateNames, NameWithAnotherAttributeIsRejected) {
  const auto der = openssl_certificate({{{"O", "org"}, {"CN", "alice"}}});
  EXPECT_EQ(parse_certificate(der).error(), CryptoError::CertNameNotCnOnly);
}

TEST(CertificateNames, OverlongOrMalformedCommonNameIsRejected) {
  EXPECT_EQ(parse_certificate(openssl_certificate({{{"CN", std::string(300, 'a')}}})).error(),
            CryptoError::CertNameNotHostOrHostAtGroup);
  EXPECT_EQ(parse_certificate(openssl_certificate({{{"CN", "a@b@c"}}})).error(),
            CryptoError::CertNameNotHostOrHostAtGroup);
}

TEST(CertificateNames, OpenSslBuiltCertificateWithAPlainNameParses) {
  const auto c = parse_certificate(openssl_certificate({}));
  ASSERT_TRUE(c.ok()) << message(c.error());
  EXPECT_EQ(c->subject, "alice");
  EXPECT_EQ(c->signature.nid, nid::kSha256WithRsa);
}

// ---- other rejections ----

TEST(CertificateRejects, TrustRootAmongOtherUsagesIsNotTrusted) {
  const auto c = parse_certificate(
      openssl_certificate({{{"CN", "alice"}}, 0, kYear, "1.3.6.1.5.5.7.48.1.11,serverAuth"}));
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->trusted);
  const auto t =
      parse_certificate(openssl_certificate({{{"CN", "alice"}}, 0, kYear, "1.3.6.1.5.5.7.48.1.11"}));
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->trusted);
}

TEST(CertificateRejects, NotBeforeAfterNotAfter) {
  EXPECT_EQ(parse_certificate(openssl_certificate({{{"CN", "alice"}}, kYear, 0})).error(),
            CryptoError::CertBadValidity);
}

TEST(CertificateRejects, SelfSignatureThatDoesNotVerify) {
  auto der = test::certificate_der(kServerCert);
  der.back() ^= 0x01;
  EXPECT_EQ(parse_certificate(der).error(), CryptoError::CertSelfSignatureInvalid);
}

TEST(CertificateRejects, AnythingButOneDerCertificate) {
  const auto der = test::certificate_der(kServerCert);
  auto longer = der;
  longer.push_back(0);
  EXPECT_EQ(parse_certificate(longer).error(), CryptoError::CertNotDer);
  EXPECT_EQ(parse_certificate(wire::ByteView(der).first(der.size() - 1)).error(), CryptoError::CertNotDer);
  EXPECT_EQ(parse_certificate({}).error(), CryptoError::CertNotDer);
  const auto pem = testing::read_bytes(testing::fixture(kServerCert));
  EXPECT_EQ(parse_certificate(pem).error(), CryptoError::CertNotDer);
  // The outer length in long form where a shorter form fits: BER, not DER.
  ASSERT_EQ(der[1], 0x82);
  wire::Bytes ber = {0x30, 0x83, 0x00, der[2], der[3]};
  ber.insert(ber.end(), der.begin() + 4, der.end());
  EXPECT_EQ(parse_certificate(ber).error(), CryptoError::CertNotDer);
}

TEST(CertificateRejects, ExpiryIsCheckedOnlyWhenAsked) {
  const Certificate c = parse_file(kServerCert);
  EXPECT_TRUE(check_valid_at(c, c.not_before).ok());
  EXPECT_TRUE(check_valid_at(c, c.not_after).ok());
  EXPECT_EQ(check_valid_at(c, c.not_before - 1).error(), CryptoError::CertNotYetValid);
  EXPECT_EQ(check_valid_at(c, c.not_after + 1).error(), CryptoError::CertExpired);
  EXPECT_EQ(xevnt_code(CryptoError::CertExpired), xevnt::kPer);
}

}  // namespace
}  // namespace ak::crypto
