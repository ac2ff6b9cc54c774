#include "check/pcap_writer.h"

namespace ak::check {

namespace {

void le32(wire::Bytes& b, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void le16(wire::Bytes& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v));
  b.push_back(static_cast<std::uint8_t>(v >> 8));
}

std::uint16_t ipv4_checksum(wire::ByteView header) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i + 1 < header.size(); i += 2) sum += static_cast<std::uint32_t>(header[i] << 8 | header[i + 1]);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

}  // namespace

Result<PcapWriter, std::string> PcapWriter::create(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return Err{std::string("cannot create ") + path};
  wire::Bytes h;
  le32(h, 0xa1b2c3d4u);  // microsecond timestamps, written little-endian
  le16(h, 2);
  le16(h, 4);
  le32(h, 0);       // thiszone
  le32(h, 0);       // sigfigs
  le32(h, 65535);   // snaplen
  le32(h, 101);     // LINKTYPE_RAW
  if (std::fwrite(h.data(), 1, h.size(), f) != h.size()) {
    std::fclose(f);
    return Err{std::string("cannot write ") + path};
  }
  return PcapWriter(f);
}

PcapWriter::~PcapWriter() {
  if (f_) std::fclose(f_);
}

wire::Bytes PcapWriter::frame(const wire::Address& src, std::uint16_t src_port, const wire::Address& dst,
                              std::uint16_t dst_port, wire::ByteView payload) {
  wire::Writer udp;
  udp.u16(src_port).u16(dst_port).u16(static_cast<std::uint16_t>(8 + payload.size())).u16(0).bytes(payload);
  wire::Writer ip;
  if (src.is_v4()) {
    ip.u8(0x45).u8(0).u16(static_cast<std::uint16_t>(20 + udp.size())).u16(0).u16(0x4000).u8(64).u8(17).u16(0);
    ip.bytes(src.octets()).bytes(dst.octets());
    wire::Bytes h = ip.take();
    const std::uint16_t sum = ipv4_checksum(h);
    h[10] = static_cast<std::uint8_t>(sum >> 8);
    h[11] = static_cast<std::uint8_t>(sum);
    wire::Writer out(std::move(h));
    out.bytes(udp.data());
    return out.take();
  }
  ip.u32(0x60000000u).u16(static_cast<std::uint16_t>(udp.size())).u8(17).u8(64);
  ip.bytes(src.octets()).bytes(dst.octets()).bytes(udp.data());
  return ip.take();
}

void PcapWriter::write(const wire::Address& src, std::uint16_t src_port, const wire::Address& dst,
                       std::uint16_t dst_port, wire::ByteView payload, std::int64_t sec, std::int64_t usec) {
  if (!f_) return;
  const wire::Bytes f = frame(src, src_port, dst, dst_port, payload);
  wire::Bytes rec;
  le32(rec, static_cast<std::uint32_t>(sec));
  le32(rec, static_cast<std::uint32_t>(usec));
  le32(rec, static_cast<std::uint32_t>(f.size()));
  le32(rec, static_cast<std::uint32_t>(f.size()));
  rec.insert(rec.end(), f.begin(), f.end());
  (void)std::fwrite(rec.data(), 1, rec.size(), f_);
  std::fflush(f_);
}

}  // namespace ak::check
