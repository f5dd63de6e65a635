// Counter-based random numbers for the generator: every song, artist, user and day draws from its
// own stream, derived from (seed, stream, index), so the output is the same whatever the thread
// count or the order in which workers pick up tasks.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace sparkify::generate {

/// Streams: one per kind of thing generated, so adding draws to one never shifts another.
enum class Stream : uint64_t {
  kArtist = 1,
  kSong,
  kSongPopularity,
  kSongBad,
  kUser,
  kPlayed,
  kDayWeights,
  kDay,
  kDayBad,
};

inline uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// SplitMix64: tiny, fast, good enough statistics for synthetic data, and trivially seekable.
class Rng {
 public:
  explicit Rng(uint64_t state) : state_(state) {}
  /// The stream for item `index` of kind `stream` under `seed`.
  static Rng For(uint64_t seed, Stream stream, uint64_t index, uint64_t sub = 0) {
    uint64_t s = mix64(seed + 0x9e3779b97f4a7c15ULL * (static_cast<uint64_t>(stream) + 1));
    s = mix64(s ^ (index * 0xd1b54a32d192ed03ULL));
    s = mix64(s + sub * 0x8cb92ba72f3d8dd7ULL);
    return Rng(s);
  }

  uint64_t next() {
    state_ += 0x9e3779b97f4a7c15ULL;
    return mix64(state_);
  }
  /// Uniform in [0, 1).
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  /// Uniform in [0, n) (Lemire's multiply; the tiny bias is irrelevant here).
  uint64_t below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
  }
  /// Uniform in [lo, hi].
  int64_t between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(below(static_cast<uint64_t>(hi - lo + 1)));
  }
  bool chance(double p) { return uniform() < p; }
  /// Standard normal (Box-Muller; our own so results do not depend on the standard library).
  double normal() {
    double u1 = uniform();
    double u2 = uniform();
    if (u1 < 1e-300) u1 = 1e-300;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  double lognormal(double mu, double sigma) { return std::exp(mu + sigma * normal()); }
  template <typename T>
  const T& pick(std::span<const T> items) {
    return items[below(items.size())];
  }

 private:
  uint64_t state_;
};

/// A bijection on 32-bit integers: turns sequential indices into unique, random-looking ids.
inline uint32_t permute32(uint32_t x, uint32_t key) {
  x ^= key;
  x *= 0x9e3779b1U;
  x ^= x >> 16;
  x *= 0x85ebca6bU;
  x ^= x >> 13;
  x += key * 0x2545f491U;
  x *= 0xc2b2ae35U;
  x ^= x >> 16;
  return x;
}

/// Walker/Vose alias table: O(1) draws from a fixed discrete distribution.
class AliasTable {
 public:
  AliasTable() = default;
  explicit AliasTable(std::span<const double> weights);
  size_t size() const { return prob_.size(); }
  uint32_t sample(Rng& rng) const {
    uint64_t r = rng.next();
    uint32_t i = static_cast<uint32_t>((static_cast<unsigned __int128>(r) * prob_.size()) >> 64);
    // The low bits of r are independent enough of the high bits the index came from.
    double u = static_cast<double>(r & 0xFFFFFFFFULL) * 0x1.0p-32;
    return u < prob_[i] ? i : alias_[i];
  }

 private:
  std::vector<double> prob_;
  std::vector<uint32_t> alias_;
};

}  // namespace sparkify::generate
