#include "keys/identity.h"

#include <botan/numthry.h>

#include <exception>

namespace ak::keys {
namespace {

using Botan::BigInt;

// A prime-order subgroup as ntp-keygen makes it for IFF: q | p - 1 and g of
// order q. g^q mod p is one exponentiation with a 160-bit exponent.
bool valid_iff_group(const BigInt& p, const BigInt& q, const BigInt& g) {
  if (p < 5 || p.is_even() || q < 2 || q >= p || g < 2 || g >= p) return false;
  if ((p - 1) % q != 0) return false;
  return Botan::power_mod(g, q, p) == 1;
}

Result<const DsaSlots*, KeyError> dsa_of(const KeySlots& k) {
  const auto* d = std::get_if<DsaSlots>(&k.slots);
  if (!d) return Err{KeyError::NotDsaKey};
  return d;
}

}  // namespace

Result<crypto::IffParams, KeyError> iff_from_slots(const KeySlots& k) {
  AK_TRY(const DsaSlots* d, dsa_of(k));
  if (!valid_iff_group(d->p, d->q, d->g)) return Err{KeyError::ParametersInconsistent};
  crypto::IffParams out{d->p, d->q, d->g, std::nullopt, std::nullopt};
  if (d->x == 1) {
    // Client parameters: the private slot holds the dummy 1 and the public
    // slot v. PKCS#8 has no public slot: the -e export under OpenSSL 3
    // (operator-surface §1.8, fixture iff-md5-512/exported_par.txt).
    if (!d->y) return Err{KeyError::IffPublicValueLost};
    const BigInt& v = *d->y;
    // RFC 5906 App. E: v = g^(q-b) is an element of the order-q subgroup.
    if (v < 2 || v >= d->p || Botan::power_mod(v, d->q, d->p) != 1)
      return Err{KeyError::ParametersInconsistent};
    out.v = v;
    return out;
  }
  // Server key: b is the private value, 0 < b < q.
  const BigInt& b = d->x;
  if (b < 1 || b >= d->q) return Err{KeyError::ParametersInconsistent};
  const BigInt v = Botan::power_mod(d->g, d->q - b, d->p);
  // A traditional file carries a public value: ntp-keygen's v, or g^b when
  // the file was converted from the p15 PKCS#8 key by OpenSSL (which
  // recomputes pub as g^x). Anything else is a mismatched file.
  if (d->y && *d->y != v && *d->y != Botan::power_mod(d->g, b, d->p))
    return Err{KeyError::ParametersInconsistent};
  out.b = b;
  out.v = v;
  return out;
}

Result<crypto::GqParams, KeyError> gq_from_slots(const KeySlots& k) {
  const auto* r = std::get_if<RsaSlots>(&k.slots);
  if (!r) return Err{KeyError::NotRsaKey};
  if (r->n < 5 || r->n.is_even()) return Err{KeyError::ParametersInconsistent};
  // The group key b lives in the public-exponent slot (autokey-protocol.md §7.3).
  if (r->e < 1 || r->e >= r->n) return Err{KeyError::ParametersInconsistent};
  crypto::GqParams out{r->n, r->e, std::nullopt, std::nullopt};
  if (r->p == 1 && r->q == 1) return out;  // client file: -e blanks u and v
  const BigInt& u = r->p;
  const BigInt& v = r->q;
  if (u < 1 || u >= r->n || v < 1 || v >= r->n) return Err{KeyError::ParametersInconsistent};
  // v = (u^-1)^b mod n, i.e. u^b v = 1 (mod n).
  if (Botan::power_mod(u, r->e, r->n) * v % r->n != 1) return Err{KeyError::ParametersInconsistent};
  out.u = u;
  out.v = v;
  return out;
}

Result<crypto::MvParams, KeyError> mv_from_slots(const KeySlots& k) {
  AK_TRY(const DsaSlots* d, dsa_of(k));
  if (d->p < 5 || d->p.is_even()) return Err{KeyError::ParametersInconsistent};
  crypto::MvParams out;
  out.p = d->p;
  out.q = d->q;
  const auto in_field = [&](const BigInt& x) { return x >= 1 && x < d->p; };
  if (!d->y) return Err{KeyError::MvPublicValueLost};
  if (d->q == 1 && d->g == 1) {
    // Client block (operator-surface §1.8): private xbar, public xhat.
    if (!in_field(d->x) || !in_field(*d->y)) return Err{KeyError::ParametersInconsistent};
    out.xbar = d->x;
    out.xhat = *d->y;
    return out;
  }
  // Server block: p = 2q + 1 (autokey-protocol.md §7.4), "g" = E.
  if (d->p != 2 * d->q + 1) return Err{KeyError::ParametersInconsistent};
  if (!in_field(d->g) || !in_field(d->x) || !in_field(*d->y))
    return Err{KeyError::ParametersInconsistent};
  out.E = d->g;
  out.gbar = d->x;
  out.ghat = *d->y;
  return out;
}

Result<crypto::IffParams, KeyError> load_iff(const KeyFile& file, std::string_view password) {
  if (file.blocks.empty()) return Err{KeyError::NoPemBlock};
  AK_TRY(auto k, decode_key_block(file.blocks.front(), password));
  return iff_from_slots(k);
}

Result<crypto::GqParams, KeyError> load_gq(const KeyFile& file, std::string_view password) {
  if (file.blocks.empty()) return Err{KeyError::NoPemBlock};
  AK_TRY(auto k, decode_key_block(file.blocks.front(), password));
  return gq_from_slots(k);
}

Result<crypto::MvParams, KeyError> load_mv(const KeyFile& file, std::string_view password) {
  if (file.blocks.empty()) return Err{KeyError::NoPemBlock};
  AK_TRY(auto k, decode_key_block(file.blocks.front(), password));
  return mv_from_slots(k);
}

DsaSlots iff_server_slots(const crypto::IffParams& p) {
  DsaSlots s{p.p, p.q, p.g, p.b.value_or(BigInt(1)), p.v};
  if (!s.y && p.b) s.y = Botan::power_mod(p.g, p.q - *p.b, p.p);
  return s;
}

DsaSlots iff_client_slots(const crypto::IffParams& p) {
  DsaSlots s{p.p, p.q, p.g, BigInt(1), p.v};
  if (!s.y && p.b) s.y = Botan::power_mod(p.g, p.q - *p.b, p.p);
  return s;
}

RsaSlots gq_server_slots(const crypto::GqParams& p) {
  const BigInt one(1);
  return RsaSlots{p.n, p.b, one, p.u.value_or(one), p.v.value_or(one), one, one, one};
}

RsaSlots gq_client_slots(const crypto::GqParams& p) {
  const BigInt one(1);
  return RsaSlots{p.n, p.b, one, one, one, one, one, one};
}

DsaSlots mv_server_slots(const crypto::MvParams& p) {
  return DsaSlots{p.p, p.q, p.E.value_or(BigInt(1)), p.gbar.value_or(BigInt(1)), p.ghat};
}

DsaSlots mv_client_slots(const crypto::MvParams& p) {
  return DsaSlots{p.p, BigInt(1), BigInt(1), p.xbar.value_or(BigInt(1)), p.xhat};
}

}  // namespace ak::keys
