#include "io/s3/s3_xml.h"

#include <gtest/gtest.h>

namespace sparkify::io::s3 {
namespace {

TEST(S3Xml, ListObjectsV2FirstPageIsTruncatedWithToken) {
  std::string xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>udacity-dend</Name><Prefix>song_data/</Prefix><KeyCount>2</KeyCount>
  <MaxKeys>2</MaxKeys><IsTruncated>true</IsTruncated>
  <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
  <Contents><Key>song_data/A/A/A/TRAAAAK128F9318786.json</Key>
    <LastModified>2019-04-05T19:45:34.000Z</LastModified><ETag>&quot;a1&quot;</ETag>
    <Size>294</Size><StorageClass>STANDARD</StorageClass></Contents>
  <Contents><Key>song_data/A/A/A/TRAAAAV128F421A322.json</Key><Size>250</Size></Contents>
</ListBucketResult>)";
  auto page = parse_list_objects_v2(xml);
  ASSERT_TRUE(page.ok()) << page.status().message();
  ASSERT_EQ(page->objects.size(), 2u);
  EXPECT_EQ(page->objects[0].key, "song_data/A/A/A/TRAAAAK128F9318786.json");
  EXPECT_EQ(page->objects[0].size, 294u);
  EXPECT_EQ(page->objects[1].size, 250u);
  EXPECT_TRUE(page->truncated);
  EXPECT_EQ(page->next_token, "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
}

TEST(S3Xml, ListObjectsV2LastPageAndEntities) {
  std::string xml =
      "<ListBucketResult><IsTruncated>false</IsTruncated>"
      "<Contents><Key>a&amp;b/&lt;c&gt;/&quot;d&apos;/&#233;&#x1F600;.json</Key><Size>0</Size>"
      "</Contents><KeyCount>1</KeyCount></ListBucketResult>";
  auto page = parse_list_objects_v2(xml);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->objects.size(), 1u);
  EXPECT_EQ(page->objects[0].key, "a&b/<c>/\"d'/\xC3\xA9\xF0\x9F\x98\x80.json");
  EXPECT_FALSE(page->truncated);
  EXPECT_TRUE(page->next_token.empty());
}

TEST(S3Xml, ListObjectsV2CommonPrefixesAreNotTheRequestPrefix) {
  auto page = parse_list_objects_v2(
      "<ListBucketResult><Prefix>song_data/</Prefix><Delimiter>/</Delimiter>"
      "<IsTruncated>false</IsTruncated><Contents><Key>song_data/x.json</Key><Size>1</Size>"
      "</Contents><CommonPrefixes><Prefix>song_data/A/</Prefix></CommonPrefixes>"
      "<CommonPrefixes><Prefix>song_data/B &amp; C/</Prefix></CommonPrefixes></ListBucketResult>");
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->objects.size(), 1u);
  EXPECT_EQ(page->common_prefixes, (std::vector<std::string>{"song_data/A/", "song_data/B & C/"}));
}

TEST(S3Xml, EmptyListingAndBadDocuments) {
  auto empty = parse_list_objects_v2(
      "<ListBucketResult><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated>"
      "</ListBucketResult>");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->objects.empty());
  EXPECT_FALSE(parse_list_objects_v2("<html>proxy error</html>").ok());
  EXPECT_FALSE(
      parse_list_objects_v2("<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>")
          .ok());
  EXPECT_FALSE(
      parse_list_objects_v2("<ListBucketResult><Contents><Key>k</Key><Size>x</Size></Contents>"
                            "</ListBucketResult>")
          .ok());
}

TEST(S3Xml, ErrorDocument) {
  auto doc = parse_error(
      "<?xml version=\"1.0\"?><Error><Code>SignatureDoesNotMatch</Code><Message>The request "
      "signature we calculated does not match</Message><StringToSign>x</StringToSign></Error>");
  EXPECT_EQ(doc.code, "SignatureDoesNotMatch");
  EXPECT_EQ(doc.message, "The request signature we calculated does not match");
  EXPECT_TRUE(parse_error("").code.empty());
}

TEST(S3Xml, DeleteObjectsBodyEscapesKeysAndIsQuiet) {
  std::string body = delete_objects_body({"songs/a.parquet", "x&y/<z>\"'"});
  EXPECT_EQ(body,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Delete><Quiet>true</Quiet>"
            "<Object><Key>songs/a.parquet</Key></Object>"
            "<Object><Key>x&amp;y/&lt;z&gt;&quot;&#39;</Key></Object></Delete>");
  // The escaped key reads back as itself.
  EXPECT_EQ(xml_elements(body, "Key")[1], "x&y/<z>\"'");
}

TEST(S3Xml, DeleteResultErrors) {
  auto failures = parse_delete_result(
      "<DeleteResult><Deleted><Key>a</Key></Deleted>"
      "<Error><Key>b&amp;c</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"
      "</DeleteResult>");
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].key, "b&c");
  EXPECT_EQ(failures[0].code, "AccessDenied");
  EXPECT_TRUE(parse_delete_result("<DeleteResult/>").empty());
}

TEST(S3Xml, CompleteMultipartBody) {
  EXPECT_EQ(complete_multipart_body({"\"e1\"", "\"e2\""}),
            "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&quot;e1&quot;"
            "</ETag></Part><Part><PartNumber>2</PartNumber><ETag>&quot;e2&quot;</ETag></Part>"
            "</CompleteMultipartUpload>");
  EXPECT_EQ(xml_first("<InitiateMultipartUploadResult><UploadId>abc</UploadId>"
                      "</InitiateMultipartUploadResult>",
                      "UploadId"),
            "abc");
}

TEST(S3Xml, TagPrefixesDoNotMatchLongerNames) {
  EXPECT_EQ(xml_first("<KeyCount>3</KeyCount><Key>k</Key>", "Key"), "k");
  EXPECT_EQ(xml_first("<Key attr=\"1\">v</Key>", "Key"), "v");
}

}  // namespace
}  // namespace sparkify::io::s3
