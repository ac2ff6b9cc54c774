// Identity-scheme parameters from ntp-keygen files
// (autokey-operator-surface.md §1.8; autokey-protocol.md §7.1-7.4).
//
// Each scheme hides its numbers in an RSA or DSA key structure:
//   IFF  DSA: p, q, g; private = b (server); public = v = g^(q-b) mod p
//   GQ   RSA: n; e = b; p = u (server); q = v (server); d and CRT slots = 1
//   MV   DSA: server  p, q, g = E, private = gbar, public = ghat
//            client  p, q = 1, g = 1, private = xbar, public = xhat
// A PKCS#8 DSA key stores no public value, so under OpenSSL 3 the IFF client
// export (-e) loses v and MV files lose ghat / xhat; those files are refused
// with an error that says so. The traditional "DSA PRIVATE KEY" layout keeps
// the public value and is what a working client file must use.
//
// Only the first PEM block is read, as ntpd does: the MV trusted-authority
// bundle (ntpkey_MVta_*) therefore reads as its TA block, which is why ntpd
// serves MV from the -q export (ntpkey_mvkey_*), never from the bundle.
#pragma once

#include <string_view>

#include "crypto/identity_params.h"
#include "keys/errors.h"
#include "keys/key_file.h"
#include "keys/private_key.h"
#include "wire/result.h"

namespace ak::keys {

// Server file (b present, v derived as g^(q-b) mod p) or client file (v
// present, no b). A PKCS#8 file with private value 1 is IffPublicValueLost.
Result<crypto::IffParams, KeyError> load_iff(const KeyFile& file, std::string_view password);
// Server file (u, v present, u^b v = 1 mod n checked) or client file
// (p = q = 1 slots: n and b only).
Result<crypto::GqParams, KeyError> load_gq(const KeyFile& file, std::string_view password);
// Server block (E, gbar, ghat) or client block (xbar, xhat); a file
// without the public value is MvPublicValueLost.
Result<crypto::MvParams, KeyError> load_mv(const KeyFile& file, std::string_view password);

// The same rules on already decoded slots (used by the writers' round trips
// and by callers that hold a block rather than a file).
Result<crypto::IffParams, KeyError> iff_from_slots(const KeySlots& slots);
Result<crypto::GqParams, KeyError> gq_from_slots(const KeySlots& slots);
Result<crypto::MvParams, KeyError> mv_from_slots(const KeySlots& slots);

// The slots ntp-keygen would store for each role (the writers encode these).
DsaSlots iff_server_slots(const crypto::IffParams& p);  // x = b, y = v (computed if absent)
DsaSlots iff_client_slots(const crypto::IffParams& p);  // x = 1, y = v
RsaSlots gq_server_slots(const crypto::GqParams& p);    // e = b, d = 1, p = u, q = v, CRT = 1
RsaSlots gq_client_slots(const crypto::GqParams& p);    // e = b, d = 1, p = q = 1, CRT = 1
DsaSlots mv_server_slots(const crypto::MvParams& p);    // g = E, x = gbar, y = ghat
DsaSlots mv_client_slots(const crypto::MvParams& p);    // q = g = 1, x = xbar, y = xhat

}  // namespace ak::keys
