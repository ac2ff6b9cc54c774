// Every Autokey message as one std::variant, and the two entry points:
//
//   decode(ExtensionField) -> Message   content layer over the framing layer
//   encode(Message) -> ExtensionField   refuses exactly what decode refuses
//
// Every message keeps its whole envelope (association ID, timestamp,
// filestamp, signature), so encode(decode(ef)) == ef octet for octet.
#pragma once

#include <string>
#include <variant>

#include "wire/messages/assoc.h"
#include "wire/messages/autokey.h"
#include "wire/messages/cert.h"
#include "wire/messages/cook.h"
#include "wire/messages/error_responses.h"
#include "wire/messages/identity.h"
#include "wire/messages/leap.h"
#include "wire/messages/null.h"
#include "wire/messages/sign.h"

namespace ak::wire {

using Message = std::variant<NullRequest, AssocRequest, AssocResponse, CertRequest, CertResponse, CookRequest,
                             CookResponse, AutoRequest, AutoResponse, LeapRequest, LeapResponse, SignRequest,
                             SignResponse, IdentityRequest, IdentityResponse, EmptyResponse, ErrorResponse>;

// The typed message in a field. Checks, in this order: version == 2
// (WrongAutokeyVersion), code 0..9 (UnknownOpcode), E only with R
// (ErrorBitWithoutResponseBit); then R/E/code pick the message, whose own
// rules apply (form, value structure, names, value sizes).
Result<Message, WireError> decode(const ExtensionField& ef);

// The field for a message; fails with the error decode() would report for
// it (e.g. ValueLengthZero for an empty name, ExtensionTooLong for a value
// over 65511 octets), so what encode accepts always decodes back to itself.
Result<ExtensionField, WireError> encode(const Message& m);

// Quick facts for state machines and trace output.
Opcode opcode(const Message& m);
bool is_response(const Message& m);
bool is_error(const Message& m);
std::uint32_t assoc_id(const Message& m);
// The envelope of a long-form message other than ASSOC; nullptr otherwise.
const Envelope* envelope(const Message& m);

// One line: "ASSOC-R assoc 20189 ts 4004702991 status 0x00080023 nid=8
// ENAB|TAI|IFF name \"servername@servername\"", "COOK-R assoc 20189 ts ...
// fs ... value 64 sig 64", "AUTO-R ... key 0x7238009f seq 99". Names are
// printed with non-printable octets escaped and cut at 64 characters.
std::string describe(const Message& m);

}  // namespace ak::wire
