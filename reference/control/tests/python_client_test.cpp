// An independent client: ntpsec's python ControlSession (Debian's
// python3-ntp) reads our responder. It only talks to port 123, so the test
// runs the fake server and the client in a private network namespace
// (`unshare -n` as root, `unshare -rn` through a user namespace otherwise),
// and skips when neither is available.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace ak::control {
namespace {

struct ShellRun {
  int status = -1;
  std::string out;
};

ShellRun shell(const std::string& cmd) {
  ShellRun r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) r.out.append(buf, n);
  r.status = ::pclose(p);
  return r;
}

// The unshare prefix that gives a fresh network namespace here, or "".
std::string namespace_prefix() {
  for (const char* prefix : {"unshare -n", "unshare -rn"})
    if (shell(std::string(prefix) + " ip link set lo up 2>/dev/null").status == 0) return prefix;
  return "";
}

TEST(PythonNtpClient, NtpsecControlSessionReadsSystemPeerListAndPeerVariables) {
  if (shell("/usr/bin/python3 -c 'import ntp.packet' 2>/dev/null").status != 0)
    GTEST_SKIP() << "python3-ntp (ntpsec's ntp.packet) is not installed for /usr/bin/python3";
  const std::string prefix = namespace_prefix();
  if (prefix.empty())
    GTEST_SKIP() << "no network namespace: neither `unshare -n` nor `unshare -rn` works here (needs root or "
                    "unprivileged user namespaces, and iproute2)";
  // Inside the namespace: lo up, the server on 127.0.0.1:123, wait for its
  // "ready" line, run the client, stop the server.
  const std::string script =
      "ip link set lo up; log=$(mktemp); '" AK_CONTROL_FAKE_SERVER "' 123 >\"$log\" & srv=$!; "
      "i=0; while ! grep -q ready \"$log\" && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; "
      "/usr/bin/python3 '" AK_CONTROL_PYTHON_CLIENT "'; rc=$?; kill $srv; rm -f \"$log\"; exit $rc";
  const ShellRun r = shell(prefix + " sh -c '" + [&] {
    // Quote the script for the outer single quotes.
    std::string q;
    for (char c : script) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q;
  }() + "' 2>&1");
  ASSERT_EQ(r.status, 0) << r.out;
  // Values as ntpsec decodes them, from the mode6-ntpq capture's state.
  for (const char* line : {"assoc 36732 status=f61e\n", "peer.flags=556835\n",  // 0x87f23
                           "peer.host='servername@servername'\n", "peer.ident='servername'\n",
                           "peer.signature='md5WithRSAEncryption'\n", "sys.flags=524291\n",  // 0x80003
                           "sys.digest='md5'\n", "sys.host='clientname@servername'\n", "sys.update=202611261725\n",
                           "sys.stratum=5\n", "sys.precision=-24\n", "sys.rootdisp=10.951\n",
                           "sys.reftime='0xeeb2ea72.5327f161'\n",
                           "sys.version='ntpd 4.2.8p15@1.3728-o Thu Nov 26 17:13:24 UTC 2026 (2)'\n"})
    EXPECT_NE(r.out.find(line), std::string::npos) << "missing " << line << "in:\n" << r.out;
}

}  // namespace
}  // namespace ak::control
