// Retry policy for S3 requests: which failures are worth another attempt (500, 502, 503 SlowDown,
// 504, 429, RequestTimeout, timeouts, refused or reset connections), exponential backoff with
// jitter between attempts, and a budget bounding both the attempts and the total time.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>

#include "io/http/http_client.h"

namespace sparkify::io::s3 {

struct RetryPolicy {
  int max_attempts = 10;                      ///< including the first
  std::chrono::milliseconds base_delay{50};   ///< before the second attempt, on average 3/4 of it
  std::chrono::milliseconds max_delay{4000};  ///< cap on one wait
  std::chrono::milliseconds total_budget{60000};  ///< no attempt starts after this much time
};

/// Time and randomness, replaceable so tests run instantly and deterministically.
struct RetryClock {
  std::function<std::chrono::steady_clock::time_point()> now;
  std::function<void(std::chrono::milliseconds)> sleep;
  std::function<double()> random;  ///< uniform in [0, 1)
  static RetryClock Real();
};

/// True when another attempt of the same request may succeed.
bool is_retryable(const http::HttpResponse& response);

/// The wait before attempt `failures + 1`: a random point in the upper half of
/// min(max_delay, base_delay * 2^(failures-1)) ("equal jitter": grows, yet spreads clients).
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int failures, double random);

struct RetryOutcome {
  http::HttpResponse response;  ///< the last attempt's response
  int attempts = 0;
  std::chrono::milliseconds elapsed{0};
  bool cancelled = false;  ///< `cancel` was raised while waiting to retry
};

/// Sends `make_request()` (called afresh per attempt, so each is re-signed) until it gets a
/// response that is not retryable or the budget runs out.
RetryOutcome send_with_retry(http::HttpClient& client,
                             const std::function<http::HttpRequest()>& make_request,
                             size_t body_padding, const RetryPolicy& policy,
                             const RetryClock& clock, const std::atomic<bool>* cancel = nullptr);

}  // namespace sparkify::io::s3
