#include "capture/capture.h"

#include <pcap/pcap.h>

#include <memory>

namespace ak::capture {
namespace {

constexpr std::uint16_t kEtherIPv4 = 0x0800;
constexpr std::uint16_t kEtherIPv6 = 0x86dd;
constexpr std::uint16_t kEtherVlan = 0x8100;
constexpr std::uint8_t kProtoUdp = 17;

// Decodes IPv4 or IPv6 + UDP starting at the network header.
Result<Datagram, std::string> decode_ip(wire::Reader r) {
  const auto first = r.peek_u32();
  if (!first) return Err{std::string("truncated IP header")};
  const unsigned version = *first >> 28;
  Datagram d;
  wire::Reader l4(wire::ByteView{});
  if (version == 4) {
    const std::size_t ihl = ((*first >> 24) & 0x0f) * 4u;
    auto hdr = r.sub(ihl < 20 ? 20 : ihl);
    if (!hdr || ihl < 20) return Err{std::string("truncated or bad IPv4 header")};
    hdr->skip(2);
    const auto total = hdr->u16();
    hdr->skip(4);  // id, flags, fragment
    hdr->skip(1);  // ttl
    const auto proto = hdr->u8();
    hdr->skip(2);  // checksum
    const auto src = hdr->bytes(4);
    const auto dst = hdr->bytes(4);
    if (!total || !proto || !src || !dst) return Err{std::string("truncated IPv4 header")};
    if (*proto != kProtoUdp) return Err{std::string("not UDP")};
    if (*total < ihl) return Err{std::string("IPv4 total length shorter than its header")};
    auto body = r.sub(std::min<std::size_t>(*total - ihl, r.remaining()));
    if (!body) return Err{std::string("truncated IPv4 payload")};
    l4 = *body;
    d.src = wire::Address::v4({(*src)[0], (*src)[1], (*src)[2], (*src)[3]});
    d.dst = wire::Address::v4({(*dst)[0], (*dst)[1], (*dst)[2], (*dst)[3]});
  } else if (version == 6) {
    r.skip(4);
    const auto plen = r.u16();
    const auto next = r.u8();
    r.skip(1);  // hop limit
    const auto src = r.bytes(16);
    const auto dst = r.bytes(16);
    if (!plen || !next || !src || !dst) return Err{std::string("truncated IPv6 header")};
    // Extension headers are not followed: Autokey traffic does not use them.
    if (*next != kProtoUdp) return Err{std::string("not UDP")};
    auto body = r.sub(std::min<std::size_t>(*plen, r.remaining()));
    if (!body) return Err{std::string("truncated IPv6 payload")};
    l4 = *body;
    std::array<std::uint8_t, 16> s{}, t{};
    for (std::size_t i = 0; i < 16; ++i) {
      s[i] = (*src)[i];
      t[i] = (*dst)[i];
    }
    d.src = wire::Address::v6(s);
    d.dst = wire::Address::v6(t);
  } else {
    return Err{std::string("not IPv4 or IPv6")};
  }
  const auto sport = l4.u16();
  const auto dport = l4.u16();
  const auto ulen = l4.u16();
  if (!sport || !dport || !ulen || !l4.skip(2)) return Err{std::string("truncated UDP header")};
  if (*ulen < 8) return Err{std::string("UDP length shorter than its header")};
  const std::size_t want = *ulen - 8u;
  if (want > l4.remaining()) return Err{std::string("truncated UDP payload (snap length?)")};
  const auto payload = l4.bytes(want);
  d.src_port = *sport;
  d.dst_port = *dport;
  d.payload.assign(payload->begin(), payload->end());
  return d;
}

}  // namespace

Result<Datagram, std::string> decode_frame(int linktype, wire::ByteView frame) {
  wire::Reader r(frame);
  switch (linktype) {
    case DLT_EN10MB: {
      if (!r.skip(12)) return Err{std::string("truncated Ethernet header")};
      auto type = r.u16();
      while (type && *type == kEtherVlan) {
        r.skip(2);
        type = r.u16();
      }
      if (!type) return Err{std::string("truncated Ethernet header")};
      if (*type != kEtherIPv4 && *type != kEtherIPv6) return Err{std::string("not IP")};
      return decode_ip(r);
    }
    case DLT_LINUX_SLL: {
      if (!r.skip(14)) return Err{std::string("truncated Linux cooked header")};
      const auto type = r.u16();
      if (!type || (*type != kEtherIPv4 && *type != kEtherIPv6)) return Err{std::string("not IP")};
      return decode_ip(r);
    }
#ifdef DLT_LINUX_SLL2
    case DLT_LINUX_SLL2: {
      const auto type = r.u16();
      if (!type || !r.skip(18)) return Err{std::string("truncated Linux cooked v2 header")};
      if (*type != kEtherIPv4 && *type != kEtherIPv6) return Err{std::string("not IP")};
      return decode_ip(r);
    }
#endif
    case DLT_NULL:
    case DLT_LOOP:
      if (!r.skip(4)) return Err{std::string("truncated loopback header")};
      return decode_ip(r);
    case DLT_RAW:
    case 101:  // LINKTYPE_RAW as stored in files
    case 228:  // LINKTYPE_IPV4
    case 229:  // LINKTYPE_IPV6
      return decode_ip(r);
    default:
      return Err{"unsupported link type " + std::to_string(linktype)};
  }
}

std::vector<Datagram> Capture::datagrams() const {
  std::vector<Datagram> out;
  for (const auto& f : frames)
    if (f.datagram) out.push_back(*f.datagram);
  return out;
}

Result<Capture, std::string> read_capture(const std::string& path) {
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  std::unique_ptr<pcap_t, void (*)(pcap_t*)> handle(pcap_open_offline(path.c_str(), errbuf), pcap_close);
  if (!handle) return Err{path + ": " + errbuf};
  const int linktype = pcap_datalink(handle.get());
  Capture cap;
  pcap_pkthdr* hdr = nullptr;
  const u_char* data = nullptr;
  int rc = 0;
  while ((rc = pcap_next_ex(handle.get(), &hdr, &data)) == 1) {
    Frame f;
    f.number = cap.frames.size() + 1;
    auto d = decode_frame(linktype, wire::ByteView(data, hdr->caplen));
    if (d.ok()) {
      f.datagram = std::move(d).value();
      f.datagram->number = f.number;
      f.datagram->time_sec = hdr->ts.tv_sec;
      f.datagram->time_usec = hdr->ts.tv_usec;
    } else {
      f.skipped_reason = d.error();
    }
    cap.frames.push_back(std::move(f));
  }
  if (rc == -1) return Err{path + ": " + pcap_geterr(handle.get())};
  return cap;
}

}  // namespace ak::capture
