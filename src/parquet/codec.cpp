#include "parquet/codec.h"

#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <memory>
#include <string>

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
    if (in.size() != size) return Status::Corrupt("uncompressed page size differs from its stored size");
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
    if (produced != size) return Status::Corrupt("zstd data expands to a size other than the page's");
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
    if (deflate(&zs.deflate, Z_FINISH) != Z_STREAM_END) return Status::Internal("zlib: deflate failed");
    out->resize(start + zs.deflate.total_out);
    return Status::OK();
  }
  Status decompress(std::span<const uint8_t> in, size_t size, ByteBuffer* out) const override {
    auto& zs = zlib_streams();
    if (!zs.inflate_ready) {
      zs.inflate = z_stream{};
      // windowBits 15 + 32: accept gzip or zlib headers (older writers used either).
      if (inflateInit2(&zs.inflate, 15 + 32) != Z_OK) return Status::Internal("zlib: cannot initialise inflate");
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
      if (r == Z_STREAM_END) break;
      if (r != Z_OK && r != Z_BUF_ERROR) return Status::Corrupt("gzip data is damaged");
      if (produced == out->size()) {
        if (out->size() > size) return Status::Corrupt("gzip data expands past the page size");
        out->resize(std::min(size + 1, out->size() * 2));
      } else if (zs.inflate.avail_in == 0 || r == Z_BUF_ERROR) {
        return Status::Corrupt("gzip data is truncated");
      }
    }
    if (produced != size) return Status::Corrupt("gzip data expands to a size other than the page's");
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
  switch (codec) {
    case Codec::kSnappy: return snappy;
    case Codec::kGzip: return gzip;
    case Codec::kZstd: return zstd;
    case Codec::kUncompressed: break;
  }
  return none;
}

int32_t codec_to_thrift(Codec codec) {
  switch (codec) {
    case Codec::kSnappy: return format::kSnappy;
    case Codec::kGzip: return format::kGzip;
    case Codec::kZstd: return format::kZstd;
    case Codec::kUncompressed: break;
  }
  return format::kUncompressed;
}

bool codec_from_thrift(int32_t value, Codec* out) {
  switch (value) {
    case format::kUncompressed: *out = Codec::kUncompressed; return true;
    case format::kSnappy: *out = Codec::kSnappy; return true;
    case format::kGzip: *out = Codec::kGzip; return true;
    case format::kZstd: *out = Codec::kZstd; return true;
    default: return false;
  }
}

const char* codec_name(Codec codec) {
  switch (codec) {
    case Codec::kSnappy: return "SNAPPY";
    case Codec::kGzip: return "GZIP";
    case Codec::kZstd: return "ZSTD";
    case Codec::kUncompressed: break;
  }
  return "UNCOMPRESSED";
}

}  // namespace sparkify::parquet
