// autokey-q [--port N] [-n] [-p] [-c CMD]... HOST
//
// An ntpq-style mode 6 client for autokeyd and ntpd. Commands:
//   rv|readvar [ASSOC] [NAME[,NAME...]]   variables (ASSOC 0: the system)
//   as|associations                       the association list
//   cv|clockvar [ASSOC] [NAME[,NAME...]]  a reference clock's variables
//   peers (also -p)                       the peer billboard
// Host names are never resolved in output; -n also keeps reference clocks
// as 127.127.T.U where ntpq would print "LOCAL(0)".
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <sstream>
#include <string>
#include <vector>

#include "client.h"
#include "print.h"

namespace {

using ak::q::Client;
using ak::q::QError;

// The usage text: on stdout with status 0 when asked for (-h, --help), on
// stderr with status 2 after a mistake.
int usage(bool asked = false) {
  std::fprintf(asked ? stdout : stderr,
               "usage: autokey-q [--port N] [-n] [-p] [-c CMD]... HOST\n"
               "commands: rv [ASSOC] [NAMES], cv [ASSOC] [NAMES], as, peers\n");
  return asked ? 0 : 2;
}

bool report(const ak::Result<ak::q::Response, QError>& r, const Client& c) {
  if (r.ok()) return true;
  if (r.error() == QError::ServerError)
    std::fprintf(stderr, "***Server reports %s\n",
                 std::string(ak::control::describe(static_cast<ak::control::ControlError>(c.last_error_code()))).c_str());
  else
    std::fprintf(stderr, "autokey-q: %s\n", std::string(ak::q::describe(r.error())).c_str());
  return false;
}

std::uint32_t ntp_now() {
  const auto unix_s = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  return static_cast<std::uint32_t>(unix_s + 2208988800LL);
}

bool numeric = false;  // -n

bool run(Client& c, const std::string& command) {
  std::istringstream in(command);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  if (words.empty()) return true;
  const std::string& verb = words[0];
  const bool clock = verb == "cv" || verb == "clockvar";
  if (verb == "rv" || verb == "readvar" || clock) {
    std::size_t i = 1;
    unsigned long assoc = 0;
    if (i < words.size()) {
      char* end = nullptr;
      const unsigned long v = std::strtoul(words[i].c_str(), &end, 10);
      if (*end == '\0' && v <= 65535) {
        assoc = v;
        ++i;
      }
    }
    std::string names;
    for (; i < words.size(); ++i) names += (names.empty() ? "" : ",") + words[i];
    const auto r = c.query(clock ? 4 : 2, static_cast<std::uint16_t>(assoc), names);
    if (!report(r, c)) return false;
    std::fputs((clock ? ak::q::format_clockvar(*r, !names.empty()) : ak::q::format_readvar(*r, !names.empty())).c_str(),
               stdout);
    return true;
  }
  if (verb == "as" || verb == "associations" || verb == "peers") {
    const auto st = c.query(1, 0, "");
    if (!report(st, c)) return false;
    const auto assocs = ak::q::parse_readstat(st->data);
    if (verb != "peers") {
      std::fputs(ak::q::format_associations(assocs).c_str(), stdout);
      return true;
    }
    std::vector<ak::q::PeerRow> rows;
    for (const auto& a : assocs) {
      const auto r = c.query(2, a.id, "");
      if (!report(r, c)) return false;
      rows.push_back({r->status, ak::q::split_variables(r->data)});
    }
    std::fputs(ak::q::format_peers(rows, ntp_now(), numeric).c_str(), stdout);
    return true;
  }
  std::fprintf(stderr, "autokey-q: unknown command %s\n", verb.c_str());
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> commands;
  std::string host;
  unsigned long port = 123;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "-h" || a == "--help") return usage(true);
    if (a == "--port" && i + 1 < argc) {
      char* end = nullptr;
      port = std::strtoul(argv[++i], &end, 10);
      if (*end != '\0' || port == 0 || port > 65535) return usage();
    } else if (a == "-n") {
      numeric = true;
    } else if (a == "-p") {
      commands.emplace_back("peers");
    } else if (a == "-c" && i + 1 < argc) {
      commands.emplace_back(argv[++i]);
    } else if (!a.empty() && a[0] != '-' && host.empty()) {
      host = a;
    } else {
      return usage();
    }
  }
  if (host.empty()) host = "localhost";
  if (commands.empty()) return usage();
  auto client = Client::open(host, static_cast<std::uint16_t>(port));
  if (!client) {
    std::fprintf(stderr, "autokey-q: %s: %s\n", host.c_str(), std::string(ak::q::describe(client.error())).c_str());
    return 1;
  }
  bool ok = true;
  for (const auto& cmd : commands) ok = run(*client, cmd) && ok;
  return ok ? 0 : 1;
}
