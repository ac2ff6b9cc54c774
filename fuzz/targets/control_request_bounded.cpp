// Property: the mode-6 responder (reference/control) answers any datagram
// with a bounded, well-formed response over a fixed VariableSource.
//
// Oracles (security-history §4 properties 5 and 16; CVE-2015-7855 and
// Sec 3610 are the same class in ntpd's process_control()):
//   * no crash, no over-read, no exception;
//   * nothing at all for a datagram that is not a mode-6 request: shorter
//     than the 12-octet header, another mode, a response, or a fragment;
//   * every response datagram parses as a mode-6 response that echoes the
//     request's opcode and sequence, carries at most 468 data octets
//     (CTL_MAX_DATA_LEN) and is at most 12 + 468 + padding octets;
//   * fragments are contiguous (offset = octets before), M is set on all but
//     the last, and there are few of them (the whole answer is bounded by
//     the source, not by the request);
//   * the same request gives the same octets twice (no hidden state).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "control/responder.h"
#include "control/static_source.h"
#include "wire/control_message.h"
#include "support/check.h"

namespace {

using namespace ak::control;

// A source with every default variable set, two peers with Autokey values
// and three certificates: enough to make every READVAR/READSTAT path
// produce text, wrap lines and fragment.
const StaticVariableSource& source() {
  static const StaticVariableSource s = [] {
    StaticVariableSource src;
    src.leap = 0;
    src.status = 0x0618;
    std::uint64_t n = 1;
    for (SystemVariable v : default_system_variables()) src.system[v] = Value{std::uint64_t{n++}};
    src.system[SystemVariable::Host] = Value{Text{"clientname@servername"}};
    src.system[SystemVariable::Flags] = Value{Hex{0x80021}};
    src.system[SystemVariable::Signature] = Value{Text{"md5WithRSAEncryption"}};
    src.system[SystemVariable::Ident] = Value{Text{"servername"}};
    src.system[SystemVariable::Digest] = Value{Text{"md5"}};
    src.system[SystemVariable::Update] = Value{calendar_from_ntp_seconds(4004705000u)};
    src.system[SystemVariable::Version] = Value{Quoted{"autokey-ref 0.1.0 (fuzz)"}};
    for (std::uint16_t id : {std::uint16_t{36732}, std::uint16_t{36733}}) {
      StaticVariableSource::Peer p;
      p.status = 0x961a;
      std::uint64_t k = 1;
      for (PeerVariable v : default_peer_variables()) p.variables[v] = Value{std::int64_t(k++) * 1000};
      p.variables[PeerVariable::SrcAdr] = Value{Text{"10.123.0.1"}};
      p.variables[PeerVariable::Flags] = Value{Hex{0x87f23}};
      p.variables[PeerVariable::Host] = Value{Quoted{"servername@servername"}};
      p.variables[PeerVariable::Signature] = Value{Text{"md5WithRSAEncryption"}};
      p.variables[PeerVariable::FiltDelay] = Value{Text{"0.1 0.2 0.3 0.4 0.5 0.6 0.7 0.8"}};
      p.autokey = AutokeyValuesInfo{95, 0x7238009f, calendar_from_ntp_seconds(4004705000u)};
      src.peers.emplace_back(id, p);
    }
    for (int i = 0; i < 3; ++i)
      src.certs.push_back(CertificateInfo{"servername@servername", "servername@servername", 0x07,
                                          calendar_date(2027, 11, 26, 0, 0)});
    return src;
  }();
  return s;
}

constexpr std::size_t kMaxFragments = 64;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using ak::wire::ControlMessage;
  const ak::wire::ByteView in(data, size);
  std::vector<ak::wire::Bytes> out;
  try {
    out = handle_request(in, source());
    AK_FUZZ_CHECK(handle_request(in, source()) == out);
  } catch (...) {
    std::abort();
  }
  const bool is_request = size >= ControlMessage::kHeaderSize && (data[0] & 7) == 6 && (data[1] & 0x80) == 0;
  if (!is_request) {
    AK_FUZZ_CHECK(out.empty());
    return 0;
  }
  AK_FUZZ_CHECK(out.size() <= kMaxFragments);
  std::size_t offset = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    AK_FUZZ_CHECK(out[i].size() <= ControlMessage::kHeaderSize + kMaxFragmentData + 3);
    auto m = ControlMessage::parse(out[i]);
    AK_FUZZ_CHECK(m.ok());
    AK_FUZZ_CHECK(m->response);
    AK_FUZZ_CHECK(m->opcode == (data[1] & 0x1f));
    AK_FUZZ_CHECK(m->sequence == (static_cast<std::uint16_t>(data[2] << 8) | data[3]));
    AK_FUZZ_CHECK(m->data.size() <= kMaxFragmentData);
    AK_FUZZ_CHECK(m->offset == offset);
    AK_FUZZ_CHECK(m->more == (i + 1 < out.size()));
    offset += m->data.size();
  }
  return 0;
}
