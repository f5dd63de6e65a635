// S3 addressing: parsing s3:// and s3a:// URLs into bucket and key, and turning a bucket, key and
// query into the request URL and Host header for an endpoint (virtual-hosted style on AWS,
// path style on a custom endpoint such as MinIO or a loopback test server).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace sparkify::io::s3 {

struct S3Path {
  std::string bucket;
  std::string key;  ///< may be empty (the bucket's root); never starts with '/'
};

/// Parses "s3://bucket/key" or "s3a://bucket/key". The key is taken literally (no %-decoding).
Result<S3Path> parse_s3_url(std::string_view url);

/// Where requests go and how they are addressed.
class S3Endpoint {
 public:
  /// `endpoint` empty means AWS in `region`; otherwise a URL such as http://127.0.0.1:9000 (a
  /// missing scheme means https), addressed path-style.
  static Result<S3Endpoint> Make(const std::string& endpoint, const std::string& region);

  struct Target {
    std::string url;            ///< full request URL
    std::string host;           ///< Host header value (signed)
    std::string canonical_uri;  ///< the encoded path, as signed
  };
  /// The request target for an object (or the bucket when `key` is empty). `query` holds
  /// decoded names and values; they are encoded the way SigV4 signs them. `region` picks the
  /// AWS regional host (empty: the endpoint's own); a custom endpoint ignores it.
  Target target(const std::string& bucket, const std::string& key,
                const std::vector<std::pair<std::string, std::string>>& query,
                const std::string& region = {}) const;

  /// "http://127.0.0.1:9000" or "https://s3.us-east-1.amazonaws.com", for messages.
  std::string display() const { return scheme_ + "://" + authority_; }
  bool is_custom() const { return custom_; }

 private:
  std::string scheme_;
  std::string authority_;  // host[:port]
  std::string region_;     // AWS only
  bool custom_ = false;
};

}  // namespace sparkify::io::s3
