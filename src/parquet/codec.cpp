#include "parquet/codec.h"

#include <brotli/decode.h>
#include <brotli/encode.h>
#include <lz4.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <memory>
#include <string>

#include "parquet/bit_util.h"
#include "parquet/metadata.h"

namespace sparkify::parquet {

namespace {

// Decompression starts with a buffer this large (or the claimed size, if smaller) and doubles
// it as output actually arrives, so a lying size field costs nothing.
constexpr size_t kInitialOutput = 64 << 10;

// One byte more than expected, so that output running past the page size shows up as output
// rather than as a decoder waiting for room.
size_t initial_output(size_t in_size, size_t size) {
  return std::min(size + 1, std::max(kInitialOutput, in_size * 4));
}

class UncompressedCodec final : public CompressionCodec {
 public:
  Status compress(std::span<const uint8_t> in, int, ByteBuffer* out) const override {
    out->append(in);
    return Status::OK();
  }
  Status decompress(std::span<const uint8_t> in, size_t size, ByteBuffer* out) const override {
    if (in.size() != size)
      return Status::Corrupt("uncompressed page size differs from its stored size");
    out->clear();
    out->append(in);
    return Status::OK();
  }
};

class SnappyCodec final : public CompressionCodec {
 public:
  Status compress(std::span<const uint8_t> in, int, ByteBuffer* out) const override {
    size_t start = out->size();
    out->resize(start + snappy::MaxCompressedLength(in.size()));
    size_t n = 0;
    snappy::RawCompress(reinterpret_cast<const char*>(in.data()), in.size(),
                        reinterpret_cast<char*>(out->data() + start), &n);
    out->resize(start + n);
    return Status::OK();
  }
  Status decompress(std::span<const uint8_t> in, size_t size, ByteBuffer* out) const override {
    const char* src = reinterpret_cast<const char*>(in.data());
    size_t claimed = 0;
    if (!snappy::GetUncompressedLength(src, in.size(), &claimed) || claimed != size) {
      return Status::Corrupt("snappy block length differs from the page header");
    }
    // No snappy element expands more than 64 bytes from 3, so a longer claim is a lie.
    if (size / 22 > in.size()) return Status::Corrupt("snappy block claims an impossible ratio");
    out->resize(size);
    if (!snappy::RawUncompress(src, in.size(), reinterpret_cast<char*>(out->data()))) {
      return Status::Corrupt("snappy block is damaged");
    }
    return Status::OK();
  }
};

struct ZstdContexts {
  ZSTD_CCtx* c = nullptr;
  ZSTD_DCtx* d = nullptr;
  ~ZstdContexts() {
    ZSTD_freeCCtx(c);
    ZSTD_freeDCtx(d);
  }
};

ZstdContexts& zstd_contexts() {
  // One pair per thread: creating a context per file would dominate writing tiny files.
  thread_local ZstdContexts contexts;
  return contexts;
}

class ZstdCodec final : public CompressionCodec {
 public:
  Status compress(std::span<const uint8_t> in, int level, ByteBuffer* out) const override {
    auto& ctx = zstd_contexts();
    if (ctx.c == nullptr && (ctx.c = ZSTD_createCCtx()) == nullptr) {
      return Status::Internal("zstd: cannot create a compression context");
    }
    size_t start = out->size();
    out->resize(start + ZSTD_compressBound(in.size()));
    size_t n = ZSTD_compressCCtx(ctx.c, out->data() + start, out->size() - start, in.data(),
                                 in.size(), level == 0 ? ZSTD_CLEVEL_DEFAULT : level);
    if (ZSTD_isError(n)) {
      return Status::Internal(std::string("zstd: ") + ZSTD_getErrorName(n));
    }
    out->resize(start + n);
    return Status::OK();
  }
  Status decompress(std::span<const uint8_t> in, size_t size, ByteBuffer* out) const override {
    auto& ctx = zstd_contexts();
    if (ctx.d == nullptr && (ctx.d = ZSTD_createDCtx()) == nullptr) {
      return Status::Internal("zstd: cannot create a decompression context");
    }
    ZSTD_DCtx_reset(ctx.d, ZSTD_reset_session_only);
    out->resize(initial_output(in.size(), size));
    ZSTD_inBuffer src{in.data(), in.size(), 0};
    size_t produced = 0;
    for (;;) {
      ZSTD_outBuffer dst{out->data(), out->size(), produced};
      size_t r = ZSTD_decompressStream(ctx.d, &dst, &src);
      produced = dst.pos;
      if (ZSTD_isError(r)) return Status::Corrupt(std::string("zstd: ") + ZSTD_getErrorName(r));
      if (r == 0 && src.pos == src.size) break;  // frame(s) complete
      if (produced == out->size()) {
        if (out->size() > size) return Status::Corrupt("zstd data expands past the page size");
        out->resize(std::min(size + 1, out->size() * 2));
      } else if (src.pos == src.size) {
        return Status::Corrupt("zstd data is truncated");
      }
    }
    if (produced != size)
      return Status::Corrupt("zstd data expands to a size other than the page's");
    out->resize(produced);
    return Status::OK();
  }
};

struct ZlibStreams {
  z_stream deflate{};
  int deflate_level = -100;  // not initialised
  z_stream inflate{};
  bool inflate_ready = false;
  ~ZlibStreams() {
    if (deflate_level != -100) deflateEnd(&deflate);
    if (inflate_ready) inflateEnd(&inflate);
  }
};

ZlibStreams& zlib_streams() {
  thread_local ZlibStreams streams;
  return streams;
}

class GzipCodec final : public CompressionCodec {
 public:
  Status compress(std::span<const uint8_t> in, int level, ByteBuffer* out) const override {
    auto& zs = zlib_streams();
    int want = level == 0 ? Z_DEFAULT_COMPRESSION : level;
    if (zs.deflate_level != want) {
      if (zs.deflate_level != -100) deflateEnd(&zs.deflate);
      zs.deflate = z_stream{};
      // windowBits 15 + 16: a gzip wrapper, which is what Parquet's GZIP means.
      if (deflateInit2(&zs.deflate, want, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        zs.deflate_level = -100;
        return Status::Internal("zlib: cannot initialise deflate");
      }
      zs.deflate_level = want;
    } else {
      deflateReset(&zs.deflate);
    }
    size_t start = out->size();
    out->resize(start + deflateBound(&zs.deflate, static_cast<uLong>(in.size())));
    zs.deflate.next_in = const_cast<Bytef*>(in.data());
    zs.deflate.avail_in = static_cast<uInt>(in.size());
    zs.deflate.next_out = out->data() + start;
    zs.deflate.avail_out = static_cast<uInt>(out->size() - start);
    if (deflate(&zs.deflate, Z_FINISH) != Z_STREAM_END)
      return Status::Internal("zlib: deflate failed");
    out->resize(start + zs.deflate.total_out);
    return Status::OK();
  }
  Status decompress(std::span<const uint8_t> in, size_t size, ByteBuffer* out) const override {
    auto& zs = zlib_streams();
    if (!zs.inflate_ready) {
      zs.inflate = z_stream{};
      // windowBits 15 + 32: accept gzip or zlib headers (older writers used either).
      if (inflateInit2(&zs.inflate, 15 + 32) != Z_OK)
        return Status::Internal("zlib: cannot initialise inflate");
      zs.inflate_ready = true;
    } else {
      inflateReset(&zs.inflate);
    }
    out->resize(initial_output(in.size(), size));
    zs.inflate.next_in = const_cast<Bytef*>(in.data());
    zs.inflate.avail_in = static_cast<uInt>(in.size());
    size_t produced = 0;
    for (;;) {
      zs.inflate.next_out = out->data() + produced;
      zs.inflate.avail_out = static_cast<uInt>(out->size() - produced);
      int r = inflate(&zs.inflate, Z_NO_FLUSH);
      produced = out->size() - zs.inflate.avail_out;
      if (r == Z_STREAM_END) {
        if (zs.inflate.avail_in == 0) break;
        // Concatenated gzip members (some writers emit several per page): one stream each.
        inflateReset(&zs.inflate);
        continue;
      }
      if (r != Z_OK && r != Z_BUF_ERROR) return Status::Corrupt("gzip data is damaged");
      if (produced == out->size()) {
        if (out->size() > size) return Status::Corrupt("gzip data expands past the page size");
        out->resize(std::min(size + 1, out->size() * 2));
      } else if (zs.inflate.avail_in == 0 || r == Z_BUF_ERROR) {
        return Status::Corrupt("gzip data is truncated");
      }
    }
    if (produced != size)
      return Status::Corrupt("gzip data expands to a size other than the page's");
    out->resize(produced);
    return Status::OK();
  }
};

// LZ4 blocks expand at most 255:1 (a match length byte of 255 emits 255 bytes), so a page size
// past that ratio is a lie and is refused before any output is allocated.
constexpr size_t kLz4MaxRatio = 255;

Status lz4_block_decompress(std::span<const uint8_t> in, size_t size, uint8_t* out) {
  if (in.size() > static_cast<size_t>(LZ4_MAX_INPUT_SIZE) ||
      size > static_cast<size_t>(LZ4_MAX_INPUT_SIZE)) {
    return Status::Corrupt("LZ4 block is too large");
  }
  int n =
      LZ4_decompress_safe(reinterpret_cast<const char*>(in.data()), reinterpret_cast<char*>(out),
                          static_cast<int>(in.size()), static_cast<int>(size));
  if (n < 0) return Status::Corrupt("LZ4 block is damaged");
  if (static_cast<size_t>(n) != size)
    return Status::Corrupt("LZ4 block expands to a size other than the page's");
  return Status::OK();
}

Status lz4_block_compress(std::span<const uint8_t> in, ByteBuffer* out) {
  if (in.size() > static_cast<size_t>(LZ4_MAX_INPUT_SIZE))
    return Status::Invalid("page too large for LZ4");
  size_t start = out->size();
  out->resize(start + static_cast<size_t>(LZ4_compressBound(static_cast<int>(in.size()))));
  int n = LZ4_compress_default(reinterpret_cast<const char*>(in.data()),
                               reinterpret_cast<char*>(out->data() + start),
                               static_cast<int>(in.size()), static_cast<int>(out->size() - start));
  if (n <= 0) return Status::Internal("LZ4 compression failed");
  out->resize(start + static_cast<size_t>(n));
  return Status::OK();
}

Status check_lz4_ratio(std::span<const uint8_t> in, size_t size) {
  if (size / kLz4MaxRatio > in.size())
    return Status::Corrupt("LZ4 data claims an impossible ratio");
  return Status::OK();
}

class Lz4RawCodec final : public CompressionCodec {
 public:
  Status compress(std::span<const uint8_t> in, int, ByteBuffer* out) const override {
    return lz4_block_compress(in, out);
  }
  Status decompress(std::span<const uint8_t> in, size_t size, ByteBuffer* out) const override {
    SPARKIFY_RETURN_NOT_OK(check_lz4_ratio(in, size));
    out->resize(size);
    return lz4_block_decompress(in, size, out->data());
  }
};

/// Parquet's original LZ4 codec: parquet-mr wrote Hadoop's framing (per block a big-endian
/// decompressed length and compressed length, then the block); some other writers wrote a bare
/// block. Like Arrow, try the framing first and fall back to a bare block.
class Lz4HadoopCodec final : public CompressionCodec {
 public:
  Status compress(std::span<const uint8_t> in, int, ByteBuffer* out) const override {
    size_t header = out->size();
    out->resize(header + 8);
    SPARKIFY_RETURN_NOT_OK(lz4_block_compress(in, out));
    store_be32(out->data() + header, static_cast<uint32_t>(in.size()));
    store_be32(out->data() + header + 4, static_cast<uint32_t>(out->size() - header - 8));
    return Status::OK();
  }
  Status decompress(std::span<const uint8_t> in, size_t size, ByteBuffer* out) const override {
    SPARKIFY_RETURN_NOT_OK(check_lz4_ratio(in, size));
    out->resize(size);
    if (decompress_hadoop(in, size, out->data())) return Status::OK();
    return lz4_block_decompress(in, size, out->data());
  }

 private:
  static void store_be32(uint8_t* p, uint32_t v) {
    p[0] = static_cast<uint8_t>(v >> 24);
    p[1] = static_cast<uint8_t>(v >> 16);
    p[2] = static_cast<uint8_t>(v >> 8);
    p[3] = static_cast<uint8_t>(v);
  }
  static uint32_t load_be32(const uint8_t* p) {
    return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
  }
  static bool decompress_hadoop(std::span<const uint8_t> in, size_t size, uint8_t* out) {
    size_t pos = 0, produced = 0;
    while (in.size() - pos >= 8) {
      uint32_t raw = load_be32(in.data() + pos);
      uint32_t packed = load_be32(in.data() + pos + 4);
      pos += 8;
      if (packed > in.size() - pos || raw > size - produced) return false;
      if (!lz4_block_decompress(in.subspan(pos, packed), raw, out + produced).ok()) return false;
      pos += packed;
      produced += raw;
    }
    return pos == in.size() && produced == size;
  }
};

class BrotliCodec final : public CompressionCodec {
 public:
  Status compress(std::span<const uint8_t> in, int level, ByteBuffer* out) const override {
    size_t start = out->size();
    size_t n = BrotliEncoderMaxCompressedSize(in.size());
    if (n == 0) n = in.size() + 1024;
    out->resize(start + n);
    if (!BrotliEncoderCompress(level == 0 ? BROTLI_DEFAULT_QUALITY : level, BROTLI_DEFAULT_WINDOW,
                               BROTLI_DEFAULT_MODE, in.size(), in.data(), &n,
                               out->data() + start)) {
      return Status::Internal("brotli compression failed");
    }
    out->resize(start + n);
    return Status::OK();
  }
  Status decompress(std::span<const uint8_t> in, size_t size, ByteBuffer* out) const override {
    std::unique_ptr<BrotliDecoderState, void (*)(BrotliDecoderState*)> state(
        BrotliDecoderCreateInstance(nullptr, nullptr, nullptr), BrotliDecoderDestroyInstance);
    if (!state) return Status::Internal("brotli: cannot create a decoder");
    out->resize(initial_output(in.size(), size));
    const uint8_t* next_in = in.data();
    size_t avail_in = in.size();
    size_t produced = 0;
    for (;;) {
      uint8_t* next_out = out->data() + produced;
      size_t avail_out = out->size() - produced;
      BrotliDecoderResult r = BrotliDecoderDecompressStream(state.get(), &avail_in, &next_in,
                                                            &avail_out, &next_out, nullptr);
      produced = out->size() - avail_out;
      if (r == BROTLI_DECODER_RESULT_SUCCESS) break;
      if (r == BROTLI_DECODER_RESULT_ERROR) return Status::Corrupt("brotli data is damaged");
      if (r == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT)
        return Status::Corrupt("brotli data is truncated");
      // NEEDS_MORE_OUTPUT
      if (out->size() > size) return Status::Corrupt("brotli data expands past the page size");
      out->resize(std::min(size + 1, out->size() * 2));
    }
    if (produced != size)
      return Status::Corrupt("brotli data expands to a size other than the page's");
    out->resize(produced);
    return Status::OK();
  }
};

}  // namespace

const CompressionCodec& CompressionCodec::Get(Codec codec) {
  static const UncompressedCodec none;
  static const SnappyCodec snappy;
  static const GzipCodec gzip;
  static const ZstdCodec zstd;
  static const Lz4HadoopCodec lz4;
  static const Lz4RawCodec lz4_raw;
  static const BrotliCodec brotli;
  switch (codec) {
    case Codec::kSnappy:
      return snappy;
    case Codec::kGzip:
      return gzip;
    case Codec::kZstd:
      return zstd;
    case Codec::kLz4:
      return lz4;
    case Codec::kLz4Raw:
      return lz4_raw;
    case Codec::kBrotli:
      return brotli;
    case Codec::kUncompressed:
      break;
  }
  return none;
}

int32_t codec_to_thrift(Codec codec) {
  switch (codec) {
    case Codec::kSnappy:
      return format::kSnappy;
    case Codec::kGzip:
      return format::kGzip;
    case Codec::kZstd:
      return format::kZstd;
    case Codec::kLz4:
      return format::kLz4;
    case Codec::kLz4Raw:
      return format::kLz4Raw;
    case Codec::kBrotli:
      return format::kBrotli;
    case Codec::kUncompressed:
      break;
  }
  return format::kUncompressed;
}

bool codec_from_thrift(int32_t value, Codec* out) {
  switch (value) {
    case format::kUncompressed:
      *out = Codec::kUncompressed;
      return true;
    case format::kSnappy:
      *out = Codec::kSnappy;
      return true;
    case format::kGzip:
      *out = Codec::kGzip;
      return true;
    case format::kZstd:
      *out = Codec::kZstd;
      return true;
    case format::kLz4:
      *out = Codec::kLz4;
      return true;
    case format::kLz4Raw:
      *out = Codec::kLz4Raw;
      return true;
    case format::kBrotli:
      *out = Codec::kBrotli;
      return true;
    default:
      return false;
  }
}

const char* codec_name(Codec codec) {
  switch (codec) {
    case Codec::kSnappy:
      return "SNAPPY";
    case Codec::kGzip:
      return "GZIP";
    case Codec::kZstd:
      return "ZSTD";
    case Codec::kLz4:
      return "LZ4";
    case Codec::kLz4Raw:
      return "LZ4_RAW";
    case Codec::kBrotli:
      return "BROTLI";
    case Codec::kUncompressed:
      break;
  }
  return "UNCOMPRESSED";
}

}  // namespace sparkify::parquet
