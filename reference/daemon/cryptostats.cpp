#include "daemon/cryptostats.h"

#include <cstdio>
#include <sstream>

#include <botan/bigint.h>

#include "wire/flags.h"

namespace ak::daemon {

namespace {

// ntpd's certificate flags (operator-surface §4.4): VALID for a certificate
// installed from the network, TRUST for a trusted root.
constexpr std::uint32_t kCertTrust = 0x01;
constexpr std::uint32_t kCertValid = 0x04;

std::string cert_line(const char* what, const crypto::Certificate& c, std::uint32_t flags, std::uint32_t filestamp) {
  char buf[64];
  std::snprintf(buf, sizeof buf, " 0x%x ", flags);
  return std::string(what) + " " + c.subject + " " + c.issuer + buf +
         wire::signature_nid_name(static_cast<std::uint16_t>(c.signature.nid)) + " (" + std::to_string(c.signature.nid) +
         ") fs " + std::to_string(filestamp);
}

std::string first_word(const std::string& text) { return text.substr(0, text.find(' ')); }

}  // namespace

unsigned dsa_mod_bits(const Botan::BigInt& q) {
  // EVP_PKEY_size of a DSA key is the largest DER signature: two INTEGERs of
  // q's size (+1 sign octet, +2 header each) in a SEQUENCE (+2).
  const unsigned qbytes = static_cast<unsigned>((q.bits() + 7) / 8);
  return (2 * (qbytes + 3) + 2) * 8;
}

std::vector<std::string> cryptostats_lines(const core::CryptoEvent& event, const core::Association* a,
                                           const core::Host& host) {
  const std::string word = first_word(event.text);
  if (!a) return {event.text};

  if (word == "cert" && a->trusted_root && a->trail.size() == a->trail_filestamps.size()) {
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < a->trail.size(); ++i) {
      const auto& c = a->trail[i];
      lines.push_back(cert_line("cert", c, kCertValid | (c.trusted ? kCertTrust : 0u), a->trail_filestamps[i]));
    }
    return lines;
  }

  if ((word == "IFF" || word == "GQ" || word == "MV" || word == "iff" || word == "gq" || word == "mv") &&
      a->trusted_root) {
    // The identity response's filestamp equals the client parameters' (IFF
    // and MV require it; RFC 5906 §6.5 identity schemes), so it is known here.
    // ntpd opens the client parameter file at this step and logs it first
    // ("ntpkey_iffpar_servername.4004702989 mod 384").
    std::optional<std::uint32_t> fs;
    std::string scheme, file;
    if (a->config.scheme == core::Scheme::Iff && host.iff_par()) {
      fs = host.iff_par()->filestamp;
      scheme = "iff";
      file = host.iff_par()->file_name + " mod " + std::to_string(dsa_mod_bits(host.iff_par()->value.q));
    }
    if (a->config.scheme == core::Scheme::Gq && host.gq_par()) {
      fs = host.gq_par()->filestamp;
      scheme = "gq";
      file = host.gq_par()->file_name + " mod " + std::to_string(host.gq_par()->value.n.bytes() * 8);
    }
    if (a->config.scheme == core::Scheme::Mv && host.mv_par()) {
      fs = host.mv_par()->filestamp;
      scheme = "mv";
      file = host.mv_par()->file_name + " mod " + std::to_string(dsa_mod_bits(host.mv_par()->value.q));
    }
    if (fs) return {file, scheme + " " + a->trusted_root->subject + " fs " + std::to_string(*fs)};
  }

  if (word == "cook") {
    // The engine's text carries the response's "ts N fs M".
    std::istringstream in(event.text);
    std::string w, ts_word, fs_word;
    unsigned long ts = 0, fs = 0;
    if (in >> w >> ts_word >> ts >> fs_word >> fs && ts_word == "ts" && fs_word == "fs") {
      char buf[96];
      std::snprintf(buf, sizeof buf, "cook %x ts %lu fs %lu", a->pcookie, ts, fs);
      return {buf};
    }
  }

  if (word == "sign") {
    for (const auto& c : host.certificates())
      if (!c.own && c.cert.subject == host.name() && c.cert.issuer != c.cert.subject)
        return {cert_line("sign", c.cert, kCertValid, c.filestamp)};
  }
  return {event.text};
}

}  // namespace ak::daemon
