#include "parquet/column_reader.h"

#include <algorithm>
#include <string>
#include <type_traits>

#include "parquet/codec.h"
#include "parquet/delta.h"
#include "parquet/metadata.h"
#include "parquet/plain.h"
#include "parquet/rle_hybrid.h"

namespace sparkify::parquet {

ColumnData make_column_data(const ColumnSchema& schema) {
  ColumnData d;
  switch (schema.physical) {
    case PhysicalType::kBoolean:
      d.values.emplace<std::vector<uint8_t>>();
      break;
    case PhysicalType::kInt32:
      d.values.emplace<std::vector<int32_t>>();
      break;
    case PhysicalType::kInt64:
      d.values.emplace<std::vector<int64_t>>();
      break;
    case PhysicalType::kDouble:
      d.values.emplace<std::vector<double>>();
      break;
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray:
      d.values.emplace<StringColumn>();
      break;
    case PhysicalType::kFloat:
      d.values.emplace<std::vector<float>>();
      break;
    case PhysicalType::kInt96:
      d.values.emplace<std::vector<Int96>>();
      break;
  }
  return d;
}

namespace {

using Span = std::span<const uint8_t>;

Status corrupt(const std::string& what) { return Status::Corrupt(what); }

std::string encoding_name(int32_t e) {
  switch (e) {
    case format::kPlain:
      return "PLAIN";
    case format::kPlainDictionary:
      return "PLAIN_DICTIONARY";
    case format::kRle:
      return "RLE";
    case format::kBitPacked:
      return "BIT_PACKED";
    case format::kDeltaBinaryPacked:
      return "DELTA_BINARY_PACKED";
    case format::kDeltaLengthByteArray:
      return "DELTA_LENGTH_BYTE_ARRAY";
    case format::kDeltaByteArray:
      return "DELTA_BYTE_ARRAY";
    case format::kRleDictionary:
      return "RLE_DICTIONARY";
    case format::kByteStreamSplit:
      return "BYTE_STREAM_SPLIT";
    default:
      return "encoding " + std::to_string(e);
  }
}

/// Decodes `n` RLE-hybrid values into `out`, growing it 64K values at a time as runs actually
/// decode: a page's declared count never sizes an allocation by itself.
template <typename T>
Status decode_rle_growing(RleHybridDecoder& dec, size_t n, std::vector<T>* out) {
  constexpr size_t kStep = 64 * 1024;
  out->clear();
  while (out->size() < n) {
    size_t old = out->size();
    out->resize(old + std::min(kStep, n - old));
    SPARKIFY_RETURN_NOT_OK(dec.decode(out->data() + old, out->size() - old));
  }
  return Status::OK();
}

size_t row_count(const ColumnData& d) {
  return std::visit([](const auto& v) -> size_t { return v.size(); }, d.values);
}

class ChunkReader {
 public:
  ChunkReader(const ColumnChunkSource& src, ColumnData* out)
      : src_(src), out_(out), codec_(CompressionCodec::Get(src.codec)) {}
  /// Keeps a string chunk's values as dictionary indices in `dict_out` (`out` gets nothing).
  ChunkReader(const ColumnChunkSource& src, ColumnData* out, DictionaryColumn* dict_out)
      : ChunkReader(src, out) {
    dict_out_ = dict_out;
  }

  bool not_dictionary() const { return not_dictionary_; }

  /// The dictionary page's values, copied out (after run()).
  void copy_dictionary() {
    StringColumn& d = dict_out_->dictionary;
    for (std::string_view v : dict_strings_) {
      d.data.append(v);
      d.offsets.push_back(d.data.size());
    }
  }

  Status run() {
    const uint8_t* base = src_.bytes.data();
    const size_t size = src_.bytes.size();
    size_t pos = 0;
    while (values_read_ < src_.num_values) {
      if (pos >= size) {
        return corrupt("column chunk ends after " + std::to_string(values_read_) + " of " +
                       std::to_string(src_.num_values) + " values");
      }
      format::PageHeader h;
      auto header_len = format::parse_page_header(base + pos, size - pos, &h);
      if (!header_len.ok()) {
        return header_len.status().with_context("page header at chunk byte " + std::to_string(pos));
      }
      pos += *header_len;
      if (h.compressed_page_size < 0 || static_cast<size_t>(h.compressed_page_size) > size - pos) {
        return corrupt("page at chunk byte " + std::to_string(pos) + " claims " +
                       std::to_string(h.compressed_page_size) + " bytes but the chunk has " +
                       std::to_string(size - pos) + " left");
      }
      if (h.uncompressed_page_size < 0) return corrupt("negative uncompressed page size");
      Span page(base + pos, static_cast<size_t>(h.compressed_page_size));
      pos += page.size();
      Status st;
      switch (h.type) {
        case format::kDictionaryPage:
          st = read_dictionary(h, page);
          break;
        case format::kDataPage:
          st = read_data_v1(h, page);
          break;
        case format::kDataPageV2:
          st = read_data_v2(h, page);
          break;
        default:
          break;  // index pages and future page types carry no values
      }
      if (!st.ok())
        return st.with_context("page at chunk byte " + std::to_string(page.data() - base));
    }
    return Status::OK();
  }

 private:
  Result<Span> decompress(Span in, size_t size) {
    if (src_.codec == Codec::kUncompressed) {
      if (in.size() != size) return corrupt("uncompressed page size differs from its stored size");
      return in;
    }
    SPARKIFY_RETURN_NOT_OK(codec_.decompress(in, size, &scratch_));
    return scratch_.span();
  }

  Status read_dictionary(const format::PageHeader& h, Span page) {
    if (!h.dictionary_page_header) return corrupt("dictionary page without its header");
    if (has_dict_) return corrupt("a second dictionary page");
    if (values_read_ > 0) return corrupt("dictionary page after data pages");
    const auto& d = *h.dictionary_page_header;
    if (d.encoding != format::kPlain && d.encoding != format::kPlainDictionary) {
      return Status::NotSupported("dictionary page encoding " + encoding_name(d.encoding));
    }
    if (d.num_values < 0) return corrupt("negative dictionary size");
    SPARKIFY_ASSIGN_OR_RETURN(Span body,
                              decompress(page, static_cast<size_t>(h.uncompressed_page_size)));
    size_t n = static_cast<size_t>(d.num_values);
    dict_bytes_.clear();
    dict_bytes_.append(body);
    const uint8_t* p = dict_bytes_.data();
    const uint8_t* end = p + dict_bytes_.size();
    switch (src_.schema->physical) {
      case PhysicalType::kBoolean:
        return corrupt("dictionary page in a BOOLEAN column");
      case PhysicalType::kInt32:
      case PhysicalType::kFloat:
        SPARKIFY_RETURN_NOT_OK(check_fixed_dict(n, 4));
        break;
      case PhysicalType::kInt64:
      case PhysicalType::kDouble:
        SPARKIFY_RETURN_NOT_OK(check_fixed_dict(n, 8));
        break;
      case PhysicalType::kInt96:
        SPARKIFY_RETURN_NOT_OK(check_fixed_dict(n, sizeof(Int96)));
        break;
      case PhysicalType::kFixedLenByteArray: {
        const size_t width = fixed_width();
        SPARKIFY_RETURN_NOT_OK(check_fixed_dict(n, width));
        dict_strings_.clear();
        dict_strings_.reserve(n);
        for (size_t i = 0; i < n; ++i) {
          dict_strings_.emplace_back(reinterpret_cast<const char*>(p + i * width), width);
        }
        break;
      }
      case PhysicalType::kByteArray:
        if (n > dict_bytes_.size() / 4)
          return corrupt("dictionary holds fewer strings than it declares");
        dict_strings_.clear();
        dict_strings_.reserve(n);
        for (size_t i = 0; i < n; ++i) {
          SPARKIFY_RETURN_NOT_OK(plain_decode_string(&p, end, &dict_strings_.emplace_back()));
        }
        break;
    }
    dict_size_ = n;
    has_dict_ = true;
    return Status::OK();
  }

  size_t fixed_width() const { return static_cast<size_t>(src_.schema->type_length); }

  Status check_fixed_dict(size_t n, size_t width) {
    if (n > dict_bytes_.size() / width)
      return corrupt("dictionary holds fewer values than it declares");
    return Status::OK();
  }

  /// Checks a data page's value count against what the chunk still owes.
  Result<size_t> page_rows(int32_t num_values) {
    if (num_values < 0 || num_values > src_.num_values - values_read_) {
      return corrupt("page holds " + std::to_string(num_values) + " values but the chunk has " +
                     std::to_string(src_.num_values - values_read_) + " left");
    }
    return static_cast<size_t>(num_values);
  }

  Status read_data_v1(const format::PageHeader& h, Span page) {
    if (!h.data_page_header) return corrupt("data page without its header");
    const auto& d = *h.data_page_header;
    SPARKIFY_ASSIGN_OR_RETURN(size_t rows, page_rows(d.num_values));
    SPARKIFY_ASSIGN_OR_RETURN(Span body,
                              decompress(page, static_cast<size_t>(h.uncompressed_page_size)));
    size_t present = rows;
    size_t offset = 0;
    if (src_.schema->optional()) {
      if (d.definition_level_encoding != format::kRle) {
        return Status::NotSupported("definition levels in " +
                                    encoding_name(d.definition_level_encoding));
      }
      if (body.size() < 4) return corrupt("page ends inside its definition-level length");
      uint32_t len = load_le<uint32_t>(body.data());
      if (len > body.size() - 4) return corrupt("definition levels run past the page");
      SPARKIFY_ASSIGN_OR_RETURN(present, decode_levels(body.subspan(4, len), rows));
      offset = 4 + len;
    }
    SPARKIFY_RETURN_NOT_OK(decode_values(d.encoding, body.subspan(offset), rows, present));
    values_read_ += static_cast<int64_t>(rows);
    return Status::OK();
  }

  Status read_data_v2(const format::PageHeader& h, Span page) {
    if (!h.data_page_header_v2) return corrupt("data page v2 without its header");
    const auto& d = *h.data_page_header_v2;
    SPARKIFY_ASSIGN_OR_RETURN(size_t rows, page_rows(d.num_values));
    if (d.repetition_levels_byte_length < 0 || d.definition_levels_byte_length < 0 ||
        static_cast<size_t>(d.repetition_levels_byte_length) + d.definition_levels_byte_length >
            page.size()) {
      return corrupt("level lengths exceed the page");
    }
    size_t levels_len =
        static_cast<size_t>(d.repetition_levels_byte_length) + d.definition_levels_byte_length;
    if (static_cast<size_t>(h.uncompressed_page_size) < levels_len)
      return corrupt("uncompressed size smaller than the levels");
    size_t present = rows;
    if (src_.schema->optional()) {
      Span levels = page.subspan(static_cast<size_t>(d.repetition_levels_byte_length),
                                 static_cast<size_t>(d.definition_levels_byte_length));
      SPARKIFY_ASSIGN_OR_RETURN(present, decode_levels(levels, rows));
      if (d.num_nulls != static_cast<int32_t>(rows - present))
        return corrupt("num_nulls disagrees with the levels");
    }
    Span values = page.subspan(levels_len);
    // An empty page (no values, nothing stored) may still be flagged compressed: no codec
    // stream exists to decode.
    const size_t values_size = static_cast<size_t>(h.uncompressed_page_size) - levels_len;
    if (d.is_compressed && !(values.empty() && values_size == 0)) {
      SPARKIFY_ASSIGN_OR_RETURN(
          values, decompress(values, static_cast<size_t>(h.uncompressed_page_size) - levels_len));
    }
    SPARKIFY_RETURN_NOT_OK(decode_values(d.encoding, values, rows, present));
    values_read_ += static_cast<int64_t>(rows);
    return Status::OK();
  }

  /// Decodes `rows` definition levels (max level 1) into levels_; returns how many are 1.
  Result<size_t> decode_levels(Span data, size_t rows) {
    RleHybridDecoder dec(data.data(), data.size(), 1);
    SPARKIFY_RETURN_NOT_OK(
        decode_rle_growing(dec, rows, &levels_).with_context("definition levels"));
    size_t present = 0;
    for (uint8_t l : levels_) {
      if (l > 1) return corrupt("definition level above the maximum");
      present += l;
    }
    return present;
  }

  /// Decodes `count` dictionary indices (bit width byte + RLE hybrid) into indices_.
  Status decode_indices(Span data, size_t count) {
    if (!has_dict_) return corrupt("dictionary-encoded page without a dictionary page");
    if (count == 0) return Status::OK();
    if (data.empty()) return corrupt("page ends before its index bit width");
    int width = data[0];
    if (width > 32) return corrupt("dictionary index bit width above 32");
    RleHybridDecoder dec(data.data() + 1, data.size() - 1, width);
    SPARKIFY_RETURN_NOT_OK(
        decode_rle_growing(dec, count, &indices_).with_context("dictionary indices"));
    for (uint32_t i : indices_) {
      if (i >= dict_size_)
        return corrupt("dictionary index " + std::to_string(i) + " beyond the dictionary");
    }
    return Status::OK();
  }

  Status decode_values(int32_t encoding, Span data, size_t rows, size_t present) {
    Status st;
    switch (src_.schema->physical) {
      case PhysicalType::kBoolean:
        st = decode_fixed<uint8_t>(encoding, data, rows, present);
        break;
      case PhysicalType::kInt32:
        st = decode_fixed<int32_t>(encoding, data, rows, present);
        break;
      case PhysicalType::kInt64:
        st = decode_fixed<int64_t>(encoding, data, rows, present);
        break;
      case PhysicalType::kDouble:
        st = decode_fixed<double>(encoding, data, rows, present);
        break;
      case PhysicalType::kByteArray:
      case PhysicalType::kFixedLenByteArray:
        st = decode_strings(encoding, data, rows, present);
        break;
      case PhysicalType::kFloat:
        st = decode_fixed<float>(encoding, data, rows, present);
        break;
      case PhysicalType::kInt96:
        st = decode_fixed<Int96>(encoding, data, rows, present);
        break;
    }
    SPARKIFY_RETURN_NOT_OK(st);
    if (!dict_out_) append_validity(rows, present);  // dictionary indices mark nulls as -1
    return Status::OK();
  }

  /// Decodes the page's `present` values, then spreads them over its `rows` rows. Output is
  /// allocated only once the values are known to exist: PLAIN and BYTE_STREAM_SPLIT sizes are
  /// checked against the bytes first, RLE and DELTA values are decoded before they are placed.
  template <typename T>
  Status decode_fixed(int32_t encoding, Span data, size_t rows, size_t present) {
    constexpr bool kBool = std::is_same_v<T, uint8_t>;
    constexpr bool kInteger = std::is_same_v<T, int32_t> || std::is_same_v<T, int64_t>;
    const uint8_t* p = data.data();
    const uint8_t* end = p + data.size();
    auto& dst = std::get<std::vector<T>>(out_->values);
    const size_t base = dst.size();
    // Where the present values go: straight into place when no nulls need spreading out.
    auto target = [&]() -> T* {
      if (present == rows) {
        dst.resize(base + rows);
        return dst.data() + base;
      }
      tmp_.resize(present * sizeof(T));
      return reinterpret_cast<T*>(tmp_.data());
    };
    T* vals = nullptr;
    switch (encoding) {
      case format::kPlain: {
        size_t need = kBool ? present / 8 + (present % 8 != 0) : present * sizeof(T);
        if (need > data.size()) return corrupt("page holds fewer values than it declares");
        vals = target();
        if constexpr (kBool) {
          SPARKIFY_RETURN_NOT_OK(plain_decode_booleans(&p, end, present, vals));
        } else {
          SPARKIFY_RETURN_NOT_OK(plain_decode<T>(&p, end, present, vals));
        }
        break;
      }
      case format::kPlainDictionary:
      case format::kRleDictionary: {
        if constexpr (kBool) {
          return corrupt("dictionary-encoded BOOLEAN page");
        } else {
          SPARKIFY_RETURN_NOT_OK(decode_indices(data, present));
          vals = target();
          const T* dict = reinterpret_cast<const T*>(dict_bytes_.data());
          for (size_t i = 0; i < present; ++i) std::memcpy(&vals[i], &dict[indices_[i]], sizeof(T));
        }
        break;
      }
      case format::kRle: {
        if constexpr (!kBool) {
          return Status::NotSupported("RLE-encoded values outside BOOLEAN columns");
        } else {
          if (data.size() < 4) return corrupt("page ends inside the RLE length");
          uint32_t len = load_le<uint32_t>(p);
          if (len > data.size() - 4) return corrupt("RLE values run past the page");
          RleHybridDecoder dec(p + 4, len, 1);
          SPARKIFY_RETURN_NOT_OK(decode_rle_growing(dec, present, &bools_));
          for (uint8_t b : bools_) {
            if (b > 1) return corrupt("boolean value above 1");
          }
          vals = target();
          std::memcpy(vals, bools_.data(), present);
        }
        break;
      }
      case format::kDeltaBinaryPacked: {
        if constexpr (kInteger) {
          std::vector<T> decoded;
          SPARKIFY_RETURN_NOT_OK(delta_binary_packed_decode<T>(&p, end, present, &decoded));
          vals = target();
          if (present) std::memcpy(vals, decoded.data(), present * sizeof(T));
          break;
        } else {
          return Status::NotSupported("DELTA_BINARY_PACKED outside integer columns");
        }
      }
      case format::kByteStreamSplit:
        if constexpr (kBool || std::is_same_v<T, Int96>) {
          return Status::NotSupported("BYTE_STREAM_SPLIT in a BOOLEAN or INT96 column");
        } else {
          if (present > data.size() / sizeof(T))
            return corrupt("page holds fewer values than it declares");
          vals = target();
          SPARKIFY_RETURN_NOT_OK(byte_stream_split_decode(p, data.size(), present, sizeof(T),
                                                          reinterpret_cast<uint8_t*>(vals)));
        }
        break;
      default:
        return Status::NotSupported(encoding_name(encoding) + " values");
    }
    if (present != rows) {
      // rows is backed by the levels already decoded.
      dst.resize(base + rows);
      T* out = dst.data() + base;
      size_t k = 0;
      for (size_t i = 0; i < rows; ++i) out[i] = levels_[i] ? vals[k++] : T{};
    }
    return Status::OK();
  }

  Status decode_strings(int32_t encoding, Span data, size_t rows, size_t present) {
    if (dict_out_) return keep_indices(encoding, data, rows, present);
    const uint8_t* p = data.data();
    const uint8_t* end = p + data.size();
    views_.clear();
    const bool fixed = src_.schema->physical == PhysicalType::kFixedLenByteArray;
    const size_t width = fixed ? fixed_width() : 0;
    switch (encoding) {
      case format::kPlain:
        if (fixed) {
          if (present > data.size() / width)
            return corrupt("page holds fewer values than it declares");
          views_.resize(present);
          for (size_t i = 0; i < present; ++i)
            views_[i] = std::string_view(reinterpret_cast<const char*>(p + i * width), width);
          break;
        }
        if (present > data.size() / 4) return corrupt("page holds fewer strings than it declares");
        views_.resize(present);
        for (size_t i = 0; i < present; ++i)
          SPARKIFY_RETURN_NOT_OK(plain_decode_string(&p, end, &views_[i]));
        break;
      case format::kByteStreamSplit:
        if (!fixed) return Status::NotSupported("BYTE_STREAM_SPLIT in a BYTE_ARRAY column");
        if (present > data.size() / width)
          return corrupt("page holds fewer values than it declares");
        delta_storage_.resize(present * width);
        SPARKIFY_RETURN_NOT_OK(byte_stream_split_decode(
            p, data.size(), present, width, reinterpret_cast<uint8_t*>(delta_storage_.data())));
        views_.resize(present);
        for (size_t i = 0; i < present; ++i)
          views_[i] = std::string_view(delta_storage_).substr(i * width, width);
        break;
      case format::kPlainDictionary:
      case format::kRleDictionary:
        SPARKIFY_RETURN_NOT_OK(decode_indices(data, present));
        views_.resize(present);
        for (size_t i = 0; i < present; ++i) views_[i] = dict_strings_[indices_[i]];
        break;
      case format::kDeltaLengthByteArray:
        SPARKIFY_RETURN_NOT_OK(delta_length_byte_array_decode(p, data.size(), present, &views_));
        break;
      case format::kDeltaByteArray:
        SPARKIFY_RETURN_NOT_OK(
            delta_byte_array_decode(p, data.size(), present, &delta_storage_, &views_));
        break;
      default:
        return Status::NotSupported(encoding_name(encoding) + " strings");
    }
    if (fixed) {
      for (std::string_view v : views_) {
        if (v.size() != width) return corrupt("a FIXED_LEN_BYTE_ARRAY value of the wrong length");
      }
    }
    auto& col = std::get<StringColumn>(out_->values);
    size_t bytes = 0;
    for (std::string_view v : views_) bytes += v.size();
    col.data.reserve(col.data.size() + bytes);
    col.offsets.reserve(col.offsets.size() + rows);
    size_t k = 0;
    for (size_t i = 0; i < rows; ++i) {
      if (present == rows || levels_[i]) col.data.append(views_[k++]);
      col.offsets.push_back(col.data.size());
    }
    return Status::OK();
  }

  /// A page's rows as dictionary indices (-1 for nulls), for read_dictionary_column.
  Status keep_indices(int32_t encoding, Span data, size_t rows, size_t present) {
    if (encoding != format::kPlainDictionary && encoding != format::kRleDictionary) {
      not_dictionary_ = true;
      return Status::NotSupported(encoding_name(encoding) + " page in a dictionary read");
    }
    SPARKIFY_RETURN_NOT_OK(decode_indices(data, present));
    if (dict_size_ > static_cast<size_t>(INT32_MAX)) return corrupt("dictionary too large");
    std::vector<int32_t>& out = dict_out_->indices;
    size_t k = 0;
    for (size_t i = 0; i < rows; ++i) {
      out.push_back(present == rows || levels_[i] ? static_cast<int32_t>(indices_[k++]) : -1);
    }
    return Status::OK();
  }

  /// Extends the validity bytes for the page just decoded. They stay empty until the first
  /// null, so columns without nulls never carry them.
  void append_validity(size_t rows, size_t present) {
    std::vector<uint8_t>& v = out_->validity;
    if (present == rows) {
      if (!v.empty()) v.insert(v.end(), rows, 1);
      return;
    }
    if (v.empty()) v.assign(row_count(*out_) - rows, 1);
    v.insert(v.end(), levels_.begin(), levels_.begin() + static_cast<std::ptrdiff_t>(rows));
  }

  const ColumnChunkSource& src_;
  ColumnData* out_;
  const CompressionCodec& codec_;
  ByteBuffer scratch_;
  ByteBuffer tmp_;
  bool has_dict_ = false;
  size_t dict_size_ = 0;
  ByteBuffer dict_bytes_;
  std::vector<std::string_view> dict_strings_;
  std::vector<uint8_t> levels_;
  std::vector<uint32_t> indices_;
  std::vector<uint8_t> bools_;
  std::vector<std::string_view> views_;
  std::string delta_storage_;
  int64_t values_read_ = 0;
  DictionaryColumn* dict_out_ = nullptr;
  bool not_dictionary_ = false;
};

}  // namespace

Status read_column_chunk(const ColumnChunkSource& source, ColumnData* out) {
  return ChunkReader(source, out).run();
}

Status read_column_chunk(const ColumnChunkSource& source, DictionaryColumn* out,
                         bool* dictionary_encoded) {
  ColumnData unused = make_column_data(*source.schema);
  ChunkReader reader(source, &unused, out);
  Status st = reader.run();
  *dictionary_encoded = !reader.not_dictionary();
  if (!st.ok()) return reader.not_dictionary() ? Status::OK() : st;
  reader.copy_dictionary();
  return Status::OK();
}

}  // namespace sparkify::parquet
