#include "trace/sequence.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <variant>

#include "wire/datagram.h"
#include "wire/flags.h"
#include "wire/messages/message.h"
#include "wire/packet.h"

namespace ak::trace {

namespace {

std::string hex32(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

// One word per field: the opcode with its R/E bits, and for ASSOC the flags
// of the sender's status word (what it is and which identity schemes it
// serves, digest §4) since those decide the rest of the dance.
std::string field_label(const wire::ExtensionField& ef) {
  std::string s = wire::opcode_name(ef.code);
  if (ef.error)
    s += "-E";
  else if (ef.response)
    s += "-R";
  if (ef.version != wire::kAutokeyVersion) s += "/v" + std::to_string(ef.version);
  if (ef.opcode() == wire::Opcode::Assoc && !ef.is_short_form()) {
    auto m = wire::decode(ef);
    if (m) {
      const wire::AssocMessage* a = nullptr;
      if (const auto* q = std::get_if<wire::AssocRequest>(&*m)) a = q;
      if (const auto* r = std::get_if<wire::AssocResponse>(&*m)) a = r;
      if (a) s += " [" + wire::flag_names(a->status.flags()) + "]";
    }
  }
  return s;
}

std::string packet_label(const wire::Packet& p) {
  if (p.is_crypto_nak()) return "crypto-NAK";
  std::string s;
  for (const auto& ef : p.fields) s += (s.empty() ? "" : " + ") + field_label(ef);
  if (p.fields.empty()) {
    if (!p.mac) return "no MAC";
    // Key IDs below 65536 are symmetric keys from a keys file, not autokeys
    // (digest §6.3); still one MAC either way.
    return "MAC " + hex32(p.mac->key_id);
  }
  return s;
}

int role_rank(const std::string& role) {
  if (role == "client") return 0;
  if (role == "peer") return 1;
  if (role == "host") return 2;
  if (role == "server") return 3;
  return 4;  // broadcast
}

std::string xml_escape(const std::string& in) {
  std::string out;
  for (char c : in) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string fixed3(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

}  // namespace

Sequence build_sequence(const capture::Capture& cap) {
  struct Host {
    std::string address;
    std::size_t first_seen = 0;
    std::string sent_mode;      // mode of the first packet it sent
    bool receives_broadcast = false;
  };
  std::vector<Host> hosts;
  auto host_index = [&](const std::string& addr) {
    for (std::size_t i = 0; i < hosts.size(); ++i)
      if (hosts[i].address == addr) return i;
    hosts.push_back({addr, hosts.size(), "", false});
    return hosts.size() - 1;
  };

  Sequence s;
  double t0 = 0;
  bool have_t0 = false;
  std::vector<std::pair<std::size_t, std::size_t>> ends;  // host indices per arrow
  for (const auto& f : cap.frames) {
    if (!f.datagram) {
      s.skipped.push_back("frame " + std::to_string(f.number) + ": not UDP: " + f.skipped_reason);
      continue;
    }
    const auto& d = *f.datagram;
    const double t = static_cast<double>(d.time_sec) + static_cast<double>(d.time_usec) / 1e6;
    if (!have_t0) {
      t0 = t;
      have_t0 = true;
    }
    Arrow a;
    a.number = f.number;
    a.time = t - t0;
    const std::size_t from = host_index(d.src.to_string());
    const std::size_t to = host_index(d.dst.to_string());
    auto parsed = wire::parse_datagram(d.payload);
    if (!parsed) {
      a.label = "malformed: " + std::string(wire::message(parsed.error()));
    } else if (const auto* p = std::get_if<wire::Packet>(&*parsed)) {
      a.mode = std::string(wire::name(p->header.mode_enum()));
      a.label = packet_label(*p);
      if (hosts[from].sent_mode.empty()) hosts[from].sent_mode = a.mode;
      if (p->header.mode_enum() == wire::Mode::Broadcast) hosts[to].receives_broadcast = true;
    } else if (std::holds_alternative<wire::ControlMessage>(*parsed)) {
      a.mode = "control";
      a.label = "mode 6 control";
    } else {
      a.mode = "private";
      a.label = "mode 7";
    }
    ends.emplace_back(from, to);
    s.arrows.push_back(std::move(a));
  }

  // Roles from what each host sends; order clients left, servers right.
  std::vector<Lifeline> lines;
  for (const auto& h : hosts) {
    std::string role = "host";
    if (h.sent_mode == "client") role = "client";
    else if (h.sent_mode == "server" || h.sent_mode == "broadcast") role = "server";
    else if (h.sent_mode == "sym-active" || h.sent_mode == "sym-passive") role = "peer";
    else if (h.sent_mode.empty() && h.receives_broadcast) role = "broadcast";
    lines.push_back({h.address, role});
  }
  std::vector<std::size_t> order(hosts.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return role_rank(lines[a].role) < role_rank(lines[b].role); });
  std::vector<std::size_t> position(hosts.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    position[order[i]] = i;
    s.lifelines.push_back(lines[order[i]]);
  }
  for (std::size_t i = 0; i < s.arrows.size(); ++i) {
    s.arrows[i].from = position[ends[i].first];
    s.arrows[i].to = position[ends[i].second];
  }
  return s;
}

void print_sequence_text(std::ostream& out, const Sequence& s) {
  constexpr std::size_t kLane = 34;  // columns between two lifelines
  const std::size_t width = s.lifelines.empty() ? 1 : (s.lifelines.size() - 1) * kLane + 1;
  std::string head(width + kLane, ' ');
  for (std::size_t i = 0; i < s.lifelines.size(); ++i) {
    const std::string name = s.lifelines[i].role + " " + s.lifelines[i].address;
    head.replace(i * kLane, std::min(name.size(), head.size() - i * kLane), name.substr(0, kLane - 1));
  }
  while (!head.empty() && head.back() == ' ') head.pop_back();
  out << std::string(16, ' ') << head << "\n";
  for (const auto& a : s.arrows) {
    std::string lane(width, ' ');
    for (std::size_t i = 0; i < s.lifelines.size(); ++i) lane[i * kLane] = '|';
    const std::size_t x1 = a.from * kLane, x2 = a.to * kLane;
    const std::size_t lo = std::min(x1, x2), hi = std::max(x1, x2);
    for (std::size_t x = lo + 1; x < hi; ++x) lane[x] = '-';
    if (x2 > x1) lane[hi - 1] = '>';
    else if (x2 < x1) lane[lo + 1] = '<';
    // The label sits on the arrow, starting two columns in.
    const std::string label = " " + a.label + " ";
    if (hi > lo + 4) {
      const std::size_t room = hi - lo - 4;
      lane.replace(lo + 3, std::min(label.size(), room), label.substr(0, room));
    }
    char num[32];
    std::snprintf(num, sizeof num, "%5zu %9.3f ", a.number, a.time);
    std::string line = std::string(num) + " " + lane;
    if (hi <= lo + 4 || label.size() > hi - lo - 4) line += "  " + a.label;  // did not fit
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << "\n";
  }
}

void print_sequence_mermaid(std::ostream& out, const Sequence& s) {
  out << "sequenceDiagram\n";
  for (std::size_t i = 0; i < s.lifelines.size(); ++i)
    out << "    participant H" << i << " as " << s.lifelines[i].role << " " << s.lifelines[i].address << "\n";
  for (const auto& a : s.arrows) {
    std::string label = a.label;
    // Mermaid ends a message at ';'.
    std::replace(label.begin(), label.end(), ';', ',');
    out << "    H" << a.from << "->>H" << a.to << ": " << a.number << " (" << fixed3(a.time) << " s) " << label
        << "\n";
  }
}

void print_sequence_svg(std::ostream& out, const Sequence& s, const std::string& title) {
  // Fixed geometry: a left column for packet number and time, one lane per
  // lifeline, one row per packet.
  constexpr int kLeft = 120, kLane = 300, kTop = 70, kRow = 26, kBox = 200;
  const int lanes = static_cast<int>(s.lifelines.size());
  const int width = kLeft + std::max(1, lanes) * kLane;
  const int height = kTop + static_cast<int>(s.arrows.size()) * kRow + 30;
  auto lane_x = [&](std::size_t i) { return kLeft + kLane / 2 + static_cast<int>(i) * kLane; };

  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
      << "\" viewBox=\"0 0 " << width << " " << height << "\" font-family=\"monospace\" font-size=\"12\">\n";
  out << "<title>" << xml_escape(title) << "</title>\n";
  out << "<defs><marker id=\"head\" markerWidth=\"10\" markerHeight=\"8\" refX=\"10\" refY=\"4\" "
         "orient=\"auto\"><path d=\"M0,0 L10,4 L0,8 z\" fill=\"#333\"/></marker></defs>\n";
  out << "<rect x=\"0\" y=\"0\" width=\"" << width << "\" height=\"" << height << "\" fill=\"white\"/>\n";
  out << "<text x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">" << xml_escape(title) << "</text>\n";
  out << "<text x=\"10\" y=\"" << kTop - 8 << "\" fill=\"#666\">pkt    time s</text>\n";
  for (std::size_t i = 0; i < s.lifelines.size(); ++i) {
    const int x = lane_x(i);
    out << "<rect x=\"" << x - kBox / 2 << "\" y=\"30\" width=\"" << kBox
        << "\" height=\"26\" rx=\"4\" fill=\"#eef3fb\" stroke=\"#335\"/>\n";
    out << "<text x=\"" << x << "\" y=\"47\" text-anchor=\"middle\">" << xml_escape(s.lifelines[i].role) << " "
        << xml_escape(s.lifelines[i].address) << "</text>\n";
    out << "<line x1=\"" << x << "\" y1=\"56\" x2=\"" << x << "\" y2=\"" << height - 10
        << "\" stroke=\"#999\" stroke-dasharray=\"4,3\"/>\n";
  }
  for (std::size_t k = 0; k < s.arrows.size(); ++k) {
    const Arrow& a = s.arrows[k];
    const int y = kTop + static_cast<int>(k) * kRow + 16;
    char left[48];
    std::snprintf(left, sizeof left, "%3zu %9.3f", a.number, a.time);
    out << "<text x=\"10\" y=\"" << y << "\" fill=\"#666\" xml:space=\"preserve\">" << left << "</text>\n";
    const int x1 = lane_x(a.from), x2 = lane_x(a.to);
    // Autokey messages in dark blue, plain MAC-only packets in grey.
    const bool plain = a.label.rfind("MAC ", 0) == 0;
    const char* colour = plain ? "#888" : "#1f3f7a";
    out << "<line x1=\"" << x1 << "\" y1=\"" << y << "\" x2=\"" << x2 << "\" y2=\"" << y << "\" stroke=\"" << colour
        << "\" marker-end=\"url(#head)\"/>\n";
    out << "<text x=\"" << (x1 + x2) / 2 << "\" y=\"" << y - 4 << "\" text-anchor=\"middle\" fill=\"" << colour
        << "\">" << xml_escape(a.label) << "</text>\n";
  }
  out << "</svg>\n";
}

}  // namespace ak::trace
