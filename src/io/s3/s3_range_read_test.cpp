// S3FileSystem::read_range over the scripted HTTP double: the Range header it signs and sends,
// and how it takes S3's answers — 206 whole or short, 416 past the end, a 200 that ignored the
// range, a Content-Range naming other bytes, retried failures.
#include <gtest/gtest.h>

#include <string>

#include "io/http/scripted_http_client.h"
#include "io/s3/s3_file_system.h"

namespace sparkify::io::s3 {
namespace {

using http::ScriptedHttpClient;

std::shared_ptr<S3FileSystem> make_fs(std::shared_ptr<ScriptedHttpClient> client) {
  FileSystemOptions o;
  o.access_key = "AKIDEXAMPLE";
  o.secret_key = "secret";
  o.endpoint = "http://127.0.0.1:9";
  RetryClock clock = RetryClock::Real();
  clock.sleep = [](std::chrono::milliseconds) {};
  auto fs = S3FileSystem::Make(client, o, S3Config{}, clock);
  EXPECT_TRUE(fs.ok()) << fs.status().message();
  return *fs;
}

http::HttpResponse partial(const std::string& object, uint64_t first, uint64_t last) {
  return ScriptedHttpClient::reply(
      206, object.substr(first, last - first + 1),
      {{"content-range", "bytes " + std::to_string(first) + "-" + std::to_string(last) + "/" +
                             std::to_string(object.size())}});
}

const std::string kObject = "0123456789abcdefghijklmnopqrstuvwxyz";

TEST(S3RangeRead, SendsASignedRangeAndTakesThe206) {
  auto client = std::make_shared<ScriptedHttpClient>();
  client->push(partial(kObject, 2, 5));
  auto fs = make_fs(client);
  Buffer b;
  Status st = fs->read_range("s3://lake/logs/a.json", 2, 4, b, 16);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(b.view(), "2345");
  ASSERT_GE(b.padding(), 16u);
  for (size_t i = 0; i < 16; ++i) EXPECT_EQ(b.data()[b.size() + i], 0);
  auto requests = client->requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].header("range"), "bytes=2-5");
  EXPECT_NE(requests[0].header("authorization").find("range"), std::string::npos)
      << "the Range header must be among the signed headers";
}

TEST(S3RangeRead, AShort206IsContinuedFromWhereItEnded) {
  auto client = std::make_shared<ScriptedHttpClient>();
  client->push(partial(kObject, 0, 4));  // asked 0-9, got 0-4
  client->push(partial(kObject, 5, 9));
  auto fs = make_fs(client);
  Buffer b;
  ASSERT_TRUE(fs->read_range("s3://lake/a.json", 0, 10, b, 8).ok());
  EXPECT_EQ(b.view(), "0123456789");
  EXPECT_EQ(b.data()[b.size()], 0);
  auto requests = client->requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].header("range"), "bytes=5-9");
}

TEST(S3RangeRead, ARangeOverTheEndIsShortAndPastTheEndIsEmpty) {
  auto client = std::make_shared<ScriptedHttpClient>();
  client->push(partial(kObject, 30, 35));  // asked 30-39 of 36 bytes
  client->push(
      ScriptedHttpClient::s3_error(416, "InvalidRange", "The requested range is not satisfiable"));
  auto fs = make_fs(client);
  Buffer b;
  ASSERT_TRUE(fs->read_range("s3://lake/a.json", 30, 10, b).ok());
  EXPECT_EQ(b.view(), "uvwxyz");
  EXPECT_EQ(client->request_count(), 1u);  // the total says the end was reached
  ASSERT_TRUE(fs->read_range("s3://lake/a.json", 36, 10, b).ok());
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(client->request_count(), 2u);
}

TEST(S3RangeRead, AWholeObjectAnswerIsRefusedNotReadWhole) {
  auto client = std::make_shared<ScriptedHttpClient>();
  client->push(ScriptedHttpClient::reply(200, kObject));
  auto fs = make_fs(client);
  Buffer b;
  Status st = fs->read_range("s3://lake/a.json", 4, 4, b);
  EXPECT_EQ(st.code(), ErrorCode::kNotSupported);
  EXPECT_NE(st.message().find("does not support ranged reads"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("s3://lake/a.json"), std::string::npos) << st.message();
}

TEST(S3RangeRead, OtherBytesThanAskedAreAnError) {
  auto fs_with = [](http::HttpResponse r) {
    auto client = std::make_shared<ScriptedHttpClient>();
    client->push(std::move(r));
    return std::make_pair(client, make_fs(client));
  };
  Buffer b;
  {  // starts elsewhere
    auto [client, fs] = fs_with(partial(kObject, 3, 6));
    Status st = fs->read_range("s3://lake/a.json", 2, 4, b);
    EXPECT_EQ(st.code(), ErrorCode::kCorrupt);
    EXPECT_NE(st.message().find("bytes 3-6/36"), std::string::npos) << st.message();
  }
  {  // a body shorter than its Content-Range
    auto [client, fs] =
        fs_with(ScriptedHttpClient::reply(206, "23", {{"content-range", "bytes 2-5/36"}}));
    EXPECT_EQ(fs->read_range("s3://lake/a.json", 2, 4, b).code(), ErrorCode::kCorrupt);
  }
  {  // no Content-Range at all
    auto [client, fs] = fs_with(ScriptedHttpClient::reply(206, "2345"));
    EXPECT_EQ(fs->read_range("s3://lake/a.json", 2, 4, b).code(), ErrorCode::kCorrupt);
  }
}

TEST(S3RangeRead, AVersionIsSentAsIfMatchAnd412SaysTheObjectChanged) {
  auto client = std::make_shared<ScriptedHttpClient>();
  client->push(partial(kObject, 0, 3));
  client->push(ScriptedHttpClient::s3_error(
      412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold"));
  auto fs = make_fs(client);
  Buffer b;
  ASSERT_TRUE(fs->read_range("s3://lake/a.json", 0, 4, b, 0, "0123abcd").ok());
  EXPECT_EQ(client->requests()[0].header("if-match"), "\"0123abcd\"");
  EXPECT_NE(client->requests()[0].header("authorization").find("if-match"), std::string::npos);
  Status st = fs->read_range("s3://lake/a.json", 4, 4, b, 0, "0123abcd");
  EXPECT_EQ(st.code(), ErrorCode::kIoError);
  EXPECT_NE(st.message().find("s3://lake/a.json changed while it was being read"),
            std::string::npos)
      << st.message();
  EXPECT_EQ(client->request_count(), 2u);  // not retried
}

TEST(S3RangeRead, RetriesTransientFailuresAndNamesMissingObjects) {
  auto client = std::make_shared<ScriptedHttpClient>();
  client->push(ScriptedHttpClient::s3_error(503, "SlowDown"));
  client->push(ScriptedHttpClient::fail(http::TransportError::kConnectionLost));
  client->push(partial(kObject, 10, 13));
  client->push(ScriptedHttpClient::s3_error(404, "NoSuchKey"));
  auto fs = make_fs(client);
  Buffer b;
  ASSERT_TRUE(fs->read_range("s3://lake/a.json", 10, 4, b).ok());
  EXPECT_EQ(b.view(), "abcd");
  EXPECT_EQ(client->request_count(), 3u);
  Status missing = fs->read_range("s3://lake/gone.json", 0, 4, b);
  EXPECT_EQ(missing.code(), ErrorCode::kNotFound);
  EXPECT_NE(missing.message().find("s3://lake/gone.json"), std::string::npos);
}

}  // namespace
}  // namespace sparkify::io::s3
