// Clock selection (RFC 5905 §11.2.1), cluster (§11.2.2) and combine
// (§11.2.3) as pure functions over a snapshot of the candidates, so that each
// step can be tested alone.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

namespace ak::timesvc {

struct Candidate {
  std::size_t id = 0;          // caller's index (peer number)
  double offset = 0;           // peer offset (s)
  double root_distance = 0;    // lambda (s)
  double jitter = 0;           // peer jitter (s)
  int stratum = 0;
  bool prefer = false;
};

// §11.2.1: the largest intersection of correctness intervals
// [offset - lambda, offset + lambda] that contains a majority. Returns the
// truechimers: candidates whose interval overlaps the intersection (ntpd's
// rule, slightly more tolerant than the RFC's midpoint test). Empty when no
// majority agrees.
struct Intersection {
  double low = 0, high = 0;
  std::vector<Candidate> truechimers;
};
std::optional<Intersection> intersect(const std::vector<Candidate>& candidates);

// §11.2.2: order by metric (maxdist * stratum + lambda) and drop the outlier
// with the largest selection jitter while more than `min_survivors` remain
// and that jitter exceeds the smallest peer jitter.
std::vector<Candidate> cluster(std::vector<Candidate> truechimers, std::size_t min_survivors,
                               double maxdist);

// §11.2.3: offset and selection jitter weighted by 1/lambda, relative to the
// system peer `survivors[sys]`.
struct Combined {
  double offset = 0;
  double selection_jitter = 0;
};
Combined combine(const std::vector<Candidate>& survivors, std::size_t sys);

// The survivor that becomes system peer: the prefer peer if it survived,
// else the first (lowest metric).
std::size_t pick_system_peer(const std::vector<Candidate>& survivors);

}  // namespace ak::timesvc
