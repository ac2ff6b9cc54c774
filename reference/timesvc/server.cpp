#include "timesvc/server.h"

#include <algorithm>

namespace ak::timesvc {

namespace {
wire::NtpHeader from_system(const SystemVars& sys, NtpTimestamp xmt) {
  wire::NtpHeader h;
  const bool synced = sys.synchronized();
  h.leap = static_cast<std::uint8_t>(synced ? sys.leap : kNoSync);
  h.version = 4;
  h.stratum = stratum_to_wire(synced ? sys.stratum : kMaxStratum);
  h.precision = static_cast<std::int8_t>(sys.precision);
  h.root_delay = short_from_seconds(sys.root_delay);
  h.root_dispersion = short_from_seconds(served_root_dispersion(sys, xmt));
  h.refid = sys.refid;
  h.reference_ts = sys.reference_time;
  h.transmit_ts = xmt;
  return h;
}
}  // namespace

double served_root_dispersion(const SystemVars& sys, NtpTimestamp now) {
  const double age = sys.update_time == 0 ? 0.0 : std::max(0.0, diff(now, sys.update_time));
  return sys.root_dispersion + kPhi * age;
}

wire::NtpHeader make_response(const SystemVars& sys, const wire::NtpHeader& request,
                              NtpTimestamp arrival, NtpTimestamp xmt) {
  wire::NtpHeader h = from_system(sys, xmt);
  h.version = request.version;
  h.mode = static_cast<std::uint8_t>(request.mode_enum() == wire::Mode::SymmetricActive
                                         ? wire::Mode::SymmetricPassive
                                         : wire::Mode::Server);
  h.poll = request.poll;
  h.origin_ts = request.transmit_ts;
  h.receive_ts = arrival;
  return h;
}

wire::NtpHeader make_broadcast(const SystemVars& sys, int poll, NtpTimestamp xmt) {
  wire::NtpHeader h = from_system(sys, xmt);
  h.mode = static_cast<std::uint8_t>(wire::Mode::Broadcast);
  h.poll = static_cast<std::int8_t>(poll);
  return h;
}

wire::NtpHeader make_kiss(const SystemVars& sys, const wire::NtpHeader& request,
                          NtpTimestamp arrival, NtpTimestamp xmt, std::string_view code) {
  wire::NtpHeader h = make_response(sys, request, arrival, xmt);
  h.leap = kNoSync;
  h.stratum = 0;
  h.refid = refid_from_text(code);
  return h;
}

}  // namespace ak::timesvc
