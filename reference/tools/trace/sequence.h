// Message sequence diagrams from a capture: one lifeline per host, one arrow
// per packet, labelled with the Autokey fields it carries (R and E bits lit
// as "-R"/"-E", ASSOC fields with the status-word flags they announce).
//
// build_sequence() reads the capture once into a Sequence; the three
// renderers only lay it out, so docs/figures/*-sequence.svg, the Mermaid text
// and the plain-text lanes always show the same arrows.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

#include "capture/capture.h"

namespace ak::trace {

struct Lifeline {
  std::string address;  // "10.123.0.2" (no port: the session key hashes addresses only)
  std::string role;     // "client", "server", "peer", "broadcast", "host"
};

struct Arrow {
  std::size_t number = 0;  // frame number, as tshark counts
  double time = 0;         // seconds since the first frame
  std::size_t from = 0;    // index into Sequence::lifelines
  std::size_t to = 0;
  std::string mode;        // "client", "server", "sym-active", "broadcast", ...
  std::string label;       // "ASSOC [ENAB|IFF]", "CERT-R", "MAC 0x202b4caf", "crypto-NAK"
};

struct Sequence {
  std::vector<Lifeline> lifelines;  // clients left, servers right, broadcast addresses last
  std::vector<Arrow> arrows;        // capture order
  std::vector<std::string> skipped; // "frame 7: not UDP: ..." (kept out of the drawing)
};

// Every UDP frame of the capture becomes an arrow; a datagram that does not
// parse gets the label "malformed: <reason>" rather than disappearing.
Sequence build_sequence(const capture::Capture& cap);

// "client 10.123.0.2" style header, then one line per packet with an ASCII arrow.
void print_sequence_text(std::ostream& out, const Sequence& s);
// A Mermaid sequenceDiagram (renders on GitHub and in mermaid-cli).
void print_sequence_mermaid(std::ostream& out, const Sequence& s);
// A self-contained SVG (no external fonts or scripts); deterministic for a
// given capture, so a checked-in figure can be diffed against a fresh one.
void print_sequence_svg(std::ostream& out, const Sequence& s, const std::string& title);

}  // namespace ak::trace
