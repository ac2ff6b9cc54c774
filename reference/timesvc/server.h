// Server side of the on-wire protocol (RFC 5905 §9.2, the "fast transmit"
// path): a reply header built from the system variables and the request.
#pragma once

#include <string_view>

#include "timesvc/ntp_time.h"
#include "timesvc/system.h"
#include "wire/ntp_header.h"

namespace ak::timesvc {

// The served root dispersion: the system value grown by PHI since the last
// clock update (RFC 5905 §11.1: dispersion grows at PHI while nothing new
// arrives), as the fixtures show ntpd doing between updates.
double served_root_dispersion(const SystemVars& sys, NtpTimestamp now);

// A reply to `request` that arrived at `arrival` and leaves at `xmt`:
// mode 4 for a client request, 2 (symmetric passive) for a symmetric-active
// one. Origin = request transmit, receive = arrival, transmit = xmt; version
// and poll echo the request (fixtures). Unsynchronized: leap 3, stratum 0 on
// the wire (our 16, RFC 5905 §7.3 figure 11: 0 = unspecified), as ntpd sends.
wire::NtpHeader make_response(const SystemVars& sys, const wire::NtpHeader& request,
                              NtpTimestamp arrival, NtpTimestamp xmt);

// A broadcast (mode 5) header: origin and receive zero (bcast fixture).
wire::NtpHeader make_broadcast(const SystemVars& sys, int poll, NtpTimestamp xmt);

// A kiss-o'-death reply (RFC 5905 §7.4): leap 3, stratum 0, the code in the
// refid ("RATE" for rate limiting); timestamps as make_response.
wire::NtpHeader make_kiss(const SystemVars& sys, const wire::NtpHeader& request,
                          NtpTimestamp arrival, NtpTimestamp xmt, std::string_view code = "RATE");

}  // namespace ak::timesvc
