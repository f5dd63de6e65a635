// AWS Signature Version 4 for S3 requests, written from the published algorithm: canonical
// request, string to sign, derived signing key, Authorization header. Also the hashing and
// encoding helpers S3 requests need (SHA-256, MD5, base64, RFC 3986 percent-encoding).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "io/http/http_client.h"

namespace sparkify::io::s3 {

/// Percent-encodes everything but A-Z a-z 0-9 - . _ ~ (and '/' unless `encode_slash`), with
/// uppercase hex, as SigV4 requires for paths and query strings.
std::string uri_encode(std::string_view text, bool encode_slash);
/// Decodes %XX escapes (and nothing else); invalid escapes are kept as they are.
std::string uri_decode(std::string_view text);

std::string hex_encode(std::span<const uint8_t> bytes);
std::string base64_encode(std::span<const uint8_t> bytes);
std::array<uint8_t, 32> sha256(std::span<const uint8_t> bytes);
std::string sha256_hex(std::span<const uint8_t> bytes);
std::string sha256_hex(std::string_view text);
std::array<uint8_t, 32> hmac_sha256(std::span<const uint8_t> key, std::string_view data);
/// Content-MD5 header value: base64 of the MD5 digest.
std::string md5_base64(std::span<const uint8_t> bytes);

/// SHA-256 of the empty string: the payload hash of a request without a body.
inline constexpr std::string_view kEmptyPayloadHash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// "20130524T000000Z" for a point in time (UTC).
std::string amz_date(std::chrono::system_clock::time_point when);

/// The parts of a request that SigV4 signs.
struct SignableRequest {
  std::string method;
  std::string canonical_uri;  ///< the path exactly as sent, already percent-encoded
  std::vector<std::pair<std::string, std::string>> query;  ///< decoded names and values
  http::HttpHeaders headers;  ///< every header to sign; must include host and x-amz-date
  std::string payload_hash;   ///< hex SHA-256 of the body, or "UNSIGNED-PAYLOAD"
};

struct Credentials {
  std::string access_key;
  std::string secret_key;
  std::string session_token;  ///< empty unless temporary credentials
};

/// name=value pairs percent-encoded and sorted by name then value, joined with '&'.
std::string canonical_query_string(const std::vector<std::pair<std::string, std::string>>& query);
/// "host;x-amz-date;..." — lowercased, sorted, unique.
std::string signed_header_names(const http::HttpHeaders& headers);
std::string canonical_request(const SignableRequest& request);
/// `scope` is "yyyymmdd/region/service/aws4_request".
std::string string_to_sign(std::string_view amz_date, std::string_view scope,
                           std::string_view canonical_request);
std::array<uint8_t, 32> signing_key(std::string_view secret_key, std::string_view date,
                                    std::string_view region, std::string_view service);
/// The hex signature of `request`; its x-amz-date header gives the date.
std::string signature(const SignableRequest& request, const Credentials& credentials,
                      std::string_view region, std::string_view service);
/// The full Authorization header value for `request`.
std::string authorization_header(const SignableRequest& request, const Credentials& credentials,
                                 std::string_view region, std::string_view service);

}  // namespace sparkify::io::s3
