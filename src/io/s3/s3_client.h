// S3Client: one signed S3 request at a time, with retries — builds the URL for the endpoint,
// signs with SigV4 (or sends anonymously when no access key is set), retries within the policy's
// budget and turns S3 failures into a Status with one sentence naming the cause (never a secret).
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "io/http/http_client.h"
#include "io/s3/retry.h"
#include "io/s3/s3_url.h"
#include "io/s3/sigv4.h"

namespace sparkify::io::s3 {

struct S3Request {
  std::string method;
  std::string bucket;
  std::string key;                                         ///< empty for bucket-level requests
  std::vector<std::pair<std::string, std::string>> query;  ///< decoded
  http::HttpHeaders headers;  ///< extra headers, signed too (content-md5, content-type)
  std::span<const uint8_t> body;
  size_t body_padding = 0;  ///< zero bytes after the response body
};

class S3Client {
 public:
  S3Client(std::shared_ptr<http::HttpClient> http, S3Endpoint endpoint, Credentials credentials,
           std::string region, RetryPolicy policy, RetryClock clock = RetryClock::Real());

  /// Sends with retries. Any HTTP status comes back as a response; a Status only when the
  /// transport failed for good (or `cancel` was raised while waiting to retry).
  Result<http::HttpResponse> send(const S3Request& request,
                                  const std::atomic<bool>* cancel = nullptr) const;
  /// Like send(), but a non-2xx status becomes an error Status.
  Result<http::HttpResponse> call(const S3Request& request,
                                  const std::atomic<bool>* cancel = nullptr) const;

  /// The Status for a non-2xx response to `request` (one sentence, no secrets).
  Status error_status(const http::HttpResponse& response, const S3Request& request,
                      int attempts = 1) const;

  const S3Endpoint& endpoint() const { return endpoint_; }
  const RetryPolicy& retry_policy() const { return policy_; }

  /// The signed HTTP request for one attempt at `when` (exposed for tests).
  http::HttpRequest build(const S3Request& request,
                          std::chrono::system_clock::time_point when) const;

 private:
  std::string payload_hash(const S3Request& request) const;
  http::HttpRequest build_signed(const S3Request& request,
                                 std::chrono::system_clock::time_point when,
                                 const std::string& payload_hash, const std::string& region) const;
  /// The region to sign for (and, on AWS, address) `bucket`: the configured one until S3 says
  /// the bucket lives elsewhere.
  std::string region_for(const std::string& bucket) const;

  std::shared_ptr<http::HttpClient> http_;
  S3Endpoint endpoint_;
  Credentials credentials_;
  std::string region_;
  RetryPolicy policy_;
  RetryClock clock_;
  mutable std::mutex regions_mutex_;
  mutable std::map<std::string, std::string> bucket_regions_;
};

/// "s3://bucket/key" for messages.
std::string s3_url(const std::string& bucket, const std::string& key);
/// What a request does, for messages: "listing s3://b/prefix", "writing s3://b/k", ...
std::string describe(const S3Request& request);

}  // namespace sparkify::io::s3
