// HttpClient: the small blocking HTTP interface the S3 code talks through, so that curl stays in
// one .cpp file and retry logic can be tested against a scripted double instead of a network.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/buffer.h"

namespace sparkify::io::http {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;  ///< GET, HEAD, PUT, POST, DELETE
  std::string url;     ///< scheme://host[:port]/path?query, already percent-encoded
  HttpHeaders headers;
  std::span<const uint8_t> body;  ///< not owned: must outlive send()
};

/// How a request failed before any HTTP status arrived. Decides whether a retry can help.
enum class TransportError {
  kNone,
  kConnect,         ///< refused / unreachable: the endpoint may come back
  kTimeout,         ///< no progress for too long
  kConnectionLost,  ///< reset or closed mid-response
  kResolve,         ///< host name unknown
  kTls,             ///< certificate or handshake failure
  kOther,
};

struct HttpResponse {
  int status = 0;       ///< 0 when transport != kNone
  HttpHeaders headers;  ///< names lowercased
  Buffer body;          ///< carries the padding requested from send()
  TransportError transport = TransportError::kNone;
  std::string transport_message;  ///< e.g. "Couldn't connect to server"

  bool transport_failed() const { return transport != TransportError::kNone; }
  /// The value of a header (name compared case-insensitively), or "" when absent.
  std::string header(std::string_view name) const;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  /// Sends one request and waits for the whole response; safe to call from many threads at once.
  /// Never fails as a C++ call: transport failures come back in HttpResponse::transport.
  virtual HttpResponse send(const HttpRequest& request, size_t body_padding = 0) = 0;
};

struct HttpClientOptions {
  bool verify_tls = true;
  long connect_timeout_ms = 5000;
  /// A transfer slower than 1 byte/s for this long is abandoned as a timeout (large objects may
  /// legitimately take minutes, so there is no total-time cap).
  long stall_timeout_s = 30;
};

/// The libcurl-backed client. Keeps a pool of easy handles so connections are reused.
std::unique_ptr<HttpClient> make_curl_http_client(const HttpClientOptions& options);

}  // namespace sparkify::io::http
