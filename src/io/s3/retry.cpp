#include "io/s3/retry.h"

#include <algorithm>
#include <random>
#include <thread>

namespace sparkify::io::s3 {

RetryClock RetryClock::Real() {
  RetryClock clock;
  clock.now = [] { return std::chrono::steady_clock::now(); };
  clock.sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  clock.random = [] {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
  };
  return clock;
}

bool is_retryable(const http::HttpResponse& response) {
  switch (response.transport) {
    case http::TransportError::kNone:
      break;
    case http::TransportError::kConnect:
    case http::TransportError::kTimeout:
    case http::TransportError::kConnectionLost:
      return true;
    // A wrong host name or a bad certificate will not fix itself within seconds.
    case http::TransportError::kResolve:
    case http::TransportError::kTls:
    case http::TransportError::kOther:
      return false;
  }
  int s = response.status;
  if (s == 500 || s == 502 || s == 503 || s == 504 || s == 429) return true;
  // S3 answers 400 RequestTimeout when the client was too slow sending the body.
  if (s == 400 &&
      response.body.view().find("<Code>RequestTimeout</Code>") != std::string_view::npos) {
    return true;
  }
  return false;
}

std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int failures, double random) {
  int shift = std::clamp(failures - 1, 0, 30);
  double cap = std::min<double>(
      static_cast<double>(policy.max_delay.count()),
      static_cast<double>(policy.base_delay.count()) * static_cast<double>(int64_t{1} << shift));
  double wait = cap / 2 + random * cap / 2;
  return std::chrono::milliseconds(static_cast<int64_t>(wait));
}

RetryOutcome send_with_retry(http::HttpClient& client,
                             const std::function<http::HttpRequest()>& make_request,
                             size_t body_padding, const RetryPolicy& policy,
                             const RetryClock& clock, const std::atomic<bool>* cancel) {
  RetryOutcome outcome;
  auto start = clock.now();
  while (true) {
    outcome.response = client.send(make_request(), body_padding);
    ++outcome.attempts;
    auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(clock.now() - start);
    outcome.elapsed = elapsed;
    if (!is_retryable(outcome.response) || outcome.attempts >= policy.max_attempts) break;
    auto wait = backoff_delay(policy, outcome.attempts, clock.random());
    if (elapsed + wait > policy.total_budget) break;
    if (cancel && cancel->load(std::memory_order_relaxed)) {
      outcome.cancelled = true;
      break;
    }
    clock.sleep(wait);
    if (cancel && cancel->load(std::memory_order_relaxed)) {
      outcome.cancelled = true;
      break;
    }
  }
  outcome.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(clock.now() - start);
  return outcome;
}

}  // namespace sparkify::io::s3
