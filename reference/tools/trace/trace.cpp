#include "trace/trace.h"

#include <botan/auto_rng.h>
#include <botan/rsa.h>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <set>
#include <variant>

#include "crypto/cookie.h"
#include "crypto/digest.h"
#include "crypto/errors.h"
#include "crypto/gq.h"
#include "crypto/identity_errors.h"
#include "crypto/iff.h"
#include "crypto/key_list.h"
#include "crypto/mac.h"
#include "crypto/mv.h"
#include "crypto/session_key.h"
#include "crypto/signature.h"
#include "keys/errors.h"
#include "keys/file_name.h"
#include "keys/identity.h"
#include "keys/key_file.h"
#include "keys/private_key.h"
#include "wire/datagram.h"
#include "wire/messages/message.h"
#include "wire/packet.h"

namespace ak::trace {

TraceKeys::TraceKeys() = default;
TraceKeys::~TraceKeys() = default;
TraceKeys::TraceKeys(TraceKeys&&) noexcept = default;
TraceKeys& TraceKeys::operator=(TraceKeys&&) noexcept = default;

KeySource parse_key_source(const std::string& arg) {
  const auto colon = arg.rfind(':');
  if (colon == std::string::npos) return {arg, ""};
  return {arg.substr(0, colon), arg.substr(colon + 1)};
}

namespace {

std::string hex32(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

std::string endpoint(const capture::Datagram& d, bool source) {
  const auto& a = source ? d.src : d.dst;
  const auto port = source ? d.src_port : d.dst_port;
  return (a.is_v6() ? "[" + a.to_string() + "]" : a.to_string()) + ":" + std::to_string(port);
}

}  // namespace

TraceKeys load_trace_keys(const std::vector<KeySource>& sources) {
  TraceKeys k;
  for (const auto& src : sources) {
    std::error_code ec;
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(src.dir, ec))
      if (e.is_regular_file()) files.push_back(e.path());
    if (ec) {
      k.errors.push_back(src.dir.string() + ": " + ec.message());
      continue;
    }
    std::sort(files.begin(), files.end());
    for (const auto& path : files) {
      // Only the dated files: the generic names are links to them.
      const auto name = keys::parse_key_file_name(path.filename().string());
      if (!name) continue;
      auto kf = keys::read_key_file(path);
      const std::string fname = path.filename().string();
      auto fail = [&](const char* why) { k.errors.push_back(fname + ": " + why); };
      if (!kf) {
        fail(keys::message(kf.error()));
        continue;
      }
      switch (name->type) {
        case keys::FileType::RsaHost: {
          auto key = keys::load_host_key(*kf, src.password);
          if (!key) {
            fail(keys::message(key.error()));
            break;
          }
          k.host_keys.push_back({std::shared_ptr<Botan::RSA_PrivateKey>(std::move(key).value()), kf->filestamp, fname});
          k.notes.push_back("loaded " + fname + " (RSA host key)");
          break;
        }
        case keys::FileType::Certificate: {
          auto cf = keys::load_certificate(*kf);
          if (!cf) {
            fail(keys::message(cf.error()));
            break;
          }
          auto cert = crypto::parse_certificate(cf->der);
          if (!cert) {
            fail(crypto::message(cert.error()));
            break;
          }
          k.certificates.push_back(std::move(cert).value());
          k.notes.push_back("loaded " + fname + " (certificate " + k.certificates.back().subject + ")");
          break;
        }
        case keys::FileType::IffKey:
        case keys::FileType::IffKeyExport:
        case keys::FileType::IffPar: {
          // Parameter files are not encrypted; ntpd reads them without a password.
          const bool par = name->type == keys::FileType::IffPar;
          auto p = keys::load_iff(*kf, par ? "" : src.password);
          if (!p) {
            fail(keys::message(p.error()));
            break;
          }
          k.iff.push_back({std::move(p).value(), kf->filestamp, fname});
          k.notes.push_back("loaded " + fname + " (IFF parameters)");
          break;
        }
        case keys::FileType::GqKey:
        case keys::FileType::GqKeyExport:
        case keys::FileType::GqPar: {
          const bool par = name->type == keys::FileType::GqPar;
          auto p = keys::load_gq(*kf, par ? "" : src.password);
          if (!p) {
            fail(keys::message(p.error()));
            break;
          }
          k.gq.push_back({std::move(p).value(), kf->filestamp, fname});
          k.notes.push_back("loaded " + fname + " (GQ parameters)");
          break;
        }
        case keys::FileType::MvKeyExport:
        case keys::FileType::MvPar: {
          const bool par = name->type == keys::FileType::MvPar;
          auto p = keys::load_mv(*kf, par ? "" : src.password);
          if (!p) {
            fail(keys::message(p.error()));
            break;
          }
          k.mv.push_back({std::move(p).value(), kf->filestamp, fname});
          k.notes.push_back("loaded " + fname + " (MV parameters)");
          break;
        }
        default:
          break;
      }
    }
  }
  return k;
}

namespace {

std::string summarize(const wire::ParsedDatagram& pd) {
  if (const auto* p = std::get_if<wire::Packet>(&pd)) return wire::summary(*p);
  if (const auto* c = std::get_if<wire::ControlMessage>(&pd)) {
    return std::string("control ") + wire::control_opcode_name(c->opcode) + (c->response ? "-R" : "") +
           (c->error ? "-E" : "") + " assoc " + std::to_string(c->assoc_id) + " seq " +
           std::to_string(c->sequence) + " count " + std::to_string(c->data.size()) +
           (c->mac ? " key " + std::to_string(c->mac->key_id) : "");
  }
  return "private (mode 7)";
}

PacketReport frame_header(const capture::Frame& f, double t0) {
  PacketReport pr;
  pr.number = f.number;
  if (f.datagram) {
    const auto& d = *f.datagram;
    pr.time = static_cast<double>(d.time_sec) + static_cast<double>(d.time_usec) / 1e6 - t0;
    pr.src = endpoint(d, true);
    pr.dst = endpoint(d, false);
  }
  return pr;
}

double first_time(const capture::Capture& cap) {
  for (const auto& f : cap.frames)
    if (f.datagram) return static_cast<double>(f.datagram->time_sec) + static_cast<double>(f.datagram->time_usec) / 1e6;
  return 0;
}

// Orders a pair of addresses so both directions of a symmetric association
// share one key.
std::string addr_key(const wire::Address& a) { return a.to_string(); }

// The verifier's memory of the capture so far.
class Verifier {
 public:
  explicit Verifier(const TraceKeys& keys) : keys_(keys) {
    for (const auto& c : keys.certificates) certs_.push_back(c);
  }

  void packet(const capture::Datagram& d, const wire::Packet& p, PacketReport& pr) {
    const auto mode = static_cast<wire::Mode>(p.header.mode);
    std::vector<wire::Message> messages;
    for (const auto& ef : p.fields) {
      auto m = wire::decode(ef);
      if (!m) {
        pr.checks.push_back({CheckKind::Parse, false,
                             "extension field " + wire::summary(ef) + ": " + std::string(wire::message(m.error()))});
        continue;
      }
      messages.push_back(std::move(m).value());
    }
    for (const auto& m : messages) message(d, mode, m, pr);
    mac(d, p, mode, pr);
  }

 private:
  struct Association {
    std::optional<std::uint32_t> cookie;
    std::shared_ptr<Botan::RSA_PrivateKey> cook_requester_key;  // from the COOK request
    std::optional<wire::IdentityRequest> challenge;              // outstanding identity request
    std::optional<crypto::Certificate> sign_request;             // the certificate sent for signing
  };
  struct Autokey {
    std::uint32_t key = 0, seq = 0, last = 0;
  };

  // Client/server pairs are keyed (client, server); symmetric peers and
  // broadcast by the ordered pair.
  std::string pair_key(const capture::Datagram& d, wire::Mode mode) const {
    if (mode == wire::Mode::Server) return addr_key(d.dst) + "|" + addr_key(d.src);
    if (mode == wire::Mode::Client) return addr_key(d.src) + "|" + addr_key(d.dst);
    const auto a = addr_key(d.src), b = addr_key(d.dst);
    return a < b ? a + "|" + b : b + "|" + a;
  }

  const crypto::Certificate* cert_for(const std::string& subject) const {
    // Prefer a self-signed certificate; any with the subject carries the same key.
    const crypto::Certificate* any = nullptr;
    for (const auto& c : certs_) {
      if (c.subject != subject) continue;
      if (c.self_signed) return &c;
      any = &c;
    }
    return any;
  }

  void learn_certificate(const crypto::Certificate& c) {
    for (const auto& have : certs_)
      if (have.der == c.der) return;
    certs_.push_back(c);
  }

  // Verifies a signed value sent by `d.src` with the sender's certificate.
  void signature(const capture::Datagram& d, const std::string& label, const wire::Envelope& env,
                 wire::ByteView value, PacketReport& pr) {
    if (!env.is_signed()) return;
    const auto who = addr_key(d.src);
    const auto name = names_.find(who);
    const crypto::Certificate* cert = name == names_.end() ? nullptr : cert_for(name->second);
    if (!cert) {
      // The sender has not named itself (a broadcast server's first AUTO, a
      // broadcast client's volley without ASSOC): find the certificate whose
      // key verifies, among those the key folders and the capture gave.
      for (const auto& c : certs_) {
        if (crypto::verify_value(*c.public_key, c.signature.digest, env.timestamp, env.filestamp, value,
                                 env.signature)) {
          pr.checks.push_back({CheckKind::Signature, true,
                               label + " signature by " + c.subject + " (" + crypto::short_name(c.signature.digest) +
                                   "; sender identified by its key)"});
          return;
        }
      }
      pr.checks.push_back({CheckKind::Signature, false,
                           label + " signature: no known certificate verifies it (sender " + who +
                               " never named itself in an ASSOC)"});
      return;
    }
    // RFC 5906 §10 / digest §4: the digest is the one named by the sender's
    // status word; the certificate's own signature algorithm is the fallback.
    auto digest = cert->signature.digest;
    if (const auto sw = status_.find(who); sw != status_.end())
      if (auto dg = crypto::digest_from_nid(sw->second)) digest = *dg;
    auto ok = crypto::verify_value(*cert->public_key, digest, env.timestamp, env.filestamp, value, env.signature);
    pr.checks.push_back({CheckKind::Signature, ok.ok(),
                         label + " signature by " + cert->subject + " (" + crypto::short_name(digest) + ")" +
                             (ok.ok() ? "" : ": " + std::string(crypto::message(ok.error())))});
  }

  void message(const capture::Datagram& d, wire::Mode mode, const wire::Message& m, PacketReport& pr) {
    auto& assoc = assocs_[pair_key(d, mode)];
    const auto who = addr_key(d.src);
    std::visit(
        [&](const auto& msg) {
          using T = std::decay_t<decltype(msg)>;
          if constexpr (std::is_same_v<T, wire::AssocRequest> || std::is_same_v<T, wire::AssocResponse>) {
            names_[who] = msg.name;
            status_[who] = msg.status.signature_nid();
          } else if constexpr (std::is_same_v<T, wire::CertResponse>) {
            auto cert = crypto::parse_certificate(msg.certificate);
            pr.checks.push_back({CheckKind::Certificate, cert.ok(),
                                 cert.ok() ? "CERT-R carries " + cert->subject + " issued by " + cert->issuer
                                           : "CERT-R certificate: " + std::string(crypto::message(cert.error()))});
            if (cert) learn_certificate(*cert);
            signature(d, "CERT-R", msg.env, msg.certificate, pr);
          } else if constexpr (std::is_same_v<T, wire::CookRequest>) {
            signature(d, "COOK", msg.env, msg.public_key, pr);
            assoc.cook_requester_key = nullptr;
            for (const auto& hk : keys_.host_keys) {
              auto der = crypto::encode_rsa_public_key(*hk.value);
              if (der && *der == msg.public_key) assoc.cook_requester_key = hk.value;
            }
            if (!assoc.cook_requester_key)
              pr.notes.push_back("COOK request from a host key not among the --keys folders");
          } else if constexpr (std::is_same_v<T, wire::CookResponse>) {
            signature(d, "COOK-R", msg.env, msg.ciphertext, pr);
            if (!assoc.cook_requester_key) {
              pr.checks.push_back({CheckKind::Cookie, false,
                                   "COOK-R: the requester's host key is not available to decrypt the cookie"});
              return;
            }
            auto cookie = crypto::decrypt_cookie(msg.ciphertext, *assoc.cook_requester_key, rng_);
            if (!cookie) {
              pr.checks.push_back(
                  {CheckKind::Cookie, false, "COOK-R cookie: " + std::string(crypto::message(cookie.error()))});
              return;
            }
            assoc.cookie = *cookie;
            pr.checks.push_back({CheckKind::Cookie, true, "COOK-R cookie " + hex32(*cookie) + " decrypted"});
            // digest §6.5: ntpd 4.2.8p15 never sets its server seed.
            if (mode == wire::Mode::Server && *cookie == crypto::server_cookie(d.dst, d.src, 0))
              pr.notes.push_back("cookie " + hex32(*cookie) +
                                 " = MD5(client, server, 0, 0): the server seed is zero, anyone can compute it");
          } else if constexpr (std::is_same_v<T, wire::AutoResponse>) {
            signature(d, "AUTO-R", msg.env, auto_value(msg), pr);
            autokeys_[who] = Autokey{msg.key_id, msg.sequence, msg.key_id};
          } else if constexpr (std::is_same_v<T, wire::LeapResponse>) {
            signature(d, "LEAP-R", msg.env, leap_value(msg), pr);
          } else if constexpr (std::is_same_v<T, wire::SignRequest>) {
            signature(d, "SIGN", msg.env, msg.certificate, pr);
            auto cert = crypto::parse_certificate(msg.certificate);
            if (cert) assoc.sign_request = std::move(cert).value();
          } else if constexpr (std::is_same_v<T, wire::SignResponse>) {
            signature(d, "SIGN-R", msg.env, msg.certificate, pr);
            issued_certificate(d, assoc, msg, pr);
          } else if constexpr (std::is_same_v<T, wire::IdentityRequest>) {
            signature(d, scheme_name(msg.scheme), msg.env, msg.challenge, pr);
            assoc.challenge = msg;
          } else if constexpr (std::is_same_v<T, wire::IdentityResponse>) {
            signature(d, scheme_name(msg.scheme) + "-R", msg.env, msg.response, pr);
            identity(assoc, msg, pr);
          } else if constexpr (std::is_same_v<T, wire::ErrorResponse>) {
            pr.notes.push_back("error response " + wire::describe(wire::Message{msg}));
          }
        },
        m);
  }

  static std::string scheme_name(wire::IdentityScheme s) {
    return std::string(wire::name(static_cast<wire::Opcode>(s)));
  }
  static wire::Bytes auto_value(const wire::AutoResponse& a) {
    wire::Writer w;
    w.u32(a.key_id).u32(a.sequence);
    return w.take();
  }
  static wire::Bytes leap_value(const wire::LeapResponse& l) {
    wire::Writer w;
    w.u32(l.tai_offset).u32(l.era_start).u32(l.expiry);
    return w.take();
  }

  // RFC 5906 §10.6 / digest §8.6: the certificate a server issues must be
  // signed by the server, carry the requester's subject and public key.
  void issued_certificate(const capture::Datagram& d, Association& assoc, const wire::SignResponse& msg,
                          PacketReport& pr) {
    auto cert = crypto::parse_certificate(msg.certificate);
    if (!cert) {
      pr.checks.push_back({CheckKind::Certificate, false,
                           "SIGN-R certificate: " + std::string(crypto::message(cert.error()))});
      return;
    }
    const auto name = names_.find(addr_key(d.src));
    const crypto::Certificate* issuer = name == names_.end() ? nullptr : cert_for(name->second);
    std::string problem;
    if (!issuer)
      problem = "no certificate known for the issuer";
    else if (!crypto::verify_issued_by(*cert, *issuer))
      problem = "not signed by " + issuer->subject;
    else if (cert->issuer != issuer->subject)
      problem = "issuer name " + cert->issuer + " is not the server's " + issuer->subject;
    else if (assoc.sign_request && cert->subject != assoc.sign_request->subject)
      problem = "subject " + cert->subject + " differs from the request's " + assoc.sign_request->subject;
    else if (assoc.sign_request && cert->public_key_info != assoc.sign_request->public_key_info)
      problem = "public key differs from the request's";
    pr.checks.push_back({CheckKind::Certificate, problem.empty(),
                         "SIGN-R issued " + cert->subject + " by " + cert->issuer +
                             (problem.empty() ? "" : ": " + problem)});
    learn_certificate(*cert);
  }

  void identity(Association& assoc, const wire::IdentityResponse& msg, PacketReport& pr) {
    const std::string label = scheme_name(msg.scheme) + "-R proof";
    if (!assoc.challenge || assoc.challenge->scheme != msg.scheme) {
      pr.checks.push_back({CheckKind::Identity, false, label + ": no outstanding challenge in the capture"});
      return;
    }
    const auto challenge = assoc.challenge->challenge;
    assoc.challenge.reset();  // consumed whatever the result (digest §7.1)
    std::string last_error = "no " + scheme_name(msg.scheme) + " parameters in the --keys folders";
    auto report = [&](bool ok, const std::string& file) {
      pr.checks.push_back({CheckKind::Identity, ok, label + (ok ? " verified with " + file : ": " + last_error)});
    };
    switch (msg.scheme) {
      case wire::IdentityScheme::Iff:
        for (const auto& p : keys_.iff) {
          auto params = p.value;
          if (!params.v) {
            auto v = crypto::iff_public_value(params);
            if (!v) continue;
            params.v = *v;
          }
          auto st = crypto::iff_verify(params, challenge, msg.response);
          if (st) return report(true, p.file);
          last_error = crypto::message(st.error());
        }
        return report(false, "");
      case wire::IdentityScheme::Gq:
        for (const auto& p : keys_.gq) {
          auto params = p.value;
          if (!params.v) {
            // digest §7.3: the client takes v from the trusted certificate's
            // subjectKeyIdentifier.
            for (const auto& c : certs_)
              if (c.trusted && c.subject_key_id) params.v = Botan::BigInt(c.subject_key_id->data(), c.subject_key_id->size());
          }
          if (!params.v) continue;
          auto st = crypto::gq_verify(params, challenge, msg.response);
          if (st) return report(true, p.file);
          last_error = crypto::message(st.error());
          if (auto defect = crypto::gq_shows_p15_defect(params, challenge, msg.response); defect && *defect)
            last_error += " (the response matches ntpd 4.2.8p15's defective GQ arithmetic, digest §7.3)";
        }
        return report(false, "");
      case wire::IdentityScheme::Mv:
        for (const auto& p : keys_.mv) {
          auto st = crypto::mv_verify(p.value, challenge, msg.response);
          if (st) return report(true, p.file);
          last_error = crypto::message(st.error());
        }
        return report(false, "");
    }
  }

  void mac(const capture::Datagram& d, const wire::Packet& p, wire::Mode mode, PacketReport& pr) {
    if (!p.mac) {
      pr.notes.push_back("no MAC");
      return;
    }
    const auto key_id = p.mac->key_id;
    if (p.is_crypto_nak()) {
      pr.notes.push_back("crypto-NAK");
      return;
    }
    if (key_id <= 0xffff) {
      pr.notes.push_back("symmetric key ID " + std::to_string(key_id) + ": not an Autokey session key, not checked");
      return;
    }
    const auto digest = p.mac->digest.size() == 20 ? crypto::Digest::SHA1 : crypto::Digest::MD5;
    const wire::ByteView authenticated(d.payload.data(), p.authenticated_length());
    auto& assoc = assocs_[pair_key(d, mode)];
    auto try_cookie = [&](std::uint32_t cookie) {
      const auto key = crypto::session_key(d.src, d.dst, key_id, cookie, digest);
      return crypto::mac_matches(key.key, authenticated, p.mac->digest, digest);
    };
    // digest §6.4: packets with extension fields and broadcasts use cookie 0.
    std::string what = "MAC key " + hex32(key_id);
    bool ok = false;
    if (!p.fields.empty() || mode == wire::Mode::Broadcast) {
      ok = try_cookie(0);
      what += " cookie 0";
    } else if (assoc.cookie) {
      ok = try_cookie(*assoc.cookie);
      what += " cookie " + hex32(*assoc.cookie);
    } else if (mode == wire::Mode::Client || mode == wire::Mode::Server) {
      // No COOK exchange in the capture: ntpd 4.2.8p15's cookie is a
      // function of the two addresses (zero server seed), so try that.
      const auto& client = mode == wire::Mode::Client ? d.src : d.dst;
      const auto& server = mode == wire::Mode::Client ? d.dst : d.src;
      const auto zero_seed = crypto::server_cookie(client, server, 0);
      ok = try_cookie(zero_seed);
      what += " cookie " + hex32(zero_seed) + " (zero server seed; no COOK exchange seen)";
    } else {
      what += ": cookie unknown (no COOK exchange seen)";
    }
    pr.checks.push_back({CheckKind::Mac, ok, what});
    if (ok && mode == wire::Mode::Broadcast) broadcast_chain(d, key_id, pr);
  }

  // digest §6.9: a broadcast key ID must hash forward to the last accepted
  // ID or to the advertised autokey within seq steps.
  void broadcast_chain(const capture::Datagram& d, std::uint32_t key_id, PacketReport& pr) {
    auto it = autokeys_.find(addr_key(d.src));
    if (it == autokeys_.end()) return;
    auto& a = it->second;
    const std::uint32_t targets[] = {a.last, a.key};
    auto n = crypto::key_id_chain_length(d.src, d.dst, key_id, 0, targets, a.seq + 2);
    pr.checks.push_back({CheckKind::Chain, n.has_value(),
                         "key ID " + hex32(key_id) + (n ? " hashes to the previous key in " + std::to_string(*n) +
                                                             " step(s)"
                                                        : " does not chain to the advertised autokey")});
    if (n) a.last = key_id;
  }

  const TraceKeys& keys_;
  Botan::AutoSeeded_RNG rng_;
  std::vector<crypto::Certificate> certs_;
  std::map<std::string, std::string> names_;      // address -> subject from ASSOC
  std::map<std::string, std::uint32_t> status_;   // address -> signature NID from ASSOC
  std::map<std::string, Association> assocs_;
  std::map<std::string, Autokey> autokeys_;       // sender -> AUTO values
};

template <class OnPacket>
Report walk(const capture::Capture& cap, OnPacket&& on_packet) {
  Report r;
  const double t0 = first_time(cap);
  for (const auto& f : cap.frames) {
    auto pr = frame_header(f, t0);
    if (!f.datagram) {
      pr.summary = "not UDP: " + f.skipped_reason;
      r.packets.push_back(std::move(pr));
      continue;
    }
    auto parsed = wire::parse_datagram(f.datagram->payload);
    if (!parsed) {
      pr.summary = "malformed: " + std::string(wire::message(parsed.error()));
      pr.checks.push_back({CheckKind::Parse, false, std::string(wire::message(parsed.error()))});
    } else {
      pr.summary = summarize(*parsed);
      if (const auto* p = std::get_if<wire::Packet>(&*parsed)) on_packet(*f.datagram, *p, pr);
    }
    r.packets.push_back(std::move(pr));
  }
  return r;
}

}  // namespace

Report decode(const capture::Capture& cap) {
  return walk(cap, [](const capture::Datagram&, const wire::Packet&, PacketReport&) {});
}

Report verify(const capture::Capture& cap, const TraceKeys& keys) {
  Verifier v(keys);
  auto r = walk(cap, [&](const capture::Datagram& d, const wire::Packet& p, PacketReport& pr) { v.packet(d, p, pr); });
  r.notes = keys.notes;
  for (const auto& e : keys.errors) r.notes.push_back("could not load " + e);
  return r;
}

}  // namespace ak::trace
