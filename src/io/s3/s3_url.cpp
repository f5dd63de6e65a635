#include "io/s3/s3_url.h"

#include <cctype>

#include "io/s3/sigv4.h"

namespace sparkify::io::s3 {

namespace {

bool valid_bucket_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
}

// Virtual-hosted addressing needs a bucket that is a valid DNS label without dots (dots break
// the wildcard TLS certificate); anything else falls back to path style.
bool dns_compatible(const std::string& bucket) {
  if (bucket.size() < 3 || bucket.size() > 63) return false;
  for (char c : bucket) {
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '-')) {
      return false;
    }
  }
  return bucket.front() != '-' && bucket.back() != '-';
}

}  // namespace

Result<S3Path> parse_s3_url(std::string_view url) {
  std::string_view rest;
  if (url.rfind("s3://", 0) == 0) {
    rest = url.substr(5);
  } else if (url.rfind("s3a://", 0) == 0) {
    rest = url.substr(6);
  } else {
    return Status::Invalid("not an S3 URL (expected s3://bucket/key): " + std::string(url));
  }
  size_t slash = rest.find('/');
  S3Path path;
  path.bucket = std::string(rest.substr(0, slash));
  if (slash != std::string_view::npos) path.key = std::string(rest.substr(slash + 1));
  if (path.bucket.empty()) {
    return Status::Invalid("S3 URL has no bucket name: " + std::string(url));
  }
  for (char c : path.bucket) {
    if (!valid_bucket_char(c)) {
      return Status::Invalid("S3 URL has an invalid bucket name '" + path.bucket +
                             "': " + std::string(url));
    }
  }
  return path;
}

Result<S3Endpoint> S3Endpoint::Make(const std::string& endpoint, const std::string& region) {
  S3Endpoint out;
  if (endpoint.empty()) {
    out.scheme_ = "https";
    out.region_ = region.empty() ? std::string("us-east-1") : region;
    out.authority_ = "s3.";
    out.authority_ += out.region_;
    out.authority_ += ".amazonaws.com";
    return out;
  }
  out.custom_ = true;
  std::string_view rest = endpoint;
  size_t scheme_end = rest.find("://");
  if (scheme_end == std::string_view::npos) {
    out.scheme_ = "https";
  } else {
    out.scheme_ = std::string(rest.substr(0, scheme_end));
    for (char& c : out.scheme_) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    rest = rest.substr(scheme_end + 3);
    if (out.scheme_ != "http" && out.scheme_ != "https") {
      return Status::Invalid("S3 endpoint must be an http:// or https:// URL: " + endpoint);
    }
  }
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.empty() || rest.find('/') != std::string_view::npos) {
    return Status::Invalid("S3 endpoint must be scheme://host[:port] without a path: " + endpoint);
  }
  out.authority_ = std::string(rest);
  return out;
}

S3Endpoint::Target S3Endpoint::target(const std::string& bucket, const std::string& key,
                                      const std::vector<std::pair<std::string, std::string>>& query,
                                      const std::string& region) const {
  Target t;
  std::string authority = authority_;
  if (!custom_ && !region.empty() && region != region_) {
    authority = "s3.";
    authority += region;
    authority += ".amazonaws.com";
  }
  bool virtual_host = !custom_ && dns_compatible(bucket);
  std::string encoded_key = uri_encode(key, /*encode_slash=*/false);
  // Built by appending: GCC 12 warns falsely (-Wrestrict) on chains of "/" + std::string.
  t.canonical_uri.push_back('/');
  if (virtual_host) {
    t.host = bucket;
    t.host.push_back('.');
    t.host += authority;
  } else {
    t.host = authority;
    t.canonical_uri += uri_encode(bucket, true);
    if (!key.empty()) t.canonical_uri.push_back('/');
  }
  t.canonical_uri += encoded_key;
  t.url = scheme_;
  t.url += "://";
  t.url += t.host;
  t.url += t.canonical_uri;
  std::string q = canonical_query_string(query);
  if (!q.empty()) {
    t.url.push_back('?');
    t.url += q;
  }
  return t;
}

}  // namespace sparkify::io::s3
