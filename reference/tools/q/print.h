// ntpq's views, reproduced (operator-surface §4.8): `rv`, `as`, `-p`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "q.h"

namespace ak::q {

// Variables as ntpq prints them: "name=value" joined by ", ", wrapped with
// ",\n" before an item that would pass column 72, ended with "\n".
class OutputLine {
 public:
  void item(const std::string& name, const std::string& value);
  std::string finish();

 private:
  std::string out_;
  std::size_t line_ = 0;
  bool any_ = false;
};

// "leap_none, sync_ntp, 1 event, restart"
std::string system_status_text(std::uint16_t status);
// "conf, authenb, auth, reach, sel_sys.peer, 1 event, interleave_mode"
std::string peer_status_text(std::uint16_t status);

// ntpq's cooked value for one variable of the system (assoc 0) or a peer:
// leap as two binary digits, reach in octal, timestamps as dates (UTC),
// refclock refids by driver name, signed offsets, aligned filter arrays.
std::string cooked_value(bool system, const std::string& name, const std::string& value);

// `rv`: with `quiet` (variables were named) no status header line.
std::string format_readvar(const Response& r, bool quiet);
// `as`
std::string format_associations(const std::vector<control::AssociationStatus>& assocs);

// `-p`: one row per association from its default READVAR answer; `now` is
// the local clock as NTP seconds (for the `when` column).
struct PeerRow {
  std::uint16_t status = 0;
  std::vector<Variable> variables;
};
// `numeric` (-n) keeps reference clocks as 127.127.T.U instead of "LOCAL(0)".
std::string format_peers(const std::vector<PeerRow>& rows, std::uint32_t now, bool numeric = false);

// `cv`/`clockvar` (READCLOCK): "clk_unspec, last_clk_unspec" status text and
// the clock's variables as sent.
std::string clock_status_text(std::uint16_t status);
std::string format_clockvar(const Response& r, bool quiet);

}  // namespace ak::q
