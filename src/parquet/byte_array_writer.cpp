#include <algorithm>
#include <cstring>

#include "parquet/bit_util.h"
#include "parquet/column_writer.h"
#include "parquet/dictionary.h"
#include "parquet/plain.h"
#include "parquet/rle_hybrid.h"
#include "parquet/statistics.h"

namespace sparkify::parquet {

// Byte-array columns: dictionary pages while the dictionary stays under its limit, PLAIN after
// (the rows so far stay dictionary-encoded; the dictionary page is still written).
namespace {

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

  Status finish_values() override {
    if (dict_.size() == 0) return Status::OK();
    return pages_.write_dictionary_page(dict_.plain(), static_cast<int32_t>(dict_.size()));
  }

  void fill_bounds(format::ChunkMetaView* meta) override {
    // Every dictionary entry occurs in this chunk (entries are added as values arrive), so the
    // entries and the PLAIN values together give the chunk's bounds.
    bool any = plain_stats_.any() || dict_.size() > 0;
    std::string_view lo = plain_stats_.any() ? plain_stats_.min()
                          : dict_.size()     ? dict_.entry(0)
                                             : "";
    std::string_view hi = plain_stats_.any() ? plain_stats_.max() : lo;
    for (size_t i = 0; i < dict_.size(); ++i) {
      std::string_view v = dict_.entry(i);
      if (v < lo) lo = v;
      if (hi < v) hi = v;
    }
    StringMinMax::write_bounds(any, lo, hi, meta);
    if (!fell_back_ && dict_.size() > 0) meta->distinct_count = static_cast<int64_t>(dict_.size());
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
    // Dictionary pages grow by a few bits a row, so checking every 64 rows overshoots by bytes;
    // PLAIN values can be huge, so those pages are checked every row.
    if ((!dict_mode_ || (page_rows_ & 63) == 0) && page_bytes_estimate() >= page_limit())
      return flush_page();
    return Status::OK();
  }

  bool dict_mode_ = true;
  bool fell_back_ = false;
  size_t dict_limit_ = 0;
  StringDictionary dict_;
  std::vector<uint32_t> indices_;  // dictionary mode: the page's indices
  ByteBuffer values_;              // PLAIN mode: the page's values
  StringMinMax plain_stats_;
  std::vector<int32_t> remap_;  // caller's dictionary index -> ours, for one append
};

}  // namespace

std::unique_ptr<ColumnWriter> make_byte_array_writer(const ColumnSchema& schema,
                                                     WriteContext* ctx) {
  return std::make_unique<ByteArrayWriter>(schema, ctx);
}

}  // namespace sparkify::parquet
