#include <algorithm>
#include <cstring>
#include <type_traits>

#include "parquet/bit_util.h"
#include "parquet/column_writer.h"
#include "parquet/dictionary.h"
#include "parquet/plain.h"
#include "parquet/rle_hybrid.h"
#include "parquet/statistics.h"

namespace sparkify::parquet {

// Fixed-width columns (BOOLEAN, INT32, INT64, DOUBLE, TIMESTAMP). Appending only copies values
// into a PLAIN page buffer; whether a page goes out PLAIN or as dictionary indices is decided
// when it is flushed, so the hot path never hashes. The first page of a chunk tries a dictionary
// and keeps it only if dictionary + indices come out smaller than PLAIN (parquet-mr's rule);
// booleans are always PLAIN (bit-packed at flush).
namespace {

template <typename T>
class FixedWidthWriter final : public ColumnWriter {
  static constexpr bool kBool = std::is_same_v<T, uint8_t>;
  // Below this many values a dictionary page's own header outweighs anything it could save.
  static constexpr size_t kMinValuesToTry = 32;

 public:
  FixedWidthWriter(const ColumnSchema& schema, WriteContext* ctx) : ColumnWriter(schema, ctx) {
    try_dictionary_ = !kBool && ctx->options.dictionary && ctx->options.dictionary_numbers;
    dict_limit_ = std::min<size_t>(ctx->options.dictionary_page_limit, kMaxStringBytes);
    reset_values();
  }

  Status append(const ColumnView& view, size_t offset, size_t count) override {
    const T* data = std::get<std::span<const T>>(view.values).data();
    std::span<const uint8_t> validity = view.validity;
    const size_t cap = kBool ? page_limit() * 8 : std::max<size_t>(1, page_limit() / sizeof(T));
    while (count > 0) {
      size_t n = std::min(count, cap > values_count_ ? cap - values_count_ : 1);
      size_t present = append_levels(validity, offset, n);
      T* out = reinterpret_cast<T*>(values_.extend(present * sizeof(T)));
      if (present == n && !kBool) {
        std::memcpy(out, data + offset, n * sizeof(T));
        stats_.update(data + offset, n);
      } else {
        size_t k = 0;
        for (size_t i = offset; i < offset + n; ++i) {
          if (validity.empty() || validity[i]) {
            T v = data[i];
            if constexpr (kBool) v = v != 0;
            out[k++] = v;
          }
        }
        stats_.update(out, present);
      }
      values_count_ += present;
      page_rows_ += n;
      offset += n;
      count -= n;
      if (values_count_ >= cap || page_bytes_estimate() >= page_limit()) {
        SPARKIFY_RETURN_NOT_OK(flush_page());
      }
    }
    return Status::OK();
  }

 protected:
  Status flush_page() override {
    if (page_rows_ == 0) return Status::OK();
    begin_page_body();
    ByteBuffer& body = ctx_->body;
    if constexpr (!kBool) {
      if (state_ == kTrying && values_count_ < kMinValuesToTry) state_ = kPlain;
      if ((state_ == kTrying || state_ == kDictionary) && encode_indices()) {
        int width = std::max(1, bit_width(dict_.size() - 1));
        body.push_back(static_cast<uint8_t>(width));
        rle_hybrid_encode(indices_.data(), values_count_, width, &body);
        values_.clear();
        values_count_ = 0;
        return emit_page(format::kRleDictionary);
      }
    }
    if constexpr (kBool) {
      plain_encode_booleans(values_.data(), values_count_, &body);
    } else if (!schema_.optional()) {
      // No levels: the value buffer is the whole page body, so compress it where it is.
      SPARKIFY_RETURN_NOT_OK(pages_.write_data_page(static_cast<int32_t>(page_rows_),
                                                    format::kPlain, false, values_.span()));
      values_.clear();
      values_count_ = 0;
      page_rows_ = 0;
      return Status::OK();
    } else {
      body.append(values_.span());
    }
    values_.clear();
    values_count_ = 0;
    return emit_page(format::kPlain);
  }

  size_t page_bytes_estimate() const override {
    return (kBool ? values_count_ / 8 : values_.size()) + levels_.size() / 8;
  }
  size_t dictionary_bytes() const override { return dict_.plain_size(); }

  Status finish_values() override {
    if (state_ != kDictionary && state_ != kFellBack) return Status::OK();
    return pages_.write_dictionary_page(dict_.plain(), static_cast<int32_t>(dict_.size()));
  }

  void fill_bounds(format::ChunkMetaView* meta) override {
    if (!stats_.encode(bounds_, bounds_ + sizeof(T))) return;
    meta->has_bounds = true;
    meta->legacy_bounds = true;  // signed order, the same as min_value/max_value for numbers
    meta->min = std::string_view(reinterpret_cast<const char*>(bounds_), sizeof(T));
    meta->max = std::string_view(reinterpret_cast<const char*>(bounds_ + sizeof(T)), sizeof(T));
  }
  void reset_values() override {
    values_.clear();
    values_count_ = 0;
    stats_.reset();
    dict_.clear();
    state_ = try_dictionary_ ? kTrying : kPlain;
  }

 private:
  /// kTrying: first page not out yet; kDictionary: pages are indices; kFellBack: the dictionary
  /// filled up, earlier pages use it, the rest are PLAIN; kPlain: no dictionary in this chunk.
  enum DictState { kTrying, kDictionary, kFellBack, kPlain };

  /// Maps the page's values to dictionary indices. False means the page goes out PLAIN: the
  /// dictionary is full, or (first page) it does not pay; the chunk then stays PLAIN.
  bool encode_indices() {
    const T* vals = reinterpret_cast<const T*>(values_.data());
    indices_.resize(values_count_);
    bool ok = true;
    for (size_t i = 0; i < values_count_; ++i) {
      int32_t k = dict_.get_or_insert(vals[i], dict_limit_);
      if (k == NumericDictionary<T>::kFull) {
        ok = false;
        break;
      }
      indices_[i] = static_cast<uint32_t>(k);
    }
    if (ok && state_ == kTrying) {
      size_t width = static_cast<size_t>(std::max(1, bit_width(dict_.size() - 1)));
      size_t dict_cost = dict_.plain_size() + values_count_ * width / 8 + 32;  // + page header
      ok = dict_cost < values_.size();
    }
    if (!ok) {
      if (state_ == kTrying) {
        // Never used: drop it. A column whose first page does not repeat enough will not start
        // repeating in the next row group, so stop trying for this file.
        dict_.clear();
        state_ = kPlain;
        try_dictionary_ = false;
      } else {
        // Earlier pages use it, so it is still written; entries added for this page are unused
        // but harmless.
        state_ = kFellBack;
      }
      return false;
    }
    state_ = kDictionary;
    return true;
  }

  bool try_dictionary_ = false;
  size_t dict_limit_ = 0;
  DictState state_ = kPlain;
  ByteBuffer values_;  // PLAIN bytes, or one 0/1 byte per boolean
  size_t values_count_ = 0;
  MinMax<T> stats_;
  uint8_t bounds_[2 * sizeof(T)] = {};  // the PLAIN bytes fill_bounds points at
  NumericDictionary<T> dict_;
  std::vector<uint32_t> indices_;
};

}  // namespace

std::unique_ptr<ColumnWriter> make_fixed_width_writer(const ColumnSchema& schema,
                                                      WriteContext* ctx) {
  switch (schema.physical) {
    case PhysicalType::kBoolean:
      return std::make_unique<FixedWidthWriter<uint8_t>>(schema, ctx);
    case PhysicalType::kInt32:
      return std::make_unique<FixedWidthWriter<int32_t>>(schema, ctx);
    case PhysicalType::kInt64:
      return std::make_unique<FixedWidthWriter<int64_t>>(schema, ctx);
    case PhysicalType::kDouble:
      return std::make_unique<FixedWidthWriter<double>>(schema, ctx);
    default:
      break;  // validate_schema admits no other type
  }
  return nullptr;
}

}  // namespace sparkify::parquet
