// rapidcheck generators for the wire types: every Autokey message, extension
// fields and whole packets. Values stay inside what the wire format can
// carry (names 1..512 octets, non-empty values), so that "encode accepts it"
// is itself part of the round-trip property.
#pragma once

#include <rapidcheck.h>

#include <cstdint>
#include <string>

#include "wire/messages/message.h"
#include "wire/packet.h"

namespace ak::prop::gen {

inline rc::Gen<wire::Bytes> bytes(std::size_t min, std::size_t max) {
  return rc::gen::mapcat(rc::gen::inRange(min, max + 1), [](std::size_t n) {
    return rc::gen::container<wire::Bytes>(n, rc::gen::arbitrary<std::uint8_t>());
  });
}

inline rc::Gen<std::string> name() {
  // Mostly short printable names with an '@', sometimes up to MAXHOSTNAME.
  return rc::gen::oneOf(
      rc::gen::map(rc::gen::pair(rc::gen::nonEmpty(rc::gen::string<std::string>()), rc::gen::string<std::string>()),
                   [](const std::pair<std::string, std::string>& p) { return (p.first + "@" + p.second).substr(0, 512); }),
      rc::gen::mapcat(rc::gen::inRange<std::size_t>(1, 513), [](std::size_t n) {
        return rc::gen::container<std::string>(n, rc::gen::arbitrary<char>());
      }));
}

inline rc::Gen<wire::Opcode> opcode() {
  return rc::gen::map(rc::gen::inRange<int>(0, 10), [](int c) { return static_cast<wire::Opcode>(c); });
}

inline rc::Gen<wire::IdentityScheme> scheme() {
  return rc::gen::element(wire::IdentityScheme::Iff, wire::IdentityScheme::Gq, wire::IdentityScheme::Mv);
}

inline rc::Gen<wire::Envelope> envelope() {
  return rc::gen::build<wire::Envelope>(
      rc::gen::set(&wire::Envelope::assoc_id), rc::gen::set(&wire::Envelope::timestamp),
      rc::gen::set(&wire::Envelope::filestamp),
      rc::gen::set(&wire::Envelope::signature, rc::gen::oneOf(bytes(0, 0), bytes(1, 160))));
}

template <class T>
inline rc::Gen<wire::Message> as_message(rc::Gen<T> g) {
  return rc::gen::map(std::move(g), [](T v) { return wire::Message(std::move(v)); });
}

template <class T>
inline rc::Gen<T> assoc_message() {
  return rc::gen::exec([] {
    T m;
    m.assoc_id = *rc::gen::arbitrary<std::uint32_t>();
    m.timestamp = *rc::gen::arbitrary<std::uint32_t>();
    m.status = wire::StatusWord{*rc::gen::arbitrary<std::uint32_t>()};
    m.name = *name();
    m.signature = *rc::gen::oneOf(bytes(0, 0), bytes(1, 64));
    return m;
  });
}

// Any message decode() can produce.
inline rc::Gen<wire::Message> message() {
  using namespace wire;
  auto u32 = rc::gen::arbitrary<std::uint32_t>();
  return rc::gen::oneOf(
      as_message(rc::gen::build<NullRequest>(rc::gen::set(&NullRequest::assoc_id, u32))),
      as_message(assoc_message<AssocRequest>()),
      as_message(assoc_message<AssocResponse>()),
      as_message(rc::gen::build<CertRequest>(rc::gen::set(&CertRequest::env, envelope()),
                                             rc::gen::set(&CertRequest::subject, name()))),
      as_message(rc::gen::build<CertResponse>(rc::gen::set(&CertResponse::env, envelope()),
                                              rc::gen::set(&CertResponse::certificate, bytes(1, 400)))),
      as_message(rc::gen::build<CookRequest>(rc::gen::set(&CookRequest::env, envelope()),
                                             rc::gen::set(&CookRequest::public_key, bytes(1, 300)))),
      as_message(rc::gen::build<CookResponse>(rc::gen::set(&CookResponse::env, envelope()),
                                              rc::gen::set(&CookResponse::ciphertext, bytes(1, 256)))),
      as_message(rc::gen::build<AutoRequest>(rc::gen::set(&AutoRequest::assoc_id, u32))),
      as_message(rc::gen::build<AutoResponse>(rc::gen::set(&AutoResponse::env, envelope()),
                                              rc::gen::set(&AutoResponse::key_id), rc::gen::set(&AutoResponse::sequence))),
      as_message(rc::gen::build<LeapRequest>(rc::gen::set(&LeapRequest::assoc_id, u32))),
      as_message(rc::gen::build<LeapResponse>(rc::gen::set(&LeapResponse::env, envelope()),
                                              rc::gen::set(&LeapResponse::tai_offset),
                                              rc::gen::set(&LeapResponse::era_start),
                                              rc::gen::set(&LeapResponse::expiry))),
      as_message(rc::gen::build<SignRequest>(rc::gen::set(&SignRequest::env, envelope()),
                                             rc::gen::set(&SignRequest::certificate, bytes(1, 400)))),
      as_message(rc::gen::build<SignResponse>(rc::gen::set(&SignResponse::env, envelope()),
                                              rc::gen::set(&SignResponse::certificate, bytes(1, 400)))),
      as_message(rc::gen::build<IdentityRequest>(rc::gen::set(&IdentityRequest::scheme, scheme()),
                                                 rc::gen::set(&IdentityRequest::env, envelope()),
                                                 rc::gen::set(&IdentityRequest::challenge, bytes(1, 128)))),
      as_message(rc::gen::build<IdentityResponse>(rc::gen::set(&IdentityResponse::scheme, scheme()),
                                                  rc::gen::set(&IdentityResponse::env, envelope()),
                                                  rc::gen::set(&IdentityResponse::response, bytes(1, 200)))),
      as_message(rc::gen::build<EmptyResponse>(
          rc::gen::set(&EmptyResponse::code,
                       rc::gen::suchThat(opcode(), [](Opcode c) { return c != Opcode::Assoc; })),
          rc::gen::set(&EmptyResponse::assoc_id))),
      as_message(rc::gen::build<ErrorResponse>(rc::gen::set(&ErrorResponse::code, opcode()),
                                               rc::gen::set(&ErrorResponse::assoc_id))));
}

inline rc::Gen<wire::NtpHeader> header() {
  return rc::gen::exec([] {
    wire::NtpHeader h;
    h.leap = *rc::gen::inRange<std::uint8_t>(0, 4);
    h.version = *rc::gen::inRange<std::uint8_t>(1, 8);
    h.mode = *rc::gen::inRange<std::uint8_t>(1, 6);
    h.stratum = *rc::gen::arbitrary<std::uint8_t>();
    h.poll = *rc::gen::arbitrary<std::int8_t>();
    h.precision = *rc::gen::arbitrary<std::int8_t>();
    h.root_delay = *rc::gen::arbitrary<std::uint32_t>();
    h.root_dispersion = *rc::gen::arbitrary<std::uint32_t>();
    h.refid = *rc::gen::arbitrary<std::uint32_t>();
    h.reference_ts = *rc::gen::arbitrary<std::uint64_t>();
    h.origin_ts = *rc::gen::arbitrary<std::uint64_t>();
    h.receive_ts = *rc::gen::arbitrary<std::uint64_t>();
    h.transmit_ts = *rc::gen::arbitrary<std::uint64_t>();
    return h;
  });
}

}  // namespace ak::prop::gen

namespace rc {
// Printing a counterexample: the message in the trace notation of wire::describe.
template <>
struct Arbitrary<ak::wire::Opcode> {
  static Gen<ak::wire::Opcode> arbitrary() { return ak::prop::gen::opcode(); }
};
}  // namespace rc

namespace ak::wire {
inline void showValue(const Message& m, std::ostream& os) { os << describe(m); }
inline void showValue(const Opcode& op, std::ostream& os) { os << name(op); }
}  // namespace ak::wire
