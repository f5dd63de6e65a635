// S3FileSystem over the scripted HTTP double: the requests it sends (pagination, batched
// deletes, multipart with abort) and how it reports S3's answers.
#include "io/s3/s3_file_system.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>

#include "common/markup_escape.h"
#include "io/http/scripted_http_client.h"
#include "io/s3/s3_xml.h"
#include "io/s3/sigv4.h"

namespace sparkify::io::s3 {
namespace {

using http::ScriptedHttpClient;

FileSystemOptions test_options() {
  FileSystemOptions o;
  o.access_key = "AKIDEXAMPLE";
  o.secret_key = "secret";
  o.endpoint = "http://127.0.0.1:9";
  o.max_connections = 8;
  return o;
}

RetryClock no_wait_clock() {
  RetryClock c = RetryClock::Real();
  c.sleep = [](std::chrono::milliseconds) {};
  return c;
}

std::shared_ptr<S3FileSystem> make_fs(std::shared_ptr<ScriptedHttpClient> client,
                                      S3Config config = {}) {
  auto fs = S3FileSystem::Make(client, test_options(), config, no_wait_clock());
  EXPECT_TRUE(fs.ok()) << fs.status().message();
  return *fs;
}

std::string query_value(const std::string& url, const std::string& name) {
  size_t q = url.find('?');
  if (q == std::string::npos) return {};
  std::string query = url.substr(q + 1);
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t amp = query.find('&', pos);
    std::string pair = query.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name) return uri_decode(pair.substr(eq + 1));
    if (amp == std::string::npos) break;
    pos = amp + 1;
  }
  return {};
}

// ListObjectsV2 over a sorted key set, with prefix, delimiter, max-keys and continuation tokens.
http::HttpResponse fake_listing(const std::set<std::string>& keys, const http::HttpRequest& r) {
  std::string prefix = query_value(r.url, "prefix");
  std::string delimiter = query_value(r.url, "delimiter");
  std::string token = query_value(r.url, "continuation-token");
  size_t max_keys = std::stoul(query_value(r.url, "max-keys"));
  std::string contents, prefixes, last;
  std::set<std::string> seen_prefixes;
  size_t count = 0;
  bool truncated = false;
  for (auto it = token.empty() ? keys.lower_bound(prefix) : keys.upper_bound(token);
       it != keys.end() && it->compare(0, prefix.size(), prefix) == 0; ++it) {
    std::string entry = *it;
    size_t cut = delimiter.empty() ? std::string::npos : entry.find(delimiter, prefix.size());
    if (cut != std::string::npos) {
      std::string common = entry.substr(0, cut + 1);
      if (seen_prefixes.count(common)) continue;
      if (count == max_keys) {
        truncated = true;
        break;
      }
      seen_prefixes.insert(common);
      prefixes += "<CommonPrefixes><Prefix>" + markup_escape(common) + "</Prefix></CommonPrefixes>";
      // Resume after everything under this common prefix.
      last = common + "\xff";
    } else {
      if (count == max_keys) {
        truncated = true;
        break;
      }
      contents += "<Contents><Key>" + markup_escape(entry) + "</Key><Size>" +
                  std::to_string(entry.size()) + "</Size></Contents>";
      last = entry;
    }
    ++count;
  }
  std::string body = "<ListBucketResult><Prefix>" + markup_escape(prefix) +
                     "</Prefix><IsTruncated>" + (truncated ? "true" : "false") + "</IsTruncated>";
  if (truncated)
    body += "<NextContinuationToken>" + markup_escape(last) + "</NextContinuationToken>";
  return ScriptedHttpClient::reply(200, body + contents + prefixes + "</ListBucketResult>");
}

TEST(S3FileSystem, SmallListingIsOneRequestWithRelativePaths) {
  std::set<std::string> keys = {"in/song_data/", "in/song_data/A/a.json",
                                "in/song_data/B/b & c.json", "in/other.json"};
  auto client = std::make_shared<ScriptedHttpClient>();
  client->set_fallback([&](const http::HttpRequest& r) { return fake_listing(keys, r); });
  auto fs = make_fs(client);
  auto files = fs->list("s3a://lake/in/song_data");
  ASSERT_TRUE(files.ok()) << files.status().message();
  std::sort(files->begin(), files->end(), [](auto& a, auto& b) { return a.path < b.path; });
  ASSERT_EQ(files->size(), 2u);  // the folder marker is not a file
  EXPECT_EQ((*files)[0].path, "A/a.json");
  EXPECT_EQ((*files)[0].size, 21u);
  EXPECT_EQ((*files)[1].path, "B/b & c.json");
  auto requests = client->requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(query_value(requests[0].url, "prefix"), "in/song_data/");
  EXPECT_EQ(query_value(requests[0].url, "list-type"), "2");
}

TEST(S3FileSystem, ListingThatRepeatsItsTokenStopsWithOneSentence) {
  // A faulty endpoint: every page truncated, always the same continuation token.
  auto client = std::make_shared<ScriptedHttpClient>();
  client->set_fallback([&](const http::HttpRequest& r) {
    std::string key = "in/k" + std::to_string(client->requests().size()) + ".json";
    return ScriptedHttpClient::reply(
        200,
        "<ListBucketResult><IsTruncated>true</IsTruncated><NextContinuationToken>again"
        "</NextContinuationToken><Contents><Key>" +
            key + "</Key><Size>1</Size></Contents></ListBucketResult>");
  });
  auto fs = make_fs(client);
  auto files = fs->list("s3://lake/in");
  ASSERT_FALSE(files.ok());
  EXPECT_NE(files.status().message().find(
                "with a continuation token it had already given: the listing would never end"),
            std::string::npos)
      << files.status().message();
  EXPECT_LT(client->requests().size(), 10u);
}

TEST(S3FileSystem, LargeListingWalksFoldersInParallelAndFindsEveryKey) {
  // The Udacity layout: song_data/A/B/C/TR....json, plus a big flat folder that needs paging.
  std::set<std::string> keys;
  for (char b = 'A'; b <= 'Z'; ++b) {
    for (char c = 'A'; c <= 'Z'; ++c) {
      for (int i = 0; i < 3; ++i) {
        keys.insert(std::string("in/song_data/A/") + b + "/" + c + "/TR" + std::to_string(i) +
                    ".json");
      }
    }
  }
  for (int i = 0; i < 2500; ++i) keys.insert("in/song_data/flat/" + std::to_string(i) + ".json");
  keys.insert("in/song_data/top.json");
  keys.insert("in/song_data_other/x.json");  // shares the prefix text but not the folder
  auto client = std::make_shared<ScriptedHttpClient>();
  client->set_fallback([&](const http::HttpRequest& r) { return fake_listing(keys, r); });
  auto fs = make_fs(client);
  auto files = fs->list("s3://lake/in/song_data/");
  ASSERT_TRUE(files.ok()) << files.status().message();
  std::set<std::string> got;
  for (const auto& f : *files) got.insert("in/song_data/" + f.path);
  std::set<std::string> want = keys;
  want.erase("in/song_data_other/x.json");
  EXPECT_EQ(got.size(), files->size());  // no duplicates
  EXPECT_EQ(got, want);
  // One plain page, then A/ and flat/ (2 folders, paged), then the 26 folders A/A/..A/Z/ (and
  // flat/, paged) listed in full in parallel: far fewer requests than one per leaf folder.
  size_t with_delimiter = 0, plain = 0;
  for (const auto& r : client->requests()) {
    (query_value(r.url, "delimiter") == "/" ? with_delimiter : plain) += 1;
  }
  EXPECT_LT(with_delimiter, 10u);
  EXPECT_LT(plain, 40u);
}

TEST(S3FileSystem, ListOfAMissingPrefixIsNotFound) {
  auto client = std::make_shared<ScriptedHttpClient>();
  client->push(ScriptedHttpClient::reply(
      200, "<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>"));
  auto fs = make_fs(client);
  auto files = fs->list("s3://lake/nothing");
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.status().code(), ErrorCode::kNotFound);
}

TEST(S3FileSystem, CredentialAndBucketErrorsNameTheCause) {
  auto client = std::make_shared<ScriptedHttpClient>();
  client->push(ScriptedHttpClient::s3_error(403, "InvalidAccessKeyId"));
  client->push(ScriptedHttpClient::s3_error(403, "SignatureDoesNotMatch"));
  client->push(ScriptedHttpClient::s3_error(404, "NoSuchBucket"));
  client->push(ScriptedHttpClient::s3_error(404, "NoSuchKey"));
  auto fs = make_fs(client);
  auto a = fs->list("s3://lake/x");
  EXPECT_EQ(a.status().code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(a.status().message().find("access key id"), std::string::npos);
  auto b = fs->read("s3://lake/x");
  EXPECT_EQ(b.status().code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(b.status().message().find("secret access key does not match"), std::string::npos);
  EXPECT_EQ(b.status().message().find("secret\""), std::string::npos);
  auto c = fs->read("s3://nobucket/x");
  EXPECT_EQ(c.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(c.status().message().find("bucket 'nobucket' does not exist"), std::string::npos);
  auto d = fs->read("s3://lake/missing.json");
  EXPECT_EQ(d.status().message(), "s3://lake/missing.json does not exist");
}

TEST(S3FileSystem, ReadPadsTheBuffer) {
  auto client = std::make_shared<ScriptedHttpClient>();
  client->push(ScriptedHttpClient::reply(200, "{\"a\":1}"));
  auto fs = make_fs(client);
  auto buffer = fs->read("s3://lake/a.json", 64);
  ASSERT_TRUE(buffer.ok());
  EXPECT_EQ(buffer->view(), "{\"a\":1}");
  EXPECT_EQ(buffer->padding(), 64u);
  EXPECT_EQ(buffer->data()[buffer->size() + 63], 0);
}

TEST(S3FileSystem, ExistsUsesHeadThenAListingForFolders) {
  auto client = std::make_shared<ScriptedHttpClient>();
  client->push(ScriptedHttpClient::reply(200));  // HEAD object
  client->push(ScriptedHttpClient::reply(404));  // HEAD folder
  client->push(ScriptedHttpClient::reply(
      200,
      "<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>out/songs/x</Key>"
      "<Size>1</Size></Contents></ListBucketResult>"));
  client->push(ScriptedHttpClient::reply(404));
  client->push(ScriptedHttpClient::reply(
      200, "<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>"));
  auto fs = make_fs(client);
  EXPECT_TRUE(*fs->exists("s3://lake/out/songs/_SUCCESS"));
  EXPECT_TRUE(*fs->exists("s3://lake/out/songs"));
  EXPECT_FALSE(*fs->exists("s3://lake/out/none"));
  auto requests = client->requests();
  EXPECT_EQ(requests[0].method, "HEAD");
  EXPECT_EQ(query_value(requests[2].url, "prefix"), "out/songs/");
  EXPECT_EQ(query_value(requests[2].url, "max-keys"), "1");
}

TEST(S3FileSystem, RemoveFilesSendsDeleteObjectsInBatchesOf1000) {
  auto client = std::make_shared<ScriptedHttpClient>();
  client->set_fallback([](const http::HttpRequest&) {
    return ScriptedHttpClient::reply(200, "<DeleteResult></DeleteResult>");
  });
  auto fs = make_fs(client);
  std::vector<std::string> paths;
  for (int i = 0; i < 2500; ++i) paths.push_back("s3://lake/t/part-" + std::to_string(i));
  paths.push_back("s3://other/x&y");
  ASSERT_TRUE(fs->remove_files(paths).ok());
  auto requests = client->requests();
  ASSERT_EQ(requests.size(), 4u);
  std::multiset<size_t> batch_sizes;
  std::set<std::string> keys;
  for (const auto& r : requests) {
    EXPECT_EQ(r.method, "POST");
    EXPECT_NE(r.url.find("?delete="), std::string::npos);
    auto bytes =
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(r.body.data()), r.body.size());
    EXPECT_EQ(r.header("content-md5"), md5_base64(bytes));
    EXPECT_NE(r.body.find("<Quiet>true</Quiet>"), std::string::npos);
    auto batch = xml_elements(r.body, "Key");
    batch_sizes.insert(batch.size());
    keys.insert(batch.begin(), batch.end());
  }
  EXPECT_EQ(batch_sizes, (std::multiset<size_t>{1, 500, 1000, 1000}));
  EXPECT_EQ(keys.size(), 2501u);
  EXPECT_TRUE(keys.count("x&y"));
}

TEST(S3FileSystem, RemoveFilesReportsAPerKeyFailure) {
  auto client = std::make_shared<ScriptedHttpClient>();
  client->push(ScriptedHttpClient::reply(
      200,
      "<DeleteResult><Error><Key>t/a</Key><Code>AccessDenied</Code><Message>Access "
      "Denied</Message></Error></DeleteResult>"));
  auto fs = make_fs(client);
  Status st = fs->remove_files({"s3://lake/t/a"});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("s3://lake/t/a"), std::string::npos);
  EXPECT_NE(st.message().find("AccessDenied"), std::string::npos);
}

// A tiny in-memory bucket answering PUT / multipart / GET, with a hook to fail some requests.
struct FakeBucket {
  std::mutex mutex;
  std::map<std::string, std::string> objects;
  std::map<std::string, std::map<int, std::string>> parts;  // by upload id
  int uploads = 0;
  std::vector<std::string> log;
  std::function<bool(const http::HttpRequest&)> fail;
  std::map<std::string, std::string> pending_keys;  // upload id -> key, until complete or abort

  http::HttpResponse handle(const http::HttpRequest& r) {
    std::lock_guard<std::mutex> lock(mutex);
    std::string path = r.url.substr(r.url.find("/lake") + 5);
    if (!path.empty() && path[0] == '/') path.erase(0, 1);
    std::string key = uri_decode(path.substr(0, path.find('?')));
    log.push_back(r.method + " " + path);
    if (fail && fail(r)) return ScriptedHttpClient::s3_error(500, "InternalError");
    std::string body(r.body.begin(), r.body.end());
    if (r.method == "POST" && path.find("?uploads") != std::string::npos) {
      std::string id = "u" + std::to_string(++uploads);
      parts[id];
      pending_keys[id] = key;
      return ScriptedHttpClient::reply(200, "<InitiateMultipartUploadResult><UploadId>" + id +
                                                "</UploadId></InitiateMultipartUploadResult>");
    }
    if (r.method == "GET" && key.empty() && path.find("uploads") != std::string::npos) {
      std::string body = "<ListMultipartUploadsResult>";
      for (const auto& [id, k] : pending_keys) {
        body +=
            "<Upload><Key>" + markup_escape(k) + "</Key><UploadId>" + id + "</UploadId></Upload>";
      }
      return ScriptedHttpClient::reply(200, body +
                                                "<IsTruncated>false</IsTruncated>"
                                                "</ListMultipartUploadsResult>");
    }
    std::string upload_id = query_value(r.url, "uploadId");
    if (!upload_id.empty() && !pending_keys.count(upload_id)) {
      return ScriptedHttpClient::s3_error(404, "NoSuchUpload");
    }
    if (r.method == "PUT" && path.find("partNumber=") != std::string::npos) {
      int n = std::stoi(query_value(r.url, "partNumber"));
      parts[upload_id][n] = body;
      return ScriptedHttpClient::reply(200, "", {{"etag", "\"p" + std::to_string(n) + "\""}});
    }
    if (r.method == "POST" && path.find("uploadId=") != std::string::npos) {
      std::string all;
      auto etags = xml_elements(body, "ETag");
      for (size_t i = 0; i < etags.size(); ++i) {
        if (etags[i] != "\"p" + std::to_string(i + 1) + "\"") {
          return ScriptedHttpClient::reply(200, "<Error><Code>InvalidPart</Code></Error>");
        }
        all += parts[upload_id][static_cast<int>(i + 1)];
      }
      objects[key] = all;
      pending_keys.erase(upload_id);
      return ScriptedHttpClient::reply(200, "<CompleteMultipartUploadResult/>");
    }
    if (r.method == "DELETE") {
      pending_keys.erase(upload_id);
      return ScriptedHttpClient::reply(204);
    }
    if (r.method == "PUT") {
      objects[key] = body;
      return ScriptedHttpClient::reply(200);
    }
    if (r.method == "HEAD") return ScriptedHttpClient::reply(objects.count(key) ? 200 : 404);
    if (r.method == "GET") {
      auto it = objects.find(key);
      if (it == objects.end()) return ScriptedHttpClient::s3_error(404, "NoSuchKey");
      return ScriptedHttpClient::reply(200, it->second);
    }
    return ScriptedHttpClient::reply(400);
  }
};

TEST(S3FileSystem, LargeWritesUseMultipartAndReassemble) {
  auto bucket = std::make_shared<FakeBucket>();
  auto client = std::make_shared<ScriptedHttpClient>();
  client->set_fallback([bucket](const http::HttpRequest& r) { return bucket->handle(r); });
  S3Config config;
  config.multipart_threshold = 100;
  config.part_size = 40;
  auto fs = make_fs(client, config);
  std::string data;
  for (int i = 0; i < 250; ++i) data.push_back(static_cast<char>('a' + i % 26));
  auto bytes = std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(data.data()), data.size());
  ASSERT_TRUE(fs->write("s3://lake/big.parquet", bytes).ok());
  EXPECT_EQ(bucket->objects["big.parquet"], data);
  EXPECT_EQ(bucket->parts["u1"].size(), 7u);
  // Small writes stay a single PUT.
  ASSERT_TRUE(fs->write("s3://lake/small", bytes.first(100)).ok());
  EXPECT_EQ(bucket->log.back(), "PUT small");
}

TEST(S3FileSystem, FailedMultipartIsAborted) {
  auto bucket = std::make_shared<FakeBucket>();
  bucket->fail = [](const http::HttpRequest& r) {
    return r.method == "PUT" && r.url.find("partNumber=2&") != std::string::npos;
  };
  auto client = std::make_shared<ScriptedHttpClient>();
  client->set_fallback([bucket](const http::HttpRequest& r) { return bucket->handle(r); });
  S3Config config;
  config.multipart_threshold = 10;
  config.part_size = 10;
  config.retry.max_attempts = 2;
  auto fs = make_fs(client, config);
  std::string data(35, 'x');
  auto bytes = std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(data.data()), data.size());
  Status st = fs->write("s3://lake/big", bytes);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("InternalError"), std::string::npos);
  EXPECT_EQ(bucket->log.back(), "DELETE big?uploadId=u1");
  EXPECT_EQ(bucket->objects.count("big"), 0u);
}

TEST(S3FileSystem, BatchWriterUploadsEverythingAndReportsTheFirstError) {
  auto bucket = std::make_shared<FakeBucket>();
  auto client = std::make_shared<ScriptedHttpClient>();
  client->set_fallback([bucket](const http::HttpRequest& r) { return bucket->handle(r); });
  auto fs = make_fs(client);
  auto writer = fs->batch_writer();
  for (int i = 0; i < 200; ++i) {
    std::string text = "file " + std::to_string(i);
    Buffer b = Buffer::CopyOf({reinterpret_cast<const uint8_t*>(text.data()), text.size()});
    ASSERT_TRUE(writer->write("s3://lake/t/f" + std::to_string(i), std::move(b)).ok());
  }
  ASSERT_TRUE(writer->finish().ok());
  EXPECT_EQ(bucket->objects.size(), 200u);
  EXPECT_EQ(bucket->objects["t/f7"], "file 7");

  bucket->fail = [](const http::HttpRequest& r) { return r.url.find("/bad") != std::string::npos; };
  auto failing = fs->batch_writer();
  Status first;
  for (int i = 0; i < 50 && first.ok(); ++i) {
    first = failing->write(i == 3 ? "s3://lake/bad" : "s3://lake/u/" + std::to_string(i),
                           Buffer::Allocate(1));
  }
  Status st = failing->finish();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("s3://lake/bad"), std::string::npos);
}

TEST(S3FileSystem, PendingWritesStayInvisibleUntilCompleted) {
  auto bucket = std::make_shared<FakeBucket>();
  auto client = std::make_shared<ScriptedHttpClient>();
  client->set_fallback([bucket](const http::HttpRequest& r) { return bucket->handle(r); });
  S3Config config;
  config.part_size = 40;
  auto fs = make_fs(client, config);
  PendingFiles pending;
  auto writer = fs->pending_writer(pending);
  for (int i = 0; i < 30; ++i) {
    std::string text = i == 7 ? std::string(100, 'x') : "file " + std::to_string(i);  // 3 parts
    Buffer b = Buffer::CopyOf({reinterpret_cast<const uint8_t*>(text.data()), text.size()});
    ASSERT_TRUE(writer->write("s3://lake/t/f" + std::to_string(i), std::move(b)).ok());
  }
  ASSERT_TRUE(writer->finish().ok());
  EXPECT_TRUE(bucket->objects.empty());
  EXPECT_EQ(bucket->pending_keys.size(), 30u);

  auto listed = fs->list_pending("s3://lake/t");
  ASSERT_TRUE(listed.ok()) << listed.status().message();
  EXPECT_EQ(listed->size(), 30u);
  auto files = pending.take();
  ASSERT_EQ(files.size(), 30u);
  std::vector<PendingFile> first(files.begin(), files.begin() + 20);
  std::vector<PendingFile> rest(files.begin() + 20, files.end());
  ASSERT_TRUE(fs->complete_pending(first).ok());
  EXPECT_EQ(bucket->objects.size(), 20u);
  // Completing again (a retry whose first answer was lost) finds the object and succeeds.
  ASSERT_TRUE(fs->complete_pending({first[0]}).ok());
  ASSERT_TRUE(fs->abort_pending(*listed).ok());  // the completed ones answer NoSuchUpload: fine
  EXPECT_TRUE(bucket->pending_keys.empty());
  EXPECT_EQ(bucket->objects.size(), 20u);
  for (const auto& file : first) {
    std::string key = file.path.substr(std::string("s3://lake/").size());
    ASSERT_TRUE(bucket->objects.count(key)) << key;
    EXPECT_EQ(bucket->objects[key].size(), key == "t/f7" ? 100u : key.size() + 2);
  }
  // An aborted upload cannot be completed.
  Status late = fs->complete_pending(rest);
  EXPECT_FALSE(late.ok());
  EXPECT_NE(late.message().find("NoSuchUpload"), std::string::npos) << late.message();
}

TEST(S3FileSystem, NestedListingFallsBackToPagesWhenDelimiterListingIsEmpty) {
  // A server whose delimiter listings return nothing (as s3rver 3.7 does for nested keys).
  std::set<std::string> keys;
  for (int i = 0; i < 2500; ++i) {
    keys.insert("song_data/A/B/" + std::string(1, static_cast<char>('A' + i % 26)) + "/f" +
                std::to_string(i) + ".json");
  }
  auto client = std::make_shared<ScriptedHttpClient>();
  std::atomic<int> delimited{0};
  client->set_fallback([&](const http::HttpRequest& r) {
    if (!query_value(r.url, "delimiter").empty()) {
      ++delimited;
      return ScriptedHttpClient::reply(
          200, "<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>");
    }
    return fake_listing(keys, r);
  });
  std::vector<std::string> notes;
  FileSystemOptions with_debug = test_options();
  with_debug.debug = [&](const std::string& note) { notes.push_back(note); };
  auto noted = S3FileSystem::Make(client, with_debug, {}, no_wait_clock());
  ASSERT_TRUE(noted.ok());
  auto listed = (*noted)->list("s3://lake/song_data");
  ASSERT_TRUE(listed.ok()) << listed.status().message();
  EXPECT_EQ(listed->size(), 2500u);
  EXPECT_GE(delimited.load(), 1);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("page by page"), std::string::npos) << notes[0];
}

TEST(S3FileSystem, ReadManyDeliversEveryFileOneAtATimeAndStopsOnError) {
  auto bucket = std::make_shared<FakeBucket>();
  for (int i = 0; i < 300; ++i) bucket->objects["in/" + std::to_string(i)] = std::to_string(i);
  auto client = std::make_shared<ScriptedHttpClient>();
  client->set_fallback([bucket](const http::HttpRequest& r) { return bucket->handle(r); });
  auto fs = make_fs(client);
  EXPECT_EQ(fs->preferred_read_concurrency(), 8);
  std::vector<std::string> paths;
  for (int i = 0; i < 300; ++i) paths.push_back("s3://lake/in/" + std::to_string(i));
  std::vector<int> seen(300, 0);
  std::atomic<int> inside{0};
  bool overlapped = false;
  Status st = fs->read_many(paths, 32, [&](size_t i, Buffer b) {
    if (inside.fetch_add(1) != 0) overlapped = true;
    seen[i] += b.view() == std::to_string(i) ? 1 : 100;
    inside.fetch_sub(1);
    return Status::OK();
  });
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_FALSE(overlapped);
  for (int i = 0; i < 300; ++i) EXPECT_EQ(seen[i], 1) << i;

  paths.push_back("s3://lake/in/missing");
  st = fs->read_many(paths, 0, [](size_t, Buffer) { return Status::OK(); });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "s3://lake/in/missing does not exist");
}

}  // namespace
}  // namespace sparkify::io::s3

namespace sparkify::io::s3 {
namespace {

TEST(S3FileSystem, BucketInAnotherRegionIsFollowedAndRemembered) {
  auto client = std::make_shared<ScriptedHttpClient>();
  client->push(ScriptedHttpClient::reply(301, "<Error><Code>PermanentRedirect</Code></Error>",
                                         {{"x-amz-bucket-region", "us-west-2"}}));
  client->push(ScriptedHttpClient::reply(200, "{}"));
  client->push(ScriptedHttpClient::reply(200, "{}"));
  client->push(ScriptedHttpClient::s3_error(400, "AuthorizationHeaderMalformed"));
  client->push(ScriptedHttpClient::reply(
      400, "<Error><Code>AuthorizationHeaderMalformed</Code><Region>eu-west-1</Region></Error>"));
  client->push(ScriptedHttpClient::reply(200, "{}"));
  FileSystemOptions options = test_options();
  options.endpoint.clear();  // AWS
  auto fs = S3FileSystem::Make(client, options, S3Config{}, no_wait_clock());
  ASSERT_TRUE(fs.ok());
  ASSERT_TRUE((*fs)->read("s3://udacity-dend/song_data/a.json").ok());
  ASSERT_TRUE((*fs)->read("s3://udacity-dend/song_data/b.json").ok());
  // A 400 without a region is an error; with one, the bucket's region is learnt.
  EXPECT_FALSE((*fs)->read("s3://other-bucket/x").ok());
  ASSERT_TRUE((*fs)->read("s3://other-bucket/x").ok());
  auto requests = client->requests();
  ASSERT_EQ(requests.size(), 6u);
  EXPECT_EQ(requests[0].url, "https://udacity-dend.s3.us-east-1.amazonaws.com/song_data/a.json");
  EXPECT_EQ(requests[1].url, "https://udacity-dend.s3.us-west-2.amazonaws.com/song_data/a.json");
  EXPECT_NE(requests[1].header("authorization").find("/us-west-2/s3/aws4_request"),
            std::string::npos);
  EXPECT_EQ(requests[2].url, "https://udacity-dend.s3.us-west-2.amazonaws.com/song_data/b.json");
  EXPECT_EQ(requests[5].url, "https://other-bucket.s3.eu-west-1.amazonaws.com/x");
}

}  // namespace
}  // namespace sparkify::io::s3

namespace sparkify::io::s3 {
namespace {

TEST(S3FileSystem, TwentyPercentFaultsAreAbsorbedByRetries) {
  auto bucket = std::make_shared<FakeBucket>();
  auto scripted = std::make_shared<ScriptedHttpClient>();
  scripted->set_fallback([bucket](const http::HttpRequest& r) { return bucket->handle(r); });
  auto faulty = std::make_shared<http::FaultInjectingHttpClient>(scripted, 0.2, 42);
  auto fs = S3FileSystem::Make(faulty, test_options(), S3Config{}, no_wait_clock());
  ASSERT_TRUE(fs.ok());
  auto writer = (*fs)->batch_writer();
  std::vector<std::string> paths;
  for (int i = 0; i < 300; ++i) {
    std::string text = "object " + std::to_string(i);
    paths.push_back("s3://lake/f/" + std::to_string(i));
    ASSERT_TRUE(
        writer
            ->write(paths.back(),
                    Buffer::CopyOf({reinterpret_cast<const uint8_t*>(text.data()), text.size()}))
            .ok());
  }
  ASSERT_TRUE(writer->finish().ok());
  std::vector<std::string> got(paths.size());
  Status st = (*fs)->read_many(paths, 0, [&](size_t i, Buffer b) {
    got[i] = std::string(b.view());
    return Status::OK();
  });
  ASSERT_TRUE(st.ok()) << st.message();
  for (int i = 0; i < 300; ++i) EXPECT_EQ(got[i], "object " + std::to_string(i));
  EXPECT_GT(faulty->faults(), 60u);  // 600 requests: the faults did happen
}

TEST(S3FileSystem, PermanentFaultsEndWithTheAttemptBudget) {
  auto scripted = std::make_shared<ScriptedHttpClient>();
  auto faulty = std::make_shared<http::FaultInjectingHttpClient>(scripted, 1.0, 7);
  S3Config config;
  config.retry.max_attempts = 4;
  auto fs = S3FileSystem::Make(faulty, test_options(), config, no_wait_clock());
  ASSERT_TRUE(fs.ok());
  auto result = (*fs)->read("s3://lake/x");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), ErrorCode::kIoError);
  EXPECT_NE(result.status().message().find("4 attempts"), std::string::npos)
      << result.status().message();
  EXPECT_EQ(faulty->faults(), 4u);
  EXPECT_EQ(scripted->request_count(), 0u);
}

}  // namespace
}  // namespace sparkify::io::s3
