// Sorting and searching values that mostly come in order: a concatenation of sorted pieces (a
// day's start times, one sorted file after another) is merged run by run instead of sorted
// again, and a lookup starts from where the previous one ended.
#pragma once

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

namespace sparkify {

/// Sorts `v` ascending. When it is at most `max_runs` ascending runs, they are merged pairwise
/// (linear per pass); otherwise it is sorted as a whole.
template <typename T>
void sort_runs(std::vector<T>& v, size_t max_runs = 64) {
  std::vector<size_t> runs{0};  // where each ascending run begins
  for (size_t i = 1; i < v.size(); ++i) {
    if (v[i] < v[i - 1]) {
      runs.push_back(i);
      if (runs.size() > max_runs) {
        std::sort(v.begin(), v.end());
        return;
      }
    }
  }
  runs.push_back(v.size());
  // Merge neighbouring runs pairwise until one is left.
  while (runs.size() > 2) {
    std::vector<size_t> merged{0};
    for (size_t r = 0; r + 2 < runs.size(); r += 2) {
      std::inplace_merge(v.begin() + static_cast<ptrdiff_t>(runs[r]),
                         v.begin() + static_cast<ptrdiff_t>(runs[r + 1]),
                         v.begin() + static_cast<ptrdiff_t>(runs[r + 2]));
      merged.push_back(runs[r + 2]);
    }
    if (runs.size() % 2 == 0) merged.push_back(runs.back());  // an odd run out waits
    runs = std::move(merged);
  }
}

/// std::lower_bound over sorted `k`, searched outward from `near` (e.g. the previous answer):
/// galloping forward or back, so values that come nearly in order cost a few comparisons each
/// instead of a search of the whole range.
template <typename T>
size_t lower_bound_near(const std::vector<T>& k, const T& v, size_t near) {
  size_t n = k.size(), lo = 0, hi = 0;  // the answer is in [lo, hi]
  near = std::min(near, n);
  if (near < n && k[near] < v) {
    // Forward: probe near + 1, + 2, + 4, … until a key is not below v (or the end).
    size_t below = near, step = 1, probe = near + 1;
    while (probe < n && k[probe] < v) {
      below = probe;
      step *= 2;
      probe = near + step;
    }
    lo = below + 1;
    hi = std::min(probe, n);
  } else {
    // Back: probe near - 1, - 2, - 4, … until a key is below v (or the start).
    size_t not_below = near;
    for (size_t step = 1; step <= near; step *= 2) {
      if (k[near - step] < v) {
        lo = near - step + 1;
        break;
      }
      not_below = near - step;
    }
    hi = not_below;
  }
  return static_cast<size_t>(std::lower_bound(k.begin() + static_cast<ptrdiff_t>(lo),
                                              k.begin() + static_cast<ptrdiff_t>(hi), v) -
                             k.begin());
}

}  // namespace sparkify
