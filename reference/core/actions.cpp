#include "core/actions.h"

#include <cstdio>

namespace ak::core {

std::string_view to_string(TimerKind t) {
  switch (t) {
    case TimerKind::Poll: return "poll";
    case TimerKind::Refresh: return "refresh";
  }
  return "?";
}

std::string_view to_string(LogEvent e) {
  switch (e) {
    case LogEvent::Mobilized: return "mobilized";
    case LogEvent::Demobilized: return "demobilized";
    case LogEvent::Restarted: return "restarted";
    case LogEvent::Rejected: return "rejected";
    case LogEvent::Accepted: return "accepted";
    case LogEvent::SignatureUpdate: return "signature update";
    case LogEvent::ServerReply: return "server reply";
  }
  return "?";
}

namespace {
template <class... Ts>
struct Overload : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overload(Ts...) -> Overload<Ts...>;

std::string hex32(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%x", v);
  return buf;
}
}  // namespace

std::string describe(const Action& a) {
  return std::visit(
      Overload{
          [](const Send& s) {
            return "send " + s.to.to_string() + " <- " + s.from.to_string() + " " + std::to_string(s.bytes.size()) +
                   " octets";
          },
          [](const SetTimer& t) {
            return "timer " + std::to_string(t.assoc_id) + " " + std::string(to_string(t.which)) + " at " +
                   std::to_string(t.at);
          },
          [](const Log& l) {
            return "log " + std::string(to_string(l.event)) + " " + std::to_string(l.assoc_id) + ": " + l.text;
          },
          [](const Demobilize& d) { return "demobilize " + std::to_string(d.assoc_id); },
          [](const CryptoEvent& c) {
            return "crypto " + std::to_string(c.assoc_id) + " flags " + hex32(c.old_flags) + " -> " +
                   hex32(c.new_flags) + " " + c.text;
          },
          [](const Sample& s) {
            return "sample " + std::to_string(s.assoc_id) + (s.proventic ? " proventic" : " not proventic");
          },
      },
      a);
}

}  // namespace ak::core
