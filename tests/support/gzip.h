// gzip_member: one gzip member of `text` (deflate, level 6), for tests that feed `.json.gz`
// inputs. Concatenate members for a multi-member file. Link the test with ZLIB::ZLIB.
#pragma once

#include <zlib.h>

#include <string>

namespace sparkify::testing {

inline std::string gzip_member(const std::string& text) {
  z_stream zs{};
  deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, text.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  zs.avail_in = static_cast<uInt>(text.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

}  // namespace sparkify::testing
