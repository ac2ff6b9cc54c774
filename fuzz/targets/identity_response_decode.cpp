// Fuzz target: the identity schemes (IFF, GQ, MV) are sound on any input.
//
// Input: one selector octet, then the rest.
//   selector % 6 = 0, 1, 2: the rest is an IFF, GQ or MV response to a fixed
//     challenge. Oracle: no crash; an accepted response is canonical DER (it
//     re-encodes to itself) and satisfies the identity equation when
//     rechecked another way, with the prover's secret (IFF, GQ) or an
//     independent decode (MV).
//   selector % 6 = 3, 4, 5: the rest is a challenge field for the IFF, GQ or
//     MV prover. Oracle: it answers exactly the fields of the right length
//     with a value in range (security-history NEW-2), and every answer
//     verifies.
// Parameters are small groups generated once from a fixed-seed RNG, so runs
// are reproducible and fast.
#include <botan/ber_dec.h>
#include <botan/chacha_rng.h>
#include <botan/numthry.h>

#include <cstdint>
#include <cstdlib>
#include <vector>

#include "crypto/bighash.h"
#include "crypto/gq.h"
#include "crypto/group_gen.h"
#include "crypto/identity_encoding.h"
#include "crypto/iff.h"
#include "crypto/mv.h"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

struct Fixed {
  ak::crypto::IffParams iff;
  ak::crypto::GqParams gq;
  ak::crypto::MvKeys mv;
  ak::wire::Bytes iff_challenge, gq_challenge, mv_challenge;
};

const Fixed& fixed() {
  static const Fixed f = [] {
    Botan::ChaCha_RNG rng(Botan::secure_vector<std::uint8_t>(32, 0x5a));
    Fixed out;
    out.iff = ak::crypto::generate_iff(rng, 256, 80);
    out.gq = ak::crypto::generate_gq(rng, 256);
    out.mv = ak::crypto::generate_mv(rng, 128, 2, {1});
    out.iff_challenge = ak::crypto::iff_challenge(rng, out.iff);
    out.gq_challenge = ak::crypto::gq_challenge(rng, out.gq);
    out.mv_challenge = ak::crypto::mv_challenge(rng, out.mv.server);
    return out;
  }();
  return f;
}

ak::crypto::IffParams iff_verifier() {
  const auto& p = fixed().iff;
  return ak::crypto::IffParams{p.p, p.q, p.g, std::nullopt, p.v};
}
ak::crypto::GqParams gq_verifier() {
  const auto& p = fixed().gq;
  return ak::crypto::GqParams{p.n, p.b, std::nullopt, p.v};
}

// Botan's own BER decoding, independent of decode_integer_sequence.
std::vector<Botan::BigInt> integers(ak::wire::ByteView der, std::size_t count) {
  std::vector<Botan::BigInt> v(count);
  Botan::BER_Decoder outer(der.data(), der.size());
  Botan::BER_Decoder seq = outer.start_cons(Botan::SEQUENCE);
  for (auto& x : v) seq.decode(x);
  seq.end_cons();
  return v;
}

Botan::BigInt as_integer(const ak::wire::Bytes& field) { return Botan::BigInt(field.data(), field.size()); }

void verify_response(int scheme, ak::wire::ByteView response) {
  const Fixed& f = fixed();
  if (scheme == 0) {
    if (!ak::crypto::iff_verify(iff_verifier(), f.iff_challenge, response).ok()) return;
    const auto v = integers(response, 2);
    check(ak::crypto::encode_integer_sequence(v) == ak::wire::Bytes(response.begin(), response.end()));
    // With b: g^y·v^r = g^(y - b·r mod q).
    const Botan::BigInt& q = f.iff.q;
    const Botan::BigInt k = (v[0] + q - (*f.iff.b * as_integer(f.iff_challenge)) % q) % q;
    check(ak::crypto::bighash(Botan::power_mod(f.iff.g, k, f.iff.p)) == v[1]);
  } else if (scheme == 1) {
    if (!ak::crypto::gq_verify(gq_verifier(), f.gq_challenge, response).ok()) return;
    const auto v = integers(response, 2);
    check(ak::crypto::encode_integer_sequence(v) == ak::wire::Bytes(response.begin(), response.end()));
    // With u: k = y·u^-r, and the hash is of k^b.
    const Botan::BigInt& n = f.gq.n;
    const Botan::BigInt u_inv = Botan::inverse_mod(*f.gq.u, n);
    const Botan::BigInt k = (v[0] * Botan::power_mod(u_inv, as_integer(f.gq_challenge), n)) % n;
    check(ak::crypto::bighash(Botan::power_mod(k, f.gq.b, n)) == v[1]);
  } else {
    const auto& client = f.mv.clients[0];
    if (!ak::crypto::mv_verify(client, f.mv_challenge, response).ok()) return;
    const auto v = integers(response, 3);
    check(ak::crypto::encode_integer_sequence(v) == ak::wire::Bytes(response.begin(), response.end()));
    const Botan::BigInt& p = f.mv.server.p;
    check(v[1] > 1 && v[1] < p - 1 && v[2] > 1 && v[2] < p - 1 && v[0] > 0 && v[0] < p);
    // y·a^xhat·c^xbar, multiplied in another order.
    const Botan::BigInt z =
        (Botan::power_mod(v[2], *client.xbar, p) * ((v[0] * Botan::power_mod(v[1], *client.xhat, p)) % p)) % p;
    check(z == as_integer(f.mv_challenge));
  }
}

void answer_challenge(int scheme, ak::wire::ByteView field) {
  const Fixed& f = fixed();
  Botan::secure_vector<std::uint8_t> seed(field.begin(), field.end());
  seed.resize(32 + field.size(), 0xa5);
  Botan::ChaCha_RNG rng(seed);
  const Botan::BigInt& modulus = scheme == 0 ? f.iff.q : scheme == 1 ? f.gq.n : f.mv.server.p;
  const bool acceptable = field.size() == modulus.bytes() && [&] {
    const Botan::BigInt r(field.data(), field.size());
    return r > 0 && r < modulus;
  }();
  if (scheme == 0) {
    const auto response = ak::crypto::iff_respond(f.iff, field, rng);
    check(response.ok() == acceptable);
    if (response.ok()) check(ak::crypto::iff_verify(iff_verifier(), field, *response).ok());
  } else if (scheme == 1) {
    const auto response = ak::crypto::gq_respond(f.gq, field, rng);
    check(response.ok() == acceptable);
    if (response.ok()) check(ak::crypto::gq_verify(gq_verifier(), field, *response).ok());
  } else {
    const auto response = ak::crypto::mv_respond(f.mv.server, field, rng);
    check(response.ok() == acceptable);
    if (response.ok()) check(ak::crypto::mv_verify(f.mv.clients[0], field, *response).ok());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const int selector = data[0] % 6;
  const ak::wire::ByteView rest(data + 1, size - 1);
  if (selector < 3)
    verify_response(selector, rest);
  else
    answer_challenge(selector - 3, rest);
  return 0;
}
