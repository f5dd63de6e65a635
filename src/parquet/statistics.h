// Column-chunk statistics as Parquet stores them: min/max in the PLAIN form of the physical
// type (strings compared as unsigned bytes), signed zeros widened as the format recommends, plus
// the null count.
//
// NaN rule: a DOUBLE chunk that holds any NaN gets no min/max at all (null_count is still
// written; the NaN values themselves are stored bit for bit). Engines disagree on where NaN sorts
// (DuckDB and Spark put it above +inf), so bounds that merely skip NaN would let such a reader
// prune a row group that does match `x > bound`. DuckDB and parquet-mr write the same way.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

#include "parquet/metadata.h"

namespace sparkify::parquet {

/// Min/max of fixed-width values (bool as uint8_t, int32, int64, double).
template <typename T>
class MinMax {
 public:
  void update(T v) {
    if constexpr (std::is_floating_point_v<T>) {
      if (std::isnan(v)) {
        saw_nan_ = true;
        return;
      }
    }
    if (!any_) {
      min_ = max_ = v;
      any_ = true;
    } else {
      if (v < min_) min_ = v;
      if (max_ < v) max_ = v;
    }
  }
  void update(const T* v, size_t n) {
    if constexpr (std::is_floating_point_v<T>) {
      for (size_t i = 0; i < n; ++i) update(v[i]);
    } else {
      if (n == 0) return;
      T lo = any_ ? min_ : v[0], hi = any_ ? max_ : v[0];
      for (size_t i = 0; i < n; ++i) {  // branch-free so the compiler can vectorise it
        lo = v[i] < lo ? v[i] : lo;
        hi = hi < v[i] ? v[i] : hi;
      }
      min_ = lo;
      max_ = hi;
      any_ = true;
    }
  }
  void reset() { any_ = saw_nan_ = false; }

  /// Writes the bounds' PLAIN bytes (sizeof(T) each); false when there are none to write.
  bool encode(uint8_t* lo_out, uint8_t* hi_out) const {
    if (!any_ || saw_nan_) return false;
    T lo = min_, hi = max_;
    if constexpr (std::is_floating_point_v<T>) {
      // -0.0 == +0.0 compares equal, so which one we kept is arbitrary; the spec asks for the
      // widest bounds: min -0.0, max +0.0.
      if (lo == 0) lo = -0.0;
      if (hi == 0) hi = +0.0;
    }
    std::memcpy(lo_out, &lo, sizeof(T));
    std::memcpy(hi_out, &hi, sizeof(T));
    return true;
  }

 private:
  T min_{}, max_{};
  bool any_ = false;
  bool saw_nan_ = false;
};

/// Min/max of byte strings, copied only when they change.
class StringMinMax {
 public:
  /// parquet-mr leaves out min/max past 4 KiB rather than bloat every footer.
  static constexpr size_t kMaxStatSize = 4096;

  void update(std::string_view v) {
    if (!any_) {
      min_.assign(v);
      max_.assign(v);
      any_ = true;
      return;
    }
    if (v < std::string_view(min_)) min_.assign(v);
    if (std::string_view(max_) < v) max_.assign(v);
  }
  void reset() { any_ = false; }

  bool any() const { return any_; }
  std::string_view min() const { return min_; }
  std::string_view max() const { return max_; }

  /// Sets the chunk's bounds (views) unless they are too long to be worth storing. Never the
  /// deprecated min/max: those used signed byte order for strings.
  static void write_bounds(bool any, std::string_view lo, std::string_view hi,
                           format::ChunkMetaView* meta) {
    if (!any || lo.size() > kMaxStatSize || hi.size() > kMaxStatSize) return;
    meta->has_bounds = true;
    meta->min = lo;
    meta->max = hi;
  }

 private:
  std::string min_, max_;
  bool any_ = false;
};

}  // namespace sparkify::parquet
