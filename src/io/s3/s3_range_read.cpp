// S3FileSystem::read_range: one object read in pieces (GET with a Range header), so a large log
// object streams through a bounded buffer instead of arriving whole.
#include <charconv>
#include <string>

#include "io/s3/s3_file_system.h"

namespace sparkify::io::s3 {

namespace {

struct ContentRange {
  uint64_t first = 0, last = 0;  ///< inclusive byte positions
  bool total_known = false;
  uint64_t total = 0;
};

bool parse_number(std::string_view text, uint64_t& out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

// "bytes FIRST-LAST/TOTAL" (TOTAL may be "*"), as RFC 9110 §14.4 writes it for a 206.
bool parse_content_range(std::string_view value, ContentRange& out) {
  constexpr std::string_view kUnit = "bytes ";
  if (value.substr(0, kUnit.size()) != kUnit) return false;
  value.remove_prefix(kUnit.size());
  size_t dash = value.find('-'), slash = value.find('/');
  if (dash == std::string_view::npos || slash == std::string_view::npos || dash > slash) {
    return false;
  }
  if (!parse_number(value.substr(0, dash), out.first) ||
      !parse_number(value.substr(dash + 1, slash - dash - 1), out.last) || out.last < out.first) {
    return false;
  }
  std::string_view total = value.substr(slash + 1);
  out.total_known = total != "*";
  if (out.total_known && (!parse_number(total, out.total) || out.last >= out.total)) return false;
  return true;
}

}  // namespace

Status S3FileSystem::read_range(const std::string& url, uint64_t offset, size_t length,
                                Buffer& buffer, size_t padding, const std::string& version) {
  SPARKIFY_ASSIGN_OR_RETURN(S3Path path, parse_s3_url(url));
  if (path.key.empty()) return Status::Invalid(url + " names a bucket, not an object");
  buffer.resize_for_overwrite(0, padding);
  const uint64_t end = offset + length;  // exclusive
  uint64_t at = offset;
  while (at < end) {
    S3Request request;
    request.method = "GET";
    request.bucket = path.bucket;
    request.key = path.key;
    std::string asked = "bytes=" + std::to_string(at) + "-" + std::to_string(end - 1);
    request.headers = {{"range", asked}};  // signed with the rest, as S3 accepts
    if (!version.empty()) request.headers.emplace_back("if-match", "\"" + version + "\"");
    request.body_padding = padding;
    SPARKIFY_ASSIGN_OR_RETURN(http::HttpResponse response, client_->send(request));
    // Nothing at or past the end: S3 answers InvalidRange (also for any range of an empty object).
    if (response.status == 416) break;
    if (response.status == 412 && !version.empty()) {
      return Status::IoError(s3_url(path.bucket, path.key) +
                             " changed while it was being read (its ETag is no longer " + version +
                             "); run again");
    }
    std::string where = "reading " + s3_url(path.bucket, path.key) + " (" + asked + ")";
    if (response.status == 200) {
      return Status::NotSupported("the S3 endpoint " + client_->endpoint().display() +
                                  " answered " + where +
                                  " with the whole object: it does not support ranged reads");
    }
    if (response.status != 206) return client_->error_status(response, request);
    std::string header = response.header("content-range");
    ContentRange got;
    if (!parse_content_range(header, got) || got.first != at || got.last >= end ||
        response.body.size() != got.last - got.first + 1) {
      return Status::Corrupt("S3 answered " + where +
                             " with other bytes than asked (Content-Range '" + header + "', " +
                             std::to_string(response.body.size()) + " bytes of body)");
    }
    if (buffer.empty() && got.last + 1 == end) {
      buffer = std::move(response.body);  // the usual answer: all of it at once, no copy
    } else {
      buffer.append(response.body.data(), response.body.size());  // a short answer, continued
    }
    at = got.last + 1;
    if (got.total_known && at >= got.total) break;
  }
  return Status::OK();
}

}  // namespace sparkify::io::s3
