#include "timesvc/select.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ak::timesvc {

std::optional<Intersection> intersect(const std::vector<Candidate>& candidates) {
  struct Edge {
    double value;
    int type;  // -1 lower end, 0 midpoint, +1 upper end
  };
  const std::size_t n = candidates.size();
  if (n == 0) return std::nullopt;
  std::vector<Edge> edges;
  edges.reserve(3 * n);
  for (const auto& c : candidates) {
    edges.push_back({c.offset - c.root_distance, -1});
    edges.push_back({c.offset, 0});
    edges.push_back({c.offset + c.root_distance, +1});
  }
  std::sort(edges.begin(), edges.end(), [](const Edge& a, const Edge& b) {
    return a.value != b.value ? a.value < b.value : a.type < b.type;
  });

  // RFC 5905 §11.2.1: assume `allow` falsetickers, starting at none; find
  // the lowest point covered by n - allow intervals scanning up and the
  // highest scanning down. Accept when no more than `allow` midpoints fall
  // outside [low, high]; otherwise allow one more, up to a minority.
  for (std::size_t allow = 0; 2 * allow < n; ++allow) {
    const auto need = static_cast<long>(n - allow);
    std::size_t outside = 0;
    long chime = 0;
    double low = std::numeric_limits<double>::infinity();
    for (const auto& e : edges) {
      chime -= e.type;
      if (chime >= need) {
        low = e.value;
        break;
      }
      if (e.type == 0) ++outside;
    }
    chime = 0;
    double high = -std::numeric_limits<double>::infinity();
    for (auto it = edges.rbegin(); it != edges.rend(); ++it) {
      chime += it->type;
      if (chime >= need) {
        high = it->value;
        break;
      }
      if (it->type == 0) ++outside;
    }
    if (outside <= allow && low <= high) {
      Intersection result{low, high, {}};
      for (const auto& c : candidates) {
        if (c.offset + c.root_distance >= low && c.offset - c.root_distance <= high) {
          result.truechimers.push_back(c);
        }
      }
      return result;
    }
  }
  return std::nullopt;
}

std::vector<Candidate> cluster(std::vector<Candidate> survivors, std::size_t min_survivors,
                               double maxdist) {
  auto metric = [maxdist](const Candidate& c) { return maxdist * c.stratum + c.root_distance; };
  std::stable_sort(survivors.begin(), survivors.end(),
                   [&](const Candidate& a, const Candidate& b) { return metric(a) < metric(b); });
  while (survivors.size() > std::max<std::size_t>(min_survivors, 1)) {
    // Selection jitter of each survivor: RMS of its offset against the others.
    std::size_t worst = 0;
    double worst_jitter = -1;
    double best_peer_jitter = std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < survivors.size(); ++i) {
      double sum_sq = 0;
      for (const auto& other : survivors) {
        const double d = survivors[i].offset - other.offset;
        sum_sq += d * d;
      }
      const double sel = std::sqrt(sum_sq / static_cast<double>(survivors.size() - 1));
      if (sel > worst_jitter) {
        worst_jitter = sel;
        worst = i;
      }
      best_peer_jitter = std::min(best_peer_jitter, survivors[i].jitter);
    }
    // §11.2.2: stop once pruning would not make the ensemble better than
    // its best member already is.
    if (worst_jitter <= best_peer_jitter) break;
    survivors.erase(survivors.begin() + static_cast<std::ptrdiff_t>(worst));
  }
  return survivors;
}

Combined combine(const std::vector<Candidate>& survivors, std::size_t sys) {
  Combined out;
  if (survivors.empty() || sys >= survivors.size()) return out;
  double weight_sum = 0, offset_sum = 0, jitter_sum = 0;
  const double sys_offset = survivors[sys].offset;
  for (const auto& c : survivors) {
    // A zero distance would be infinite weight; floor it at a nanosecond.
    const double w = 1.0 / std::max(c.root_distance, 1e-9);
    weight_sum += w;
    offset_sum += w * c.offset;
    jitter_sum += w * (c.offset - sys_offset) * (c.offset - sys_offset);
  }
  out.offset = offset_sum / weight_sum;
  out.selection_jitter = std::sqrt(jitter_sum / weight_sum);
  return out;
}

std::size_t pick_system_peer(const std::vector<Candidate>& survivors) {
  for (std::size_t i = 0; i < survivors.size(); ++i) {
    if (survivors[i].prefer) return i;
  }
  return 0;
}

}  // namespace ak::timesvc
