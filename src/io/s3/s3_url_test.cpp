#include "io/s3/s3_url.h"

#include <gtest/gtest.h>

namespace sparkify::io::s3 {
namespace {

TEST(ParseS3Url, SchemesBucketAndKey) {
  auto a = parse_s3_url("s3://udacity-dend/song_data/A/B/C/TRABCEI128F424C983.json");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->bucket, "udacity-dend");
  EXPECT_EQ(a->key, "song_data/A/B/C/TRABCEI128F424C983.json");

  auto b = parse_s3_url("s3a://lake/out/");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->bucket, "lake");
  EXPECT_EQ(b->key, "out/");

  auto c = parse_s3_url("s3://bucket");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->key, "");
  auto d = parse_s3_url("s3://bucket/");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->key, "");
}

TEST(ParseS3Url, KeysAreTakenLiterally) {
  auto a = parse_s3_url("s3://b/songs/year=1969/artist_id=AR%2F1/part 0.parquet");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->key, "songs/year=1969/artist_id=AR%2F1/part 0.parquet");
}

TEST(ParseS3Url, RejectsBadUrls) {
  EXPECT_EQ(parse_s3_url("s3:///key").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(parse_s3_url("http://b/key").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(parse_s3_url("s3://bad bucket/key").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(parse_s3_url("/local/path").status().code(), ErrorCode::kInvalidArgument);
}

TEST(S3Endpoint, AwsUsesVirtualHostedStyle) {
  auto e = S3Endpoint::Make("", "us-west-2");
  ASSERT_TRUE(e.ok());
  auto t = e->target("udacity-dend", "log_data/2018/11/2018-11-12-events.json", {});
  EXPECT_EQ(t.host, "udacity-dend.s3.us-west-2.amazonaws.com");
  EXPECT_EQ(t.canonical_uri, "/log_data/2018/11/2018-11-12-events.json");
  EXPECT_EQ(t.url,
            "https://udacity-dend.s3.us-west-2.amazonaws.com/log_data/2018/11/"
            "2018-11-12-events.json");
}

TEST(S3Endpoint, DottedBucketFallsBackToPathStyle) {
  auto e = S3Endpoint::Make("", "us-east-1");
  ASSERT_TRUE(e.ok());
  auto t = e->target("my.bucket", "k", {});
  EXPECT_EQ(t.host, "s3.us-east-1.amazonaws.com");
  EXPECT_EQ(t.url, "https://s3.us-east-1.amazonaws.com/my.bucket/k");
}

TEST(S3Endpoint, CustomEndpointUsesPathStyleAndEncodesKeyAndQuery) {
  auto e = S3Endpoint::Make("http://127.0.0.1:9000/", "us-east-1");
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(e->is_custom());
  EXPECT_EQ(e->display(), "http://127.0.0.1:9000");
  auto t = e->target("lake", "songs/artist_id=A B+C/x.parquet",
                     {{"prefix", "a/b c"}, {"list-type", "2"}});
  EXPECT_EQ(t.host, "127.0.0.1:9000");
  EXPECT_EQ(t.canonical_uri, "/lake/songs/artist_id%3DA%20B%2BC/x.parquet");
  EXPECT_EQ(t.url,
            "http://127.0.0.1:9000/lake/songs/artist_id%3DA%20B%2BC/x.parquet"
            "?list-type=2&prefix=a%2Fb%20c");
  auto bucket = e->target("lake", "", {{"delete", ""}});
  EXPECT_EQ(bucket.url, "http://127.0.0.1:9000/lake?delete=");
}

TEST(S3Endpoint, EndpointWithoutSchemeIsHttpsAndPathsAreRejected) {
  auto e = S3Endpoint::Make("minio.internal:9000", "us-east-1");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->display(), "https://minio.internal:9000");
  EXPECT_FALSE(S3Endpoint::Make("ftp://x", "us-east-1").ok());
  EXPECT_FALSE(S3Endpoint::Make("http://x/some/path", "us-east-1").ok());
}

}  // namespace
}  // namespace sparkify::io::s3
