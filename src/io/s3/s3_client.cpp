#include "io/s3/s3_client.h"

#include <cstdio>

#include "io/s3/s3_xml.h"

namespace sparkify::io::s3 {

std::string s3_url(const std::string& bucket, const std::string& key) {
  std::string out = "s3://";
  out += bucket;
  if (!key.empty()) {
    out.push_back('/');
    out += key;
  }
  return out;
}

namespace {

std::string query_value(const S3Request& request, std::string_view name, bool* present) {
  for (const auto& [key, value] : request.query) {
    if (key == name) {
      *present = true;
      return value;
    }
  }
  *present = false;
  return {};
}

}  // namespace

std::string describe(const S3Request& request) {
  bool has = false;
  if (request.method == "GET") {
    std::string prefix = query_value(request, "prefix", &has);
    query_value(request, "list-type", &has);
    if (has) return "listing " + s3_url(request.bucket, prefix);
    return "reading " + s3_url(request.bucket, request.key);
  }
  if (request.method == "HEAD") return "looking up " + s3_url(request.bucket, request.key);
  if (request.method == "PUT") {
    std::string part = query_value(request, "partNumber", &has);
    if (has) return "uploading part " + part + " of " + s3_url(request.bucket, request.key);
    return "writing " + s3_url(request.bucket, request.key);
  }
  if (request.method == "POST") {
    query_value(request, "delete", &has);
    if (has) return "deleting objects in " + s3_url(request.bucket, "");
    query_value(request, "uploads", &has);
    if (has) return "starting the multipart upload of " + s3_url(request.bucket, request.key);
    return "completing the multipart upload of " + s3_url(request.bucket, request.key);
  }
  if (request.method == "DELETE") return "deleting " + s3_url(request.bucket, request.key);
  return request.method + " " + s3_url(request.bucket, request.key);
}

S3Client::S3Client(std::shared_ptr<http::HttpClient> http, S3Endpoint endpoint,
                   Credentials credentials, std::string region, RetryPolicy policy,
                   RetryClock clock)
    : http_(std::move(http)),
      endpoint_(std::move(endpoint)),
      credentials_(std::move(credentials)),
      region_(std::move(region)),
      policy_(policy),
      clock_(std::move(clock)) {}

http::HttpRequest S3Client::build(const S3Request& request,
                                  std::chrono::system_clock::time_point when) const {
  return build_signed(request, when, payload_hash(request), region_for(request.bucket));
}

std::string S3Client::region_for(const std::string& bucket) const {
  std::lock_guard<std::mutex> lock(regions_mutex_);
  auto it = bucket_regions_.find(bucket);
  return it == bucket_regions_.end() ? region_ : it->second;
}

std::string S3Client::payload_hash(const S3Request& request) const {
  if (credentials_.access_key.empty()) return {};
  return request.body.empty() ? std::string(kEmptyPayloadHash) : sha256_hex(request.body);
}

http::HttpRequest S3Client::build_signed(const S3Request& request,
                                         std::chrono::system_clock::time_point when,
                                         const std::string& payload_hash,
                                         const std::string& region) const {
  S3Endpoint::Target target = endpoint_.target(request.bucket, request.key, request.query, region);
  http::HttpRequest out;
  out.method = request.method;
  out.url = std::move(target.url);
  out.body = request.body;
  out.headers = request.headers;
  out.headers.emplace_back("host", target.host);
  if (credentials_.access_key.empty()) return out;  // anonymous: public buckets

  out.headers.emplace_back("x-amz-date", amz_date(when));
  out.headers.emplace_back("x-amz-content-sha256", payload_hash);
  if (!credentials_.session_token.empty()) {
    out.headers.emplace_back("x-amz-security-token", credentials_.session_token);
  }
  SignableRequest signable{out.method, target.canonical_uri, request.query, out.headers,
                           payload_hash};
  out.headers.emplace_back("authorization",
                           authorization_header(signable, credentials_, region, "s3"));
  return out;
}

Result<http::HttpResponse> S3Client::send(const S3Request& request,
                                          const std::atomic<bool>* cancel) const {
  // The body hash is the costly part of signing a large PUT: compute it once, not per attempt.
  std::string hash = payload_hash(request);
  std::string region = region_for(request.bucket);
  auto make = [&] { return build_signed(request, std::chrono::system_clock::now(), hash, region); };
  RetryOutcome outcome =
      send_with_retry(*http_, make, request.body_padding, policy_, clock_, cancel);
  // A bucket in another region than configured (s3://udacity-dend is in us-west-2) is answered
  // with a redirect or AuthorizationHeaderMalformed naming its region: remember it for the
  // bucket and send again, once.
  const http::HttpResponse& first = outcome.response;
  if (!outcome.cancelled && !first.transport_failed() &&
      (first.status == 301 || first.status == 400 || first.status == 403)) {
    std::string actual = first.header("x-amz-bucket-region");
    if (actual.empty() && first.status != 403) actual = xml_first(first.body.view(), "Region");
    if (!actual.empty() && actual != region && actual.size() < 64) {
      {
        std::lock_guard<std::mutex> lock(regions_mutex_);
        bucket_regions_[request.bucket] = actual;
      }
      region = actual;
      outcome = send_with_retry(*http_, make, request.body_padding, policy_, clock_, cancel);
    }
  }
  if (outcome.cancelled) {
    return Status(ErrorCode::kCancelled,
                  describe(request) + " was abandoned after another request failed");
  }
  const http::HttpResponse& r = outcome.response;
  if (!r.transport_failed()) {
    if (is_retryable(r) && (r.status < 200 || r.status >= 300)) {
      return error_status(r, request, outcome.attempts);
    }
    return std::move(outcome.response);
  }
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.1f", outcome.elapsed.count() / 1000.0);
  std::string what = describe(request);
  std::string tries = outcome.attempts > 1 ? " (gave up after " + std::to_string(outcome.attempts) +
                                                 " attempts in " + seconds + " s)"
                                           : "";
  switch (r.transport) {
    case http::TransportError::kResolve:
      return Status::IoError("cannot resolve the S3 endpoint " + endpoint_.display() + " for " +
                             what + ": " + r.transport_message);
    case http::TransportError::kTls:
      return Status::IoError("TLS verification failed for the S3 endpoint " + endpoint_.display() +
                             ": " + r.transport_message);
    case http::TransportError::kConnect:
      return Status::IoError("cannot reach the S3 endpoint " + endpoint_.display() + " for " +
                             what + tries + ": " + r.transport_message);
    case http::TransportError::kTimeout:
      return Status::IoError("the S3 endpoint " + endpoint_.display() + " timed out while " + what +
                             tries + ": " + r.transport_message);
    case http::TransportError::kConnectionLost:
      return Status::IoError("the S3 endpoint " + endpoint_.display() +
                             " dropped the connection while " + what + tries + ": " +
                             r.transport_message);
    default:
      return Status::IoError(what + " at the S3 endpoint " + endpoint_.display() + " failed" +
                             tries + ": " + r.transport_message);
  }
}

Result<http::HttpResponse> S3Client::call(const S3Request& request,
                                          const std::atomic<bool>* cancel) const {
  SPARKIFY_ASSIGN_OR_RETURN(http::HttpResponse response, send(request, cancel));
  if (response.status < 200 || response.status >= 300) return error_status(response, request);
  return response;
}

Status S3Client::error_status(const http::HttpResponse& response, const S3Request& request,
                              int attempts) const {
  S3ErrorDoc doc = parse_error(response.body.view());
  std::string url = s3_url(request.bucket, request.key);
  std::string what = describe(request);
  std::string code = doc.code.empty() ? "HTTP " + std::to_string(response.status) : doc.code;
  std::string detail = doc.message.empty() ? "" : " (" + doc.message + ")";
  if (doc.code == "InvalidAccessKeyId") {
    return Status::PermissionDenied(
        "S3 does not recognise the access key id (InvalidAccessKeyId) for " + what +
        ": check the credentials");
  }
  if (doc.code == "SignatureDoesNotMatch") {
    return Status::PermissionDenied(
        "S3 rejected the request signature (SignatureDoesNotMatch) for " + what +
        ": the secret access key does not match the access key id");
  }
  if (doc.code == "ExpiredToken" || doc.code == "InvalidToken") {
    return Status::PermissionDenied("S3 rejected the session token (" + doc.code + ") for " + what);
  }
  if (doc.code == "NoSuchBucket") {
    return Status::NotFound("the S3 bucket '" + request.bucket + "' does not exist (NoSuchBucket)");
  }
  if (doc.code == "NoSuchKey" || (response.status == 404 && doc.code.empty())) {
    return Status::NotFound(url + " does not exist");
  }
  if (response.status == 403) {
    return Status::PermissionDenied("access to " + url + " was denied (" + code + ")" +
                                    (doc.code.empty() ? ": check the credentials" : detail));
  }
  if (response.status == 404) {
    return Status::NotFound(url + " was not found (" + code + ")" + detail);
  }
  if (is_retryable(response)) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%d", attempts);
    return Status::IoError("S3 kept failing while " + what + ": gave up after " + seconds +
                           " attempts, the last answered " + std::to_string(response.status) + " " +
                           code + detail);
  }
  return Status::IoError("S3 refused " + what + ": " + std::to_string(response.status) + " " +
                         code + detail);
}

}  // namespace sparkify::io::s3
