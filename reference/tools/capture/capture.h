// UDP datagrams out of a capture file (pcap or pcapng, read with libpcap).
//
// autokey-trace and the tests need only what a receiver sees: addresses,
// ports, arrival time and the UDP payload. Link, IP and UDP headers are
// decoded with the bounded reader; a frame that is not UDP over IPv4/IPv6 is
// kept as "skipped" with the reason, so packet numbers stay the capture's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wire/address.h"
#include "wire/reader.h"
#include "wire/result.h"

namespace ak::capture {

struct Datagram {
  std::size_t number = 0;  // 1-based frame number, as tshark counts
  std::int64_t time_sec = 0;
  std::int64_t time_usec = 0;
  wire::Address src;
  std::uint16_t src_port = 0;
  wire::Address dst;
  std::uint16_t dst_port = 0;
  wire::Bytes payload;
};

struct Frame {
  std::size_t number = 0;
  std::optional<Datagram> datagram;  // set when the frame is a UDP datagram
  std::string skipped_reason;        // why not, otherwise
};

struct Capture {
  std::vector<Frame> frames;
  // Only the UDP datagrams, in capture order.
  std::vector<Datagram> datagrams() const;
};

// Reads every frame of the file. Errors: the file cannot be opened or is not
// a capture libpcap understands (the message says which).
Result<Capture, std::string> read_capture(const std::string& path);

// Decodes one link-layer frame (DLT value as libpcap reports it). Exposed for
// tests and fuzzing; returns the reason on failure.
Result<Datagram, std::string> decode_frame(int linktype, wire::ByteView frame);

}  // namespace ak::capture
