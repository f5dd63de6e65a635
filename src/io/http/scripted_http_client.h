// Test doubles for HttpClient. ScriptedHttpClient answers from a script of canned responses
// (statuses, S3 error bodies, transport failures) and records every request it was sent;
// FaultInjectingHttpClient wraps another client and fails a set share of requests. Together
// they test the retry policy and the S3 request building without a network.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "io/http/http_client.h"

namespace sparkify::io::http {

class ScriptedHttpClient final : public HttpClient {
 public:
  /// A request as it was received, with its body copied.
  struct Recorded {
    std::string method;
    std::string url;
    HttpHeaders headers;
    std::string body;
    std::string header(std::string_view name) const;
  };
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  /// Queues one response; responses are returned in the order they were queued.
  void push(HttpResponse response);
  /// Answers requests once the queue is empty (default: 599 "script exhausted").
  void set_fallback(Handler handler);

  HttpResponse send(const HttpRequest& request, size_t body_padding = 0) override;

  std::vector<Recorded> requests() const;
  size_t request_count() const;

  /// A response with this status and body (e.g. an S3 XML error document).
  static HttpResponse reply(int status, std::string body = {}, HttpHeaders headers = {});
  /// A response that failed in transport (no status).
  static HttpResponse fail(TransportError error, std::string message = "scripted failure");
  /// An S3 error document for `code` with this status.
  static HttpResponse s3_error(int status, const std::string& code,
                               const std::string& message = "scripted");

 private:
  mutable std::mutex mutex_;
  std::deque<HttpResponse> script_;
  Handler fallback_;
  std::vector<Recorded> requests_;
};

/// Fails about `rate` of the requests sent through it (deterministically for a seed) with one of
/// 500 InternalError, 503 SlowDown, a reset connection or a timeout; passes the rest to `inner`.
class FaultInjectingHttpClient final : public HttpClient {
 public:
  FaultInjectingHttpClient(std::shared_ptr<HttpClient> inner, double rate, uint64_t seed = 1)
      : inner_(std::move(inner)), rate_(rate), rng_(seed) {}
  HttpResponse send(const HttpRequest& request, size_t body_padding = 0) override;
  size_t faults() const;

 private:
  std::shared_ptr<HttpClient> inner_;
  double rate_;
  mutable std::mutex mutex_;
  std::mt19937_64 rng_;
  size_t faults_ = 0;
};

}  // namespace sparkify::io::http
