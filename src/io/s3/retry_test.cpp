// The retry policy against the scripted HTTP double: what is retried, how the waits grow, and
// that both budgets (attempts and time) bound a request that never succeeds.
#include "io/s3/retry.h"

#include <gtest/gtest.h>

#include "io/http/scripted_http_client.h"
#include "io/s3/s3_client.h"

namespace sparkify::io::s3 {
namespace {

using http::ScriptedHttpClient;
using http::TransportError;
using namespace std::chrono_literals;

// A clock that only moves when the code under test sleeps.
struct FakeTime {
  std::chrono::steady_clock::time_point now{};
  std::vector<std::chrono::milliseconds> sleeps;
  double random = 0.5;
  RetryClock clock() {
    RetryClock c;
    c.now = [this] { return now; };
    c.sleep = [this](std::chrono::milliseconds d) {
      sleeps.push_back(d);
      now += d;
    };
    c.random = [this] { return random; };
    return c;
  }
};

http::HttpRequest get_request() { return {"GET", "http://127.0.0.1:1/b/k", {}, {}}; }

TEST(Retry, RetriesServerErrorsSlowDownAndTransportFailuresThenSucceeds) {
  ScriptedHttpClient client;
  client.push(ScriptedHttpClient::s3_error(500, "InternalError"));
  client.push(ScriptedHttpClient::s3_error(503, "SlowDown", "Please reduce your request rate."));
  client.push(ScriptedHttpClient::fail(TransportError::kConnectionLost, "Connection reset"));
  client.push(ScriptedHttpClient::fail(TransportError::kTimeout, "Operation timed out"));
  client.push(ScriptedHttpClient::fail(TransportError::kConnect, "Connection refused"));
  client.push(ScriptedHttpClient::reply(200, "payload"));
  FakeTime time;
  RetryPolicy policy;
  auto outcome = send_with_retry(client, get_request, 0, policy, time.clock());
  EXPECT_EQ(outcome.response.status, 200);
  EXPECT_EQ(outcome.response.body.view(), "payload");
  EXPECT_EQ(outcome.attempts, 6);
  EXPECT_EQ(client.request_count(), 6u);
  // Exponential growth with jitter in the upper half: 50ms * 2^(n-1) * 0.75 at random = 0.5.
  ASSERT_EQ(time.sleeps.size(), 5u);
  EXPECT_EQ(time.sleeps[0], 37ms);
  EXPECT_EQ(time.sleeps[1], 75ms);
  EXPECT_EQ(time.sleeps[2], 150ms);
  EXPECT_EQ(time.sleeps[3], 300ms);
  EXPECT_EQ(time.sleeps[4], 600ms);
}

TEST(Retry, ClientErrorsAreNotRetried) {
  std::vector<std::function<http::HttpResponse()>> cases = {
      [] { return ScriptedHttpClient::s3_error(403, "SignatureDoesNotMatch"); },
      [] { return ScriptedHttpClient::s3_error(404, "NoSuchBucket"); },
      [] { return ScriptedHttpClient::s3_error(400, "InvalidArgument"); },
      [] { return ScriptedHttpClient::fail(TransportError::kResolve, "no such host"); },
      [] { return ScriptedHttpClient::fail(TransportError::kTls, "bad certificate"); }};
  for (const auto& make : cases) {
    ScriptedHttpClient client;
    client.push(make());
    FakeTime time;
    auto outcome = send_with_retry(client, get_request, 0, RetryPolicy{}, time.clock());
    EXPECT_EQ(outcome.attempts, 1);
    EXPECT_TRUE(time.sleeps.empty());
  }
}

TEST(Retry, RequestTimeoutIsRetried) {
  EXPECT_TRUE(is_retryable(ScriptedHttpClient::s3_error(400, "RequestTimeout")));
  EXPECT_TRUE(is_retryable(ScriptedHttpClient::reply(429)));
  EXPECT_FALSE(is_retryable(ScriptedHttpClient::reply(200)));
}

TEST(Retry, AttemptBudgetBoundsAPermanentFailure) {
  ScriptedHttpClient client;
  client.set_fallback(
      [](const http::HttpRequest&) { return ScriptedHttpClient::s3_error(503, "SlowDown"); });
  FakeTime time;
  RetryPolicy policy;
  policy.max_attempts = 4;
  auto outcome = send_with_retry(client, get_request, 0, policy, time.clock());
  EXPECT_EQ(outcome.attempts, 4);
  EXPECT_EQ(outcome.response.status, 503);
  EXPECT_EQ(time.sleeps.size(), 3u);
}

TEST(Retry, TimeBudgetBoundsAPermanentFailure) {
  ScriptedHttpClient client;
  client.set_fallback([](const http::HttpRequest&) {
    return ScriptedHttpClient::fail(TransportError::kConnect, "Connection refused");
  });
  FakeTime time;
  time.random = 0.999;
  RetryPolicy policy;
  policy.max_attempts = 1000;
  policy.total_budget = 10s;
  auto outcome = send_with_retry(client, get_request, 0, policy, time.clock());
  EXPECT_LE(outcome.elapsed, 10s);
  EXPECT_GT(outcome.attempts, 5);
  EXPECT_LT(outcome.attempts, 12);
  for (auto wait : time.sleeps) EXPECT_LE(wait, policy.max_delay);
}

TEST(Retry, CancelStopsWaiting) {
  ScriptedHttpClient client;
  client.set_fallback([](const http::HttpRequest&) { return ScriptedHttpClient::reply(500); });
  FakeTime time;
  std::atomic<bool> cancel{true};
  auto outcome = send_with_retry(client, get_request, 0, RetryPolicy{}, time.clock(), &cancel);
  EXPECT_TRUE(outcome.cancelled);
  EXPECT_EQ(outcome.attempts, 1);
}

TEST(Retry, BackoffIsCappedAndJittered) {
  RetryPolicy policy;
  EXPECT_EQ(backoff_delay(policy, 1, 0.0), 25ms);
  EXPECT_EQ(backoff_delay(policy, 1, 1.0), 50ms);
  EXPECT_EQ(backoff_delay(policy, 30, 0.0), 2000ms);
  EXPECT_EQ(backoff_delay(policy, 30, 1.0), 4000ms);
}

// Through the S3 client: every attempt is signed afresh and the final Status names the cause.
TEST(RetryS3Client, GivesUpWithOneSentenceNamingTheCause) {
  auto client = std::make_shared<ScriptedHttpClient>();
  client->set_fallback([](const http::HttpRequest&) {
    return ScriptedHttpClient::s3_error(503, "SlowDown", "Please reduce your request rate.");
  });
  FakeTime time;
  RetryPolicy policy;
  policy.max_attempts = 3;
  auto endpoint = S3Endpoint::Make("http://127.0.0.1:9", "us-east-1");
  ASSERT_TRUE(endpoint.ok());
  S3Client s3(client, *endpoint, {"AKIDEXAMPLE", "top-secret-value", "session-token-value"},
              "us-east-1", policy, time.clock());
  S3Request request{"GET", "lake", "songs/x.parquet", {}, {}, {}, 0};
  auto result = s3.call(request);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), ErrorCode::kIoError);
  EXPECT_NE(result.status().message().find("3 attempts"), std::string::npos);
  EXPECT_NE(result.status().message().find("SlowDown"), std::string::npos);
  EXPECT_NE(result.status().message().find("s3://lake/songs/x.parquet"), std::string::npos);
  EXPECT_EQ(result.status().message().find("top-secret-value"), std::string::npos);
  EXPECT_EQ(result.status().message().find("session-token-value"), std::string::npos);
  auto requests = client->requests();
  ASSERT_EQ(requests.size(), 3u);
  for (const auto& r : requests) {
    EXPECT_EQ(r.url, "http://127.0.0.1:9/lake/songs/x.parquet");
    EXPECT_EQ(r.header("x-amz-security-token"), "session-token-value");
    EXPECT_EQ(r.header("authorization").rfind("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/", 0), 0u);
  }
}

TEST(RetryS3Client, UnreachableEndpointMessage) {
  auto client = std::make_shared<ScriptedHttpClient>();
  client->set_fallback([](const http::HttpRequest&) {
    return ScriptedHttpClient::fail(TransportError::kConnect, "Couldn't connect to server");
  });
  FakeTime time;
  RetryPolicy policy;
  policy.max_attempts = 2;
  auto endpoint = S3Endpoint::Make("http://127.0.0.1:9", "us-east-1");
  ASSERT_TRUE(endpoint.ok());
  S3Client s3(client, *endpoint, {"AKIDEXAMPLE", "secret", ""}, "us-east-1", policy, time.clock());
  auto result = s3.call(S3Request{"GET", "lake", "k", {}, {}, {}, 0});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(
      result.status().message(),
      "cannot reach the S3 endpoint http://127.0.0.1:9 for reading s3://lake/k (gave up after 2 "
      "attempts in 0.0 s): Couldn't connect to server");
}

}  // namespace
}  // namespace sparkify::io::s3
