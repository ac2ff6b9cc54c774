// A small pcap writer for --pcap: each datagram as a raw IPv4/IPv6 + UDP
// frame (LINKTYPE_RAW), readable by capture::read_capture, autokey-trace,
// tcpdump and Wireshark. (reference/tools/capture only reads.)
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "wire/address.h"
#include "wire/reader.h"
#include "wire/result.h"

namespace ak::check {

class PcapWriter {
 public:
  // Creates (truncates) the file and writes the global header.
  static Result<PcapWriter, std::string> create(const std::string& path);
  PcapWriter(PcapWriter&& o) noexcept : f_(o.f_) { o.f_ = nullptr; }
  PcapWriter& operator=(PcapWriter&&) = delete;
  PcapWriter(const PcapWriter&) = delete;
  ~PcapWriter();

  // One datagram; src and dst must be the same family. Time in Unix seconds
  // and microseconds.
  void write(const wire::Address& src, std::uint16_t src_port, const wire::Address& dst, std::uint16_t dst_port,
             wire::ByteView payload, std::int64_t sec, std::int64_t usec);

  // The frame write() stores, without the record header (exposed for tests).
  static wire::Bytes frame(const wire::Address& src, std::uint16_t src_port, const wire::Address& dst,
                           std::uint16_t dst_port, wire::ByteView payload);

 private:
  explicit PcapWriter(std::FILE* f) : f_(f) {}
  std::FILE* f_ = nullptr;
};

}  // namespace ak::check
