#include "check/cli.h"

#include <filesystem>
#include <optional>
#include <ostream>

#include "check/client_check.h"
#include "check/net.h"
#include "check/server_check.h"
#include "keys/keys_dir.h"

namespace ak::check {

namespace {

struct Args {
  std::string mode;
  std::string target;  // server mode
  std::string listen;  // client mode
  std::string keys_dir, password, host, group, scheme, pcap;
  bool json = false;
  std::optional<double> timeout;
  unsigned retries = 2;
  unsigned samples = 3;
};

// The one ntpkey_host_<H> in the folder, if there is exactly one.
std::string guess_host(const std::filesystem::path& dir) {
  std::string found;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string n = e.path().filename().string();
    const std::string prefix = "ntpkey_host_";
    if (n.rfind(prefix, 0) == 0) {
      if (!found.empty()) return "";
      found = n.substr(prefix.size());
    }
  }
  return found;
}

std::optional<core::Scheme> scheme_named(const std::string& s) {
  if (s == "tc") return core::Scheme::Tc;
  if (s == "pc") return core::Scheme::Pc;
  if (s == "iff") return core::Scheme::Iff;
  if (s == "gq") return core::Scheme::Gq;
  if (s == "mv") return core::Scheme::Mv;
  return std::nullopt;
}

}  // namespace

std::string usage() {
  return "usage:\n"
         "  autokey-check server HOST[:PORT] --keys DIR[:PASSWORD] [--host NAME] [--group NAME]\n"
         "                [--scheme tc|pc|iff|gq|mv] [--json] [--pcap FILE] [--timeout S] [--retries N]\n"
         "                [--samples N]\n"
         "  autokey-check client --listen ADDR:PORT --keys DIR[:PASSWORD] [--host NAME] [--group NAME]\n"
         "                [--json] [--pcap FILE] [--timeout S]\n"
         "server: act as an Autokey client of HOST and check every answer.\n"
         "client: act as the Autokey server of a client and check what it accepts.\n"
         "--keys: our ntp-keygen files (password: PASSWORD, else the host name); --host: which\n"
         "ntpkey_host_<NAME> (default: the only one); --group: identity files and expected group.\n"
         "--timeout: seconds per reply (server, default 1) or for the whole run (client, default 120).\n"
         "Exit status: 0 no check failed, 1 a check failed, 2 usage or setup error.\n";
}

int run_cli(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err) {
  Args a;
  if (argv.empty()) {
    err << usage();
    return 2;
  }
  a.mode = argv[0];
  if (a.mode == "-h" || a.mode == "--help") {
    out << usage();
    return 0;
  }
  for (std::size_t i = 1; i < argv.size(); ++i) {
    const std::string& w = argv[i];
    auto value = [&](std::string& dst) {
      if (i + 1 >= argv.size()) return false;
      dst = argv[++i];
      return true;
    };
    std::string v;
    bool ok = true;
    if (w == "--keys") {
      ok = value(v);
      const auto colon = v.rfind(':');
      if (colon != std::string::npos) {
        a.keys_dir = v.substr(0, colon);
        a.password = v.substr(colon + 1);
      } else {
        a.keys_dir = v;
      }
    } else if (w == "--host") ok = value(a.host);
    else if (w == "--group") ok = value(a.group);
    else if (w == "--scheme") ok = value(a.scheme);
    else if (w == "--pcap") ok = value(a.pcap);
    else if (w == "--listen") ok = value(a.listen);
    else if (w == "--json") a.json = true;
    else if (w == "--timeout" || w == "--retries" || w == "--samples") {
      ok = value(v);
      try {
        if (w == "--timeout") a.timeout = std::stod(v);
        else if (w == "--retries") a.retries = static_cast<unsigned>(std::stoul(v));
        else a.samples = static_cast<unsigned>(std::stoul(v));
      } catch (const std::exception&) {
        ok = false;
      }
    } else if (w == "-h" || w == "--help") {
      out << usage();
      return 0;
    } else if (!w.empty() && w[0] != '-' && a.mode == "server" && a.target.empty()) {
      a.target = w;
    } else {
      err << "autokey-check: unexpected argument: " << w << "\n" << usage();
      return 2;
    }
    if (!ok) {
      err << "autokey-check: bad or missing value for " << w << "\n";
      return 2;
    }
  }
  if ((a.mode != "server" && a.mode != "client") || a.keys_dir.empty() ||
      (a.mode == "server" && a.target.empty()) || (a.mode == "client" && a.listen.empty())) {
    err << usage();
    return 2;
  }

  // ---- our credentials ---------------------------------------------------------------
  if (a.host.empty()) a.host = guess_host(a.keys_dir);
  if (a.host.empty()) {
    err << "autokey-check: no single ntpkey_host_<NAME> in " << a.keys_dir << ": give --host NAME\n";
    return 2;
  }
  keys::KeysDirOptions ko;
  ko.dir = a.keys_dir;
  ko.host = a.host;
  ko.ident = a.group;
  ko.password = a.password;
  auto loaded = keys::load_keys_dir(ko);
  if (!loaded) {
    err << "autokey-check: " << keys::describe(loaded.error()) << "\n";
    return 2;
  }
  auto host = core::Host::create(std::move(loaded).value(), core::HostOptions{}, core::system_random());
  if (!host) {
    err << "autokey-check: " << core::describe(host.error()) << "\n";
    return 2;
  }

  std::optional<PcapWriter> pcap;
  if (!a.pcap.empty()) {
    auto w = PcapWriter::create(a.pcap);
    if (!w) {
      err << "autokey-check: " << w.error() << "\n";
      return 2;
    }
    pcap.emplace(std::move(w).value());
  }
  DriverOptions d;
  d.retries = a.retries;
  d.pcap = pcap ? &*pcap : nullptr;

  const Report* report = nullptr;
  std::unique_ptr<ServerChecker> server_checker;
  std::unique_ptr<ClientChecker> client_checker;
  if (a.mode == "server") {
    auto target = parse_endpoint(a.target, 123);
    if (!target) {
      err << "autokey-check: not a numeric HOST[:PORT]: " << a.target << "\n";
      return 2;
    }
    ServerCheckOptions o;
    if (!a.scheme.empty()) {
      auto s = scheme_named(a.scheme);
      if (!s) {
        err << "autokey-check: --scheme must be tc, pc, iff, gq or mv\n";
        return 2;
      }
      o.scheme = *s;
    } else {
      o.scheme = host->iff_par() ? core::Scheme::Iff
                 : host->gq_par() ? core::Scheme::Gq
                 : host->mv_par() ? core::Scheme::Mv
                                  : core::Scheme::Tc;
    }
    o.group = a.group;
    o.nonce_samples = a.samples;
    auto sockets = ClientSockets::open(*target);
    if (!sockets) {
      err << "autokey-check: " << sockets.error() << "\n";
      return 2;
    }
    o.client = (*sockets)->local();
    o.server = target->address;
    o.second_client = (*sockets)->second_address();
    d.timeout_s = a.timeout.value_or(1.0);
    server_checker = std::make_unique<ServerChecker>(*host, o);
    run_server_check(*server_checker, **sockets, d);
    report = &server_checker->report();
  } else {
    auto listen = parse_endpoint(a.listen, 123);
    if (!listen) {
      err << "autokey-check: not a numeric ADDR:PORT: " << a.listen << "\n";
      return 2;
    }
    ClientCheckOptions o;
    o.local = listen->address;
    d.timeout_s = a.timeout.value_or(120.0);
    client_checker = std::make_unique<ClientChecker>(*host, o);
    if (auto st = run_client_check(*client_checker, *listen, d); !st) {
      err << "autokey-check: " << st.error() << "\n";
      return 2;
    }
    report = &client_checker->report();
  }
  out << (a.json ? report->json() : report->table());
  return report->any_failed() ? 1 : 0;
}

}  // namespace ak::check
