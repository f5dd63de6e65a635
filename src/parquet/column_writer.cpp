#include "parquet/column_writer.h"

#include <algorithm>
#include <limits>
#include <string>
#include <type_traits>

#include "parquet/bit_util.h"
#include "parquet/dictionary.h"
#include "parquet/plain.h"
#include "parquet/rle_hybrid.h"
#include "parquet/statistics.h"

namespace sparkify::parquet {

namespace {

// A PLAIN byte array carries a 4-byte length, and a page must stay under 2 GiB.
constexpr size_t kMaxStringBytes = std::numeric_limits<int32_t>::max() - 64;

std::string column_error(const ColumnSchema& schema, const std::string& what) {
  return "column '" + schema.name + "': " + what;
}

}  // namespace

int32_t physical_to_thrift(PhysicalType t) {
  switch (t) {
    case PhysicalType::kBoolean: return format::kBoolean;
    case PhysicalType::kInt32: return format::kInt32;
    case PhysicalType::kInt64: return format::kInt64;
    case PhysicalType::kDouble: return format::kDouble;
    case PhysicalType::kByteArray: return format::kByteArray;
  }
  return format::kByteArray;
}

// ---------------------------------------------------------------------------------------------
// Shared: validation, definition levels, chunk bookkeeping.

Status ColumnWriter::validate(const ColumnView& view, size_t num_rows) const {
  if (!view.validity.empty() && view.validity.size() != num_rows) {
    return Status::Invalid(column_error(schema_, "validity has " + std::to_string(view.validity.size()) +
                                                     " entries for " + std::to_string(num_rows) + " rows"));
  }
  if (!schema_.optional() && !view.validity.empty()) {
    auto it = std::find(view.validity.begin(), view.validity.end(), uint8_t{0});
    if (it != view.validity.end()) {
      return Status::Invalid(column_error(schema_, "is REQUIRED but row " +
                                                       std::to_string(it - view.validity.begin()) + " is null"));
    }
  }
  auto present = [&](size_t i) { return view.validity.empty() || view.validity[i] != 0; };
  auto check_size = [&](size_t n) -> Status {
    if (n != num_rows) {
      return Status::Invalid(column_error(schema_, "has " + std::to_string(n) + " values for " +
                                                       std::to_string(num_rows) + " rows"));
    }
    return Status::OK();
  };
  auto wrong_type = [&]() {
    return Status::Invalid(column_error(schema_, "values are not of the column's type"));
  };
  switch (schema_.physical) {
    case PhysicalType::kBoolean:
      if (auto* v = std::get_if<std::span<const uint8_t>>(&view.values)) return check_size(v->size());
      return wrong_type();
    case PhysicalType::kInt32:
      if (auto* v = std::get_if<std::span<const int32_t>>(&view.values)) return check_size(v->size());
      return wrong_type();
    case PhysicalType::kInt64:
      if (auto* v = std::get_if<std::span<const int64_t>>(&view.values)) return check_size(v->size());
      return wrong_type();
    case PhysicalType::kDouble:
      if (auto* v = std::get_if<std::span<const double>>(&view.values)) return check_size(v->size());
      return wrong_type();
    case PhysicalType::kByteArray:
      // String lengths (at most 2 GiB each) are checked as values are added: scanning them
      // here would touch every string twice.
      if (auto* v = std::get_if<std::span<const std::string_view>>(&view.values)) return check_size(v->size());
      if (auto* d = std::get_if<DictionaryStrings>(&view.values)) {
        SPARKIFY_RETURN_NOT_OK(check_size(d->indices.size()));
        for (size_t i = 0; i < num_rows; ++i) {
          if (!present(i)) continue;
          int32_t k = d->indices[i];
          if (k < 0 || static_cast<size_t>(k) >= d->dictionary.size()) {
            return Status::Invalid(column_error(schema_, "row " + std::to_string(i) + " has dictionary index " +
                                                             std::to_string(k) + " out of range"));
          }
        }
        return Status::OK();
      }
      return wrong_type();
  }
  return wrong_type();
}

size_t ColumnWriter::append_levels(std::span<const uint8_t> validity, size_t offset, size_t count) {
  if (!schema_.optional()) return count;
  size_t start = levels_.size();
  levels_.resize(start + count);
  uint8_t* out = levels_.data() + start;
  if (validity.empty()) {
    std::fill(out, out + count, uint8_t{1});
    return count;
  }
  size_t present = 0;
  for (size_t i = 0; i < count; ++i) {
    uint8_t p = validity[offset + i] != 0;
    out[i] = p;
    present += p;
  }
  chunk_nulls_ += static_cast<int64_t>(count - present);
  return present;
}

void ColumnWriter::begin_page_body() {
  ByteBuffer& body = ctx_->body;
  body.clear();
  if (!schema_.optional()) return;
  body.resize(4);
  rle_hybrid_encode(levels_.data(), levels_.size(), 1, &body);
  store_le<uint32_t>(body.data(), static_cast<uint32_t>(body.size() - 4));
}

Status ColumnWriter::emit_page(int32_t encoding) {
  SPARKIFY_RETURN_NOT_OK(pages_.write_data_page(static_cast<int32_t>(page_rows_), encoding, schema_.optional()));
  levels_.clear();
  page_rows_ = 0;
  return Status::OK();
}

size_t ColumnWriter::buffered_bytes() const {
  return static_cast<size_t>(pages_.uncompressed_size()) + page_bytes_estimate() + dictionary_bytes();
}

Status ColumnWriter::finish_chunk(format::ColumnMetaData* meta) {
  SPARKIFY_RETURN_NOT_OK(flush_page());
  SPARKIFY_RETURN_NOT_OK(finish_values(meta));
  meta->type = physical_to_thrift(schema_.physical);
  meta->encodings.clear();
  for (int32_t e = 0; e < 32; ++e) {
    if (pages_.encodings() & (1u << e)) meta->encodings.push_back(e);
  }
  meta->path_in_schema.assign(1, schema_.name);
  meta->codec = codec_to_thrift(ctx_->options.codec);
  meta->total_uncompressed_size = pages_.uncompressed_size();
  meta->total_compressed_size = pages_.compressed_size();
  int64_t dict_size = static_cast<int64_t>(pages_.dictionary_page().size());
  if (dict_size > 0) {
    meta->dictionary_page_offset = 0;
  } else {
    meta->dictionary_page_offset.reset();
  }
  meta->data_page_offset = dict_size;
  auto& stats = meta->statistics.emplace();
  stats.null_count = chunk_nulls_;
  fill_statistics(&stats);
  return Status::OK();
}

void ColumnWriter::reset_chunk() {
  pages_.reset();
  levels_.clear();
  page_rows_ = 0;
  chunk_rows_ = 0;
  chunk_nulls_ = 0;
  reset_values();
}

// ---------------------------------------------------------------------------------------------
// Fixed-width values. Appending only copies values into a PLAIN page buffer; whether a page goes
// out PLAIN or as dictionary indices is decided when it is flushed, so the hot path never hashes.
// The first page of a chunk tries a dictionary and keeps it only if dictionary + indices come out
// smaller than PLAIN (parquet-mr's rule); booleans are always PLAIN (bit-packed at flush).

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
      SPARKIFY_RETURN_NOT_OK(pages_.write_data_page(static_cast<int32_t>(page_rows_), format::kPlain, false,
                                                    values_.span()));
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

  Status finish_values(format::ColumnMetaData*) override {
    if (state_ != kDictionary && state_ != kFellBack) return Status::OK();
    return pages_.write_dictionary_page(dict_.plain(), static_cast<int32_t>(dict_.size()));
  }

  void fill_statistics(format::Statistics* stats) const override { stats_.write_to(stats); }
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
  NumericDictionary<T> dict_;
  std::vector<uint32_t> indices_;
};

// ---------------------------------------------------------------------------------------------
// Byte arrays: dictionary pages while the dictionary stays under its limit, PLAIN after.

class ByteArrayWriter final : public ColumnWriter {
 public:
  ByteArrayWriter(const ColumnSchema& schema, WriteContext* ctx) : ColumnWriter(schema, ctx) {
    dict_mode_ = ctx->options.dictionary;
    // Page sizes are int32 on the wire; a bigger limit could never be written.
    dict_limit_ = std::min<size_t>(ctx->options.dictionary_page_limit, kMaxStringBytes);
  }

  Status append(const ColumnView& view, size_t offset, size_t count) override {
    std::span<const uint8_t> validity = view.validity;
    // One allocation per batch instead of a growth chain per row (tiny files are common).
    if (schema_.optional()) levels_.reserve(levels_.size() + count);
    if (dict_mode_) indices_.reserve(indices_.size() + count);
    if (auto* strings = std::get_if<std::span<const std::string_view>>(&view.values)) {
      for (size_t i = offset; i < offset + count; ++i) {
        bool present = validity.empty() || validity[i];
        if (present) SPARKIFY_RETURN_NOT_OK(add((*strings)[i]));
        SPARKIFY_RETURN_NOT_OK(end_row(present));
      }
      return Status::OK();
    }
    const auto& ds = std::get<DictionaryStrings>(view.values);
    // Translating the caller's indices through a table skips hashing repeated strings, but the
    // table costs one slot per caller entry: only worth it when the batch is not much smaller.
    bool remap = dict_mode_ && ds.dictionary.size() <= 4 * count + 64;
    if (remap) remap_.assign(ds.dictionary.size(), -1);
    for (size_t i = offset; i < offset + count; ++i) {
      bool present = validity.empty() || validity[i];
      if (present) {
        int32_t k = ds.indices[i];
        if (remap && dict_mode_) {
          int32_t mine = remap_[k];
          if (mine < 0) {
            if (ds.dictionary[k].size() > kMaxStringBytes) [[unlikely]] {
              return Status::Invalid(column_error(schema_, "a string over 2 GiB cannot be stored"));
            }
            mine = dict_.get_or_insert(ds.dictionary[k], dict_limit_);
            remap_[k] = mine;
          }
          if (mine != StringDictionary::kFull) {
            indices_.push_back(static_cast<uint32_t>(mine));
          } else {
            SPARKIFY_RETURN_NOT_OK(add(ds.dictionary[k]));  // falls back to PLAIN
          }
        } else {
          SPARKIFY_RETURN_NOT_OK(add(ds.dictionary[k]));
        }
      }
      SPARKIFY_RETURN_NOT_OK(end_row(present));
    }
    return Status::OK();
  }

 protected:
  Status flush_page() override {
    if (page_rows_ == 0) return Status::OK();
    begin_page_body();
    ByteBuffer& body = ctx_->body;
    if (dict_mode_ && dict_.size() > 0) {
      int width = index_width();
      body.push_back(static_cast<uint8_t>(width));
      rle_hybrid_encode(indices_.data(), indices_.size(), width, &body);
      indices_.clear();
      return emit_page(format::kRleDictionary);
    }
    // PLAIN: after a fallback, or a dictionary page of nulls only (no dictionary needed yet).
    body.append(values_.span());
    values_.clear();
    return emit_page(format::kPlain);
  }

  size_t page_bytes_estimate() const override {
    size_t levels = levels_.size() / 8;
    if (dict_mode_) return indices_.size() * static_cast<size_t>(index_width()) / 8 + levels;
    return values_.size() + levels;
  }

  size_t dictionary_bytes() const override { return dict_.plain_size(); }

  Status finish_values(format::ColumnMetaData*) override {
    if (dict_.size() == 0) return Status::OK();
    return pages_.write_dictionary_page(dict_.plain(), static_cast<int32_t>(dict_.size()));
  }

  void fill_statistics(format::Statistics* stats) const override {
    // Every dictionary entry occurs in this chunk (entries are added as values arrive), so the
    // entries and the PLAIN values together give the chunk's bounds.
    bool any = plain_stats_.any() || dict_.size() > 0;
    std::string_view lo = plain_stats_.any() ? plain_stats_.min() : dict_.size() ? dict_.entry(0) : "";
    std::string_view hi = plain_stats_.any() ? plain_stats_.max() : lo;
    for (size_t i = 0; i < dict_.size(); ++i) {
      std::string_view v = dict_.entry(i);
      if (v < lo) lo = v;
      if (hi < v) hi = v;
    }
    StringMinMax::write_bounds(any, lo, hi, stats);
    if (!fell_back_ && dict_.size() > 0) stats->distinct_count = static_cast<int64_t>(dict_.size());
  }

  void reset_values() override {
    dict_.clear();
    indices_.clear();
    values_.clear();
    plain_stats_.reset();
    dict_mode_ = ctx_->options.dictionary;
    fell_back_ = false;
  }

 private:
  int index_width() const {
    return std::max(1, bit_width(dict_.size() > 0 ? dict_.size() - 1 : 0));
  }

  Status add(std::string_view s) {
    if (s.size() > kMaxStringBytes) [[unlikely]] {
      return Status::Invalid(column_error(schema_, "a string over 2 GiB cannot be stored"));
    }
    if (dict_mode_) {
      int32_t k = dict_.get_or_insert(s, dict_limit_);
      if (k != StringDictionary::kFull) {
        indices_.push_back(static_cast<uint32_t>(k));
        return Status::OK();
      }
      // The dictionary is full: the rows so far become dictionary pages, the rest PLAIN.
      SPARKIFY_RETURN_NOT_OK(flush_page());
      dict_mode_ = false;
      fell_back_ = true;
    }
    plain_encode_string(s, &values_);
    plain_stats_.update(s);
    return Status::OK();
  }

  /// Records the row's level (after its value, so a fallback flush never splits a row).
  Status end_row(bool present) {
    if (schema_.optional()) {
      levels_.push_back(present);
      if (!present) ++chunk_nulls_;
    }
    ++page_rows_;
    if (page_bytes_estimate() >= page_limit()) return flush_page();
    return Status::OK();
  }

  bool dict_mode_ = true;
  bool fell_back_ = false;
  size_t dict_limit_ = 0;
  StringDictionary dict_;
  std::vector<uint32_t> indices_;  // dictionary mode: the page's indices
  ByteBuffer values_;              // PLAIN mode: the page's values
  StringMinMax plain_stats_;
  std::vector<int32_t> remap_;     // caller's dictionary index -> ours, for one append
};

}  // namespace

std::unique_ptr<ColumnWriter> ColumnWriter::Make(const ColumnSchema& schema, WriteContext* ctx) {
  switch (schema.physical) {
    case PhysicalType::kBoolean: return std::make_unique<FixedWidthWriter<uint8_t>>(schema, ctx);
    case PhysicalType::kInt32: return std::make_unique<FixedWidthWriter<int32_t>>(schema, ctx);
    case PhysicalType::kInt64: return std::make_unique<FixedWidthWriter<int64_t>>(schema, ctx);
    case PhysicalType::kDouble: return std::make_unique<FixedWidthWriter<double>>(schema, ctx);
    case PhysicalType::kByteArray: return std::make_unique<ByteArrayWriter>(schema, ctx);
  }
  return nullptr;
}

}  // namespace sparkify::parquet
