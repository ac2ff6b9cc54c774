// Crypto layer properties: IFF, GQ and MV are complete (an honest prover
// always verifies) and sound against random and mismatched responses;
// session keys and key lists are deterministic and chain as RFC 5906 §5
// says. The crypto layer is the reference's, not the model's: these tests
// may include it (only model/ may not).
#include <botan/bigint.h>
#include <botan/chacha_rng.h>
#include <botan/der_enc.h>
#include <botan/numthry.h>
#include <botan/rsa.h>
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <array>

#include "crypto/cookie.h"
#include "crypto/gq.h"
#include "crypto/group_gen.h"
#include "crypto/iff.h"
#include "crypto/key_list.h"
#include "crypto/mv.h"
#include "crypto/session_key.h"
#include "crypto/signature.h"
#include "generators.h"
#include "property.h"

namespace ak {
namespace {

using wire::Bytes;
using wire::ByteView;

// A deterministic RNG from a generated seed, so a counterexample replays.
Botan::ChaCha_RNG seeded_rng() {
  const auto seed = *rc::gen::container<std::vector<std::uint8_t>>(32, rc::gen::arbitrary<std::uint8_t>());
  return Botan::ChaCha_RNG(Botan::secure_vector<std::uint8_t>(seed.begin(), seed.end()));
}

Botan::ChaCha_RNG fixed_rng(std::uint8_t tag) {
  return Botan::ChaCha_RNG(Botan::secure_vector<std::uint8_t>(32, tag));
}

// A 512-bit RSA host key like ntp-keygen's default, once per process
// (Botan refuses RSA_PrivateKey(rng, 512): deps-probe §3.2).
const Botan::RSA_PrivateKey& host_key() {
  static const Botan::RSA_PrivateKey key = [] {
    auto rng = fixed_rng(11);
    const Botan::BigInt e(65537);
    Botan::BigInt p, q;
    do {
      p = Botan::random_prime(rng, 256, e);
      q = Botan::random_prime(rng, 256, e);
    } while (p == q || (p * q).bits() != 512);
    return Botan::RSA_PrivateKey(p, q, e);
  }();
  return key;
}

// Parameters are generated once per process (512-bit groups as ntp-keygen's
// defaults; generation is the slow part).
struct Groups {
  crypto::IffParams iff_server, iff_client;
  crypto::GqParams gq_server, gq_client;
  crypto::MvKeys mv;
  static const Groups& get() {
    static const Groups g = [] {
      Groups r;
      auto rng = fixed_rng(7);
      r.iff_server = crypto::generate_iff(rng, 512, 160);
      r.iff_client = r.iff_server;
      r.iff_client.b.reset();  // a client holds v, never b
      r.gq_server = crypto::generate_gq(rng, 512);
      r.gq_client = r.gq_server;
      r.gq_client.u.reset();
      r.mv = crypto::generate_mv(rng, 192, 2, {1});
      return r;
    }();
    return g;
  }
};

Bytes der_pair(const Botan::BigInt& a, const Botan::BigInt& b) {
  std::vector<std::uint8_t> out;
  Botan::DER_Encoder(out).start_cons(Botan::SEQUENCE).encode(a).encode(b).end_cons();
  return out;
}

Bytes der_triple(const Botan::BigInt& a, const Botan::BigInt& b, const Botan::BigInt& c) {
  std::vector<std::uint8_t> out;
  Botan::DER_Encoder(out).start_cons(Botan::SEQUENCE).encode(a).encode(b).encode(c).end_cons();
  return out;
}

Botan::BigInt below(Botan::RandomNumberGenerator& rng, const Botan::BigInt& n) {
  return Botan::BigInt::random_integer(rng, 0, n);
}

// ---- completeness --------------------------------------------------------------

AK_PROPERTY(IdentityCompleteness, HonestIffProverAlwaysVerifies, 0.1, ()) {
  const auto& g = Groups::get();
  auto rng = seeded_rng();
  const Bytes challenge = crypto::iff_challenge(rng, g.iff_client);
  const auto response = crypto::iff_respond(g.iff_server, ByteView(challenge), rng);
  RC_ASSERT(response.ok());
  RC_ASSERT(crypto::iff_verify(g.iff_client, ByteView(challenge), ByteView(*response)).ok());
}

AK_PROPERTY(IdentityCompleteness, HonestGqProverAlwaysVerifies, 0.1, ()) {
  const auto& g = Groups::get();
  auto rng = seeded_rng();
  const Bytes challenge = crypto::gq_challenge(rng, g.gq_client);
  const auto response = crypto::gq_respond(g.gq_server, ByteView(challenge), rng);
  RC_ASSERT(response.ok());
  RC_ASSERT(crypto::gq_verify(g.gq_client, ByteView(challenge), ByteView(*response)).ok());
}

AK_PROPERTY(IdentityCompleteness, HonestMvProverVerifiesForEveryClientNotRevoked, 0.1, ()) {
  const auto& g = Groups::get();
  auto rng = seeded_rng();
  const std::size_t j = *rc::gen::inRange<std::size_t>(0, g.mv.clients.size());
  const Bytes challenge = crypto::mv_challenge(rng, g.mv.clients[j]);
  const auto response = crypto::mv_respond(g.mv.server, ByteView(challenge), rng);
  RC_ASSERT(response.ok());
  const bool ok = crypto::mv_verify(g.mv.clients[j], ByteView(challenge), ByteView(*response)).ok();
  RC_ASSERT(ok == !g.mv.revoked[j]);
}

// ---- soundness -------------------------------------------------------------------

AK_PROPERTY(IdentitySoundness, IffRejectsRandomAndMismatchedResponses, 0.1, ()) {
  const auto& g = Groups::get();
  auto rng = seeded_rng();
  const Bytes challenge = crypto::iff_challenge(rng, g.iff_client);
  // A well-formed response made up without b.
  const Bytes forged = der_pair(below(rng, g.iff_server.q), below(rng, Botan::BigInt::power_of_2(128)));
  RC_ASSERT(!crypto::iff_verify(g.iff_client, ByteView(challenge), ByteView(forged)).ok());
  // Arbitrary octets.
  const Bytes junk = *prop::gen::bytes(0, 60);
  RC_ASSERT(!crypto::iff_verify(g.iff_client, ByteView(challenge), ByteView(junk)).ok());
  // An honest answer to another challenge (a replay) does not prove this one.
  const Bytes other = crypto::iff_challenge(rng, g.iff_client);
  RC_PRE(other != challenge);
  const auto response = crypto::iff_respond(g.iff_server, ByteView(other), rng);
  RC_ASSERT(response.ok());
  RC_ASSERT(!crypto::iff_verify(g.iff_client, ByteView(challenge), ByteView(*response)).ok());
}

AK_PROPERTY(IdentitySoundness, GqRejectsRandomAndMismatchedResponses, 0.1, ()) {
  const auto& g = Groups::get();
  auto rng = seeded_rng();
  const Bytes challenge = crypto::gq_challenge(rng, g.gq_client);
  const Bytes forged = der_pair(below(rng, g.gq_server.n), below(rng, Botan::BigInt::power_of_2(128)));
  RC_ASSERT(!crypto::gq_verify(g.gq_client, ByteView(challenge), ByteView(forged)).ok());
  const Bytes junk = *prop::gen::bytes(0, 80);
  RC_ASSERT(!crypto::gq_verify(g.gq_client, ByteView(challenge), ByteView(junk)).ok());
  const Bytes other = crypto::gq_challenge(rng, g.gq_client);
  RC_PRE(other != challenge);
  const auto response = crypto::gq_respond(g.gq_server, ByteView(other), rng);
  RC_ASSERT(response.ok());
  RC_ASSERT(!crypto::gq_verify(g.gq_client, ByteView(challenge), ByteView(*response)).ok());
}

AK_PROPERTY(IdentitySoundness, MvRejectsRandomAndMismatchedResponses, 0.1, ()) {
  const auto& g = Groups::get();
  auto rng = seeded_rng();
  const auto& client = g.mv.clients[0];
  const Bytes challenge = crypto::mv_challenge(rng, client);
  const auto& p = g.mv.server.p;
  const Bytes forged = der_triple(below(rng, p), below(rng, p), below(rng, p));
  RC_ASSERT(!crypto::mv_verify(client, ByteView(challenge), ByteView(forged)).ok());
  // The degenerate answer a = c = 1, y = r must not pass (security-history §2.3).
  const Bytes degenerate = der_triple(Botan::BigInt(challenge.data(), challenge.size()), 1, 1);
  RC_ASSERT(!crypto::mv_verify(client, ByteView(challenge), ByteView(degenerate)).ok());
  const Bytes other = crypto::mv_challenge(rng, client);
  RC_PRE(other != challenge);
  const auto response = crypto::mv_respond(g.mv.server, ByteView(other), rng);
  RC_ASSERT(response.ok());
  RC_ASSERT(!crypto::mv_verify(client, ByteView(challenge), ByteView(*response)).ok());
}

// ---- session keys and key lists (RFC 5906 §5) -----------------------------------

rc::Gen<wire::Address> address() {
  return rc::gen::oneOf(
      rc::gen::map(rc::gen::arbitrary<std::array<std::uint8_t, 4>>(), &wire::Address::v4),
      rc::gen::map(rc::gen::arbitrary<std::array<std::uint8_t, 16>>(), &wire::Address::v6));
}

rc::Gen<crypto::Digest> digest() {
  return rc::gen::element(crypto::Digest::MD5, crypto::Digest::SHA1, crypto::Digest::SHA256);
}

}  // namespace
}  // namespace ak

namespace ak::wire {
inline void showValue(const Address& a, std::ostream& os) { os << a.to_string(); }
}  // namespace ak::wire
namespace ak::crypto {
inline void showValue(Digest d, std::ostream& os) { os << static_cast<int>(d); }
}  // namespace ak::crypto

namespace ak {
namespace {

AK_PROPERTY(SessionKey, IsAFunctionOfAddressesKeyIdAndCookie, 0.5, ()) {
  const auto src = *address();
  const auto dst = *address();
  const auto key_id = *rc::gen::arbitrary<std::uint32_t>();
  const auto cookie = *rc::gen::arbitrary<std::uint32_t>();
  const auto d = *digest();
  const auto a = crypto::session_key(src, dst, key_id, cookie, d);
  const auto b = crypto::session_key(src, dst, key_id, cookie, d);
  RC_ASSERT(a.key == b.key);
  RC_ASSERT(a.next_key_id == b.next_key_id);
  RC_ASSERT(a.key.size() >= 16u);
  // next(K) is the first digest word (RFC 5906 §5).
  const std::uint32_t first = static_cast<std::uint32_t>(a.key[0]) << 24 | static_cast<std::uint32_t>(a.key[1]) << 16 |
                              static_cast<std::uint32_t>(a.key[2]) << 8 | a.key[3];
  RC_ASSERT(a.next_key_id == first);
  RC_ASSERT(crypto::next_key_id(src, dst, key_id, cookie, d) == a.next_key_id);
  // Every input enters the hash.
  RC_ASSERT(crypto::session_key(src, dst, key_id ^ 1u, cookie, d).key != a.key);
  RC_ASSERT(crypto::session_key(src, dst, key_id, cookie ^ 1u, d).key != a.key);
  // Direction matters (one packet never mixes address families: with a v4
  // and a v6 address of all zeros S || D would read the same both ways).
  if (!(src == dst) && src.is_v4() == dst.is_v4())
    RC_ASSERT(crypto::session_key(dst, src, key_id, cookie, d).key != a.key);
}

AK_PROPERTY(KeyList, IsDeterministicAndEachIdHashesToTheNext, 0.2, ()) {
  crypto::KeyListParams params;
  params.src = *address();
  params.dst = *address();
  params.first_key_id = *rc::gen::inRange<std::uint32_t>(65536u, 0x7fffffffu);
  params.cookie = *rc::gen::arbitrary<std::uint32_t>();
  params.max_entries = *rc::gen::inRange<std::size_t>(1, 101);
  const auto list = crypto::make_key_list(params);
  const auto again = crypto::make_key_list(params);
  RC_ASSERT(list.ids == again.ids);
  RC_ASSERT(list.autokey == again.autokey);
  RC_ASSERT(!list.ids.empty());
  RC_ASSERT(list.ids.size() <= params.max_entries);
  RC_ASSERT(list.ids.front() == params.first_key_id);
  RC_ASSERT(list.seq == list.ids.size() - 1);
  for (std::size_t j = 0; j + 1 < list.ids.size(); ++j) {
    RC_ASSERT(list.ids[j + 1] == crypto::next_key_id(params.src, params.dst, list.ids[j], params.cookie));
    RC_ASSERT(list.ids[j] > crypto::kMaxSymmetricKeyId);
  }
  RC_ASSERT(list.autokey == crypto::next_key_id(params.src, params.dst, list.ids.back(), params.cookie));
  // digest §6.9: any ID of the list reaches the advertised autokey within seq + 2 hashes.
  const std::size_t j = *rc::gen::inRange<std::size_t>(0, list.ids.size());
  const std::array<std::uint32_t, 1> targets{list.autokey};
  const auto n = crypto::key_id_chain_length(params.src, params.dst, list.ids[j], params.cookie, targets, list.seq + 2);
  RC_ASSERT(n.has_value());
  RC_ASSERT(*n == list.ids.size() - j);
}

// ---- signatures and cookies (security-history §4.3, §4.5, §4.9) ----------------

AK_PROPERTY(ValueSignature, VerifiesExactlyTheSignedFieldsAndLength, 0.1, ()) {
  auto rng = seeded_rng();
  const auto ts = *rc::gen::arbitrary<std::uint32_t>();
  const auto fs = *rc::gen::arbitrary<std::uint32_t>();
  const Bytes value = *prop::gen::bytes(1, 200);
  const auto sig = crypto::sign_value(host_key(), crypto::Digest::MD5, ts, fs, ByteView(value), rng);
  RC_ASSERT(sig.ok());
  RC_ASSERT(sig->size() == crypto::signature_size(host_key()));
  RC_ASSERT(crypto::verify_value(host_key(), crypto::Digest::MD5, ts, fs, ByteView(value), ByteView(*sig)).ok());
  // Any change of timestamp, filestamp, value or signature breaks it.
  RC_ASSERT(!crypto::verify_value(host_key(), crypto::Digest::MD5, ts ^ 1u, fs, ByteView(value), ByteView(*sig)).ok());
  RC_ASSERT(!crypto::verify_value(host_key(), crypto::Digest::MD5, ts, fs ^ 0x80000000u, ByteView(value), ByteView(*sig)).ok());
  Bytes changed = value;
  changed[*rc::gen::inRange<std::size_t>(0, changed.size())] ^= static_cast<std::uint8_t>(1u << *rc::gen::inRange(0, 8));
  RC_ASSERT(!crypto::verify_value(host_key(), crypto::Digest::MD5, ts, fs, ByteView(changed), ByteView(*sig)).ok());
  Bytes flipped = *sig;
  flipped[*rc::gen::inRange<std::size_t>(0, flipped.size())] ^= 0x01;
  RC_ASSERT(!crypto::verify_value(host_key(), crypto::Digest::MD5, ts, fs, ByteView(value), ByteView(flipped)).ok());
  // sl must equal the key size (digest §3.8 check 12): a padded copy fails.
  Bytes longer = *sig;
  longer.push_back(0);
  RC_ASSERT(!crypto::verify_value(host_key(), crypto::Digest::MD5, ts, fs, ByteView(value), ByteView(longer)).ok());
}

AK_PROPERTY(CookieExchange, DecryptsExactlyTheCookieAndRejectsForgedCiphertexts, 0.1, ()) {
  auto rng = seeded_rng();
  const auto cookie = *rc::gen::arbitrary<std::uint32_t>();
  const auto ct = crypto::encrypt_cookie(cookie, host_key(), rng);
  RC_ASSERT(ct.ok());
  const auto back = crypto::decrypt_cookie(ByteView(*ct), host_key(), rng);
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == cookie);
  // Random octets of any length: an error, never an exception or abort.
  const Bytes forged = *rc::gen::oneOf(prop::gen::bytes(64, 64), prop::gen::bytes(0, 130));
  const auto bad = crypto::decrypt_cookie(ByteView(forged), host_key(), rng);
  RC_ASSERT(!bad.ok());
}

AK_PROPERTY(HostileInput, RsaPublicKeyDecoderNeverThrowsAndRoundTrips, 0.5, ()) {
  // Mostly the real key with damage, sometimes pure noise.
  const auto der = crypto::encode_rsa_public_key(host_key());
  RC_ASSERT(der.ok());
  Bytes input = *der;
  const int damage = *rc::gen::inRange(0, 4);
  if (damage == 0) input = *prop::gen::bytes(0, 100);
  if (damage >= 1) input[*rc::gen::inRange<std::size_t>(0, input.size())] ^= *rc::gen::inRange<std::uint8_t>(1, 255);
  if (damage == 2) input.resize(*rc::gen::inRange<std::size_t>(0, input.size()));
  const auto key = crypto::decode_rsa_public_key(ByteView(input));
  if (!key.ok()) return;
  const auto again = crypto::encode_rsa_public_key(**key);
  RC_ASSERT(again.ok());
  RC_ASSERT(*again == input);  // exactly the octets it accepted (§4.3: DER consumed exactly)
}

}  // namespace
}  // namespace ak
