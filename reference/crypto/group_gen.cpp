#include "crypto/group_gen.h"

#include <botan/dl_group.h>
#include <botan/numthry.h>
#include <botan/rng.h>

#include <exception>
#include <stdexcept>

namespace ak::crypto {

namespace {

// Prime-test error bound 2^-128, as Botan uses for its own groups.
constexpr std::size_t kPrimeTestRounds = 128;

// True when the order of g mod p divides q (g^q ≡ 1).
bool order_divides(const Botan::BigInt& g, const Botan::BigInt& q, const Botan::BigInt& p) {
  return Botan::power_mod(g, q, p) == 1;
}

struct SchnorrGroup {
  Botan::BigInt p, q, g;
};

// p ≡ 1 (mod 2q) found by drawing X and rounding down to that class; g the
// first h^((p-1)/q) > 1. The same procedure as Botan's DL_Group, which only
// refuses to run it below 1024 bits (deps-probe §3.5).
SchnorrGroup small_schnorr_group(Botan::RandomNumberGenerator& rng, std::size_t pbits, std::size_t qbits) {
  SchnorrGroup grp;
  grp.q = Botan::random_prime(rng, qbits);
  const Botan::BigInt two_q = 2 * grp.q;
  for (;;) {
    Botan::BigInt x(rng, pbits);  // top bit set
    grp.p = x - (x % two_q) + 1;
    if (grp.p.bits() == pbits && Botan::is_prime(grp.p, rng, kPrimeTestRounds, true)) break;
  }
  const Botan::BigInt e = (grp.p - 1) / grp.q;
  for (Botan::BigInt h = 2;; h += 1) {
    grp.g = Botan::power_mod(h, e, grp.p);
    if (grp.g > 1) break;
  }
  return grp;
}

// A uniformly chosen odd prime of exactly `bits` bits. Not
// Botan::random_prime: its sieve also rejects every s with 2s + 1 divisible
// by a small prime, so it never returns s = 1 (mod 3). All its primes are
// then 2 (mod 3), a product of an even number of them is 1 (mod 3), and
// 2q + 1 is divisible by 3: generate_mv would never find p for an odd
// number of clients (an even number of factors).
Botan::BigInt any_prime(Botan::RandomNumberGenerator& rng, std::size_t bits) {
  for (;;) {
    Botan::BigInt s(rng, bits, true);  // top bit set: exactly `bits` bits
    s.set_bit(0);
    if (Botan::is_prime(s, rng, kPrimeTestRounds, true)) return s;
  }
}

// A uniformly chosen prime in [lo, hi]; the interval must hold primes.
Botan::BigInt prime_between(Botan::RandomNumberGenerator& rng, const Botan::BigInt& lo, const Botan::BigInt& hi) {
  for (;;) {
    Botan::BigInt s = Botan::BigInt::random_integer(rng, lo, hi + 1);
    if (s.is_odd() && Botan::is_prime(s, rng, kPrimeTestRounds, true)) return s;
  }
}

bool fresh(const std::vector<Botan::BigInt>& primes, const Botan::BigInt& s) {
  for (const auto& t : primes)
    if (t == s) return false;
  return true;
}

// `count` distinct primes whose product has exactly `qbits` bits: count - 1
// of `bits` bits each, and a last one drawn from the interval that puts the
// product in [2^(qbits-1), 2^qbits). (Drawing all of them at a fixed size
// and keeping only full-size products would reject most draws: the product
// of k top-bit-set numbers reaches its full width rarely once k > 2.)
std::vector<Botan::BigInt> factors_of_size(Botan::RandomNumberGenerator& rng, std::size_t count, std::size_t bits,
                                           std::size_t qbits) {
  std::vector<Botan::BigInt> primes;
  while (primes.size() + 1 < count) {
    Botan::BigInt s = any_prime(rng, bits);
    if (fresh(primes, s)) primes.push_back(std::move(s));
  }
  Botan::BigInt partial = 1;
  for (const auto& s : primes) partial *= s;
  const Botan::BigInt low = Botan::BigInt::power_of_2(qbits - 1);
  const Botan::BigInt lo = (low + partial - 1) / partial;                       // ceil
  const Botan::BigInt hi = (Botan::BigInt::power_of_2(qbits) - 1) / partial;    // floor
  for (;;) {
    Botan::BigInt s = prime_between(rng, lo, hi);
    if (fresh(primes, s)) {
      primes.push_back(std::move(s));
      return primes;
    }
  }
}

}  // namespace

IffParams generate_iff(Botan::RandomNumberGenerator& rng, std::size_t pbits, std::size_t qbits) {
  if (qbits < 16 || pbits < qbits + 2) throw std::invalid_argument("generate_iff: impossible group sizes");
  SchnorrGroup grp;
  if (pbits >= 1024) {
    const Botan::DL_Group dl(rng, Botan::DL_Group::Prime_Subgroup, pbits, qbits);
    grp = SchnorrGroup{dl.get_p(), dl.get_q(), dl.get_g()};
  } else {
    grp = small_schnorr_group(rng, pbits, qbits);
  }
  IffParams params{grp.p, grp.q, grp.g, std::nullopt, std::nullopt};
  // RFC 5906 Appendix E: b secret in [1, q-1], v = g^(q-b) = g^-b.
  params.b = Botan::BigInt::random_integer(rng, 1, params.q);
  params.v = Botan::power_mod(params.g, params.q - *params.b, params.p);
  return params;
}

GqParams generate_gq(Botan::RandomNumberGenerator& rng, std::size_t nbits) {
  if (nbits < 64) throw std::invalid_argument("generate_gq: modulus too small");
  Botan::BigInt P, Q, n;
  do {
    // random_prime, not generate_rsa_prime, which refuses factors < 512 bits
    // (deps-probe §3.2); ntp-keygen's default modulus is far smaller.
    P = Botan::random_prime(rng, nbits / 2);
    Q = Botan::random_prime(rng, nbits - nbits / 2);
    n = P * Q;
  } while (P == Q || n.bits() != nbits);
  const Botan::BigInt phi = (P - 1) * (Q - 1);
  GqParams params{n, 0, std::nullopt, std::nullopt};
  // RFC 5906 Appendix F: b public to the group; coprime to phi(n) so that
  // x -> x^b is a permutation of Z_n* (no one can answer without u).
  do {
    params.b = Botan::BigInt::random_integer(rng, 3, n);
  } while (Botan::gcd(params.b, phi) != 1);
  Botan::BigInt u;
  do {
    u = Botan::BigInt::random_integer(rng, 1, n);
  } while (Botan::gcd(u, n) != 1);
  params.u = u;
  params.v = Botan::power_mod(Botan::inverse_mod(u, n), params.b, n);
  return params;
}

MvKeys generate_mv(Botan::RandomNumberGenerator& rng, std::size_t qbits, std::size_t clients,
                   const std::vector<std::size_t>& revoked) {
  if (clients < 1) throw std::invalid_argument("generate_mv: no clients");
  const std::size_t factor_bits = qbits / (clients + 1);
  if (factor_bits < 16) throw std::invalid_argument("generate_mv: factors too small");
  for (std::size_t j : revoked)
    if (j >= clients) throw std::invalid_argument("generate_mv: revoked index out of range");

  // q has exactly the size asked for and p = 2q + 1 one bit more, so a
  // group never falls just short of a policy's minimum by chance.
  MvKeys keys;
  Botan::BigInt p, q;
  for (;;) {
    keys.factors = factors_of_size(rng, clients + 1, factor_bits, qbits);
    q = 1;
    for (const auto& s : keys.factors) q *= s;
    p = 2 * q + 1;
    if (Botan::is_prime(p, rng, kPrimeTestRounds, true)) break;
  }
  // g of order exactly q: a square (order divides q) that no q/s_i kills.
  for (;;) {
    const Botan::BigInt h = Botan::BigInt::random_integer(rng, 2, p - 1);
    keys.g = (h * h) % p;
    bool full_order = keys.g != 1;
    for (const auto& s : keys.factors)
      full_order = full_order && Botan::power_mod(keys.g, q / s, p) != 1;
    if (full_order) break;
  }
  do {
    keys.b = Botan::BigInt::random_integer(rng, 1, q);
  } while (Botan::gcd(keys.b, q) != 1);
  const Botan::BigInt a = Botan::BigInt::random_integer(rng, 1, q);
  keys.A = Botan::power_mod(keys.g, a, p);

  keys.revoked.assign(clients, false);
  for (std::size_t j : revoked) keys.revoked[j] = true;
  // The enabling key: the factors of the clients still in the group.
  Botan::BigInt s = 1;
  for (std::size_t j = 0; j < clients; ++j)
    if (!keys.revoked[j]) s *= keys.factors[j + 1];

  keys.server.p = p;
  keys.server.q = q;
  keys.server.E = Botan::power_mod(keys.A, s, p);
  keys.server.gbar = Botan::power_mod(keys.g, s, p);
  keys.server.ghat = Botan::power_mod(keys.g, (s * keys.b) % q, p);

  for (std::size_t j = 0; j < clients; ++j) {
    const Botan::BigInt& own = keys.factors[j + 1];
    const Botan::BigInt others = q / own;
    // a + xhat + b·xbar = others·e with e in [1, own-1]: zero modulo every
    // factor but `own`, never zero modulo `own`.
    const Botan::BigInt e = Botan::BigInt::random_integer(rng, 1, own);
    MvParams client{p, q, std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt};
    client.xbar = Botan::BigInt::random_integer(rng, 1, q);
    const Botan::BigInt t = (others * e) % q;
    const Botan::BigInt used = (a + keys.b * *client.xbar) % q;
    client.xhat = (t + q - used) % q;
    keys.clients.push_back(std::move(client));
  }
  return keys;
}

Status<IdentityError> validate_iff_group(const IffParams& params, Botan::RandomNumberGenerator& rng) {
  try {
    const Botan::BigInt& p = params.p;
    const Botan::BigInt& q = params.q;
    if (p < 5 || !Botan::is_prime(p, rng, kPrimeTestRounds)) return Err{IdentityError::ModulusNotPrime};
    if (q < 2 || !Botan::is_prime(q, rng, kPrimeTestRounds)) return Err{IdentityError::SubgroupOrderNotPrime};
    if (q >= p || (p - 1) % q != 0) return Err{IdentityError::SubgroupOrderNotDivisor};
    if (params.g <= 1 || params.g >= p || !order_divides(params.g, q, p)) return Err{IdentityError::BadGenerator};
    if (params.b && (*params.b <= 0 || *params.b >= q)) return Err{IdentityError::KeyOutOfRange};
    if (params.v && (*params.v <= 0 || *params.v >= p || !order_divides(*params.v, q, p)))
      return Err{IdentityError::KeyOutOfRange};
    if (params.b && params.v && (Botan::power_mod(params.g, *params.b, p) * *params.v) % p != 1)
      return Err{IdentityError::KeyPairMismatch};
  } catch (const std::exception&) {
    return Err{IdentityError::BadParameters};
  }
  return Ok{};
}

Status<IdentityError> validate_gq(const GqParams& params, Botan::RandomNumberGenerator& rng) {
  try {
    const Botan::BigInt& n = params.n;
    if (n < 9 || n.is_even() || Botan::is_prime(n, rng, kPrimeTestRounds))
      return Err{IdentityError::ModulusNotComposite};
    if (params.b < 2 || params.b >= n) return Err{IdentityError::KeyOutOfRange};
    const auto unit = [&n](const Botan::BigInt& x) { return x > 0 && x < n && Botan::gcd(x, n) == 1; };
    if (params.u && !unit(*params.u)) return Err{IdentityError::KeyOutOfRange};
    if (params.v && !unit(*params.v)) return Err{IdentityError::KeyOutOfRange};
    if (params.u && params.v && (Botan::power_mod(*params.u, params.b, n) * *params.v) % n != 1)
      return Err{IdentityError::KeyPairMismatch};
  } catch (const std::exception&) {
    return Err{IdentityError::BadParameters};
  }
  return Ok{};
}

Status<IdentityError> validate_mv(const MvParams& params, Botan::RandomNumberGenerator& rng) {
  try {
    const Botan::BigInt& p = params.p;
    const Botan::BigInt& q = params.q;
    if (p < 5 || !Botan::is_prime(p, rng, kPrimeTestRounds)) return Err{IdentityError::ModulusNotPrime};
    if (q < 1 || (q > 1 && p != 2 * q + 1)) return Err{IdentityError::SubgroupOrderNotDivisor};
    const auto element = [&p](const std::optional<Botan::BigInt>& x) { return !x || (*x >= 2 && *x <= p - 2); };
    if (!element(params.E) || !element(params.gbar) || !element(params.ghat))
      return Err{IdentityError::KeyOutOfRange};
    const Botan::BigInt& bound = q > 1 ? q : p;
    const auto exponent = [&bound](const std::optional<Botan::BigInt>& x) {
      return !x || (!x->is_negative() && *x < bound);
    };
    if (!exponent(params.xbar) || !exponent(params.xhat)) return Err{IdentityError::KeyOutOfRange};
  } catch (const std::exception&) {
    return Err{IdentityError::BadParameters};
  }
  return Ok{};
}

}  // namespace ak::crypto
