#include "io/storage_options.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "support/temp_dir.h"

namespace sparkify::io {
namespace {

// Each test starts from an environment without AWS_* variables and restores nothing it did not
// set (ctest runs each test binary in its own process).
class StorageOptionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name :
         {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION",
          "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"}) {
      unsetenv(name);
    }
  }
  std::string write_cfg(const std::string& text) {
    auto path = dir_.path() / "dl.cfg";
    std::ofstream(path) << text;
    return path.string();
  }
  sparkify::testing::TempDir dir_{"sparkify-storage-options"};
};

TEST_F(StorageOptionsTest, DefaultsWithNothingGiven) {
  auto o = resolve_storage_options({});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->region, "us-east-1");
  EXPECT_TRUE(o->access_key.empty());
  EXPECT_TRUE(o->verify_tls);
  EXPECT_EQ(o->max_connections, 64);
}

TEST_F(StorageOptionsTest, UdacityStyleConfigWithQuotesSpacesAndComments) {
  StorageSettings flags;
  flags.config_path = write_cfg(
      "# credentials for the lake\n[AWS]\nKEY = 'AKIAEXAMPLEKEY'\n  SECRET=\"se#cr;et\"  \n"
      "; a comment\nREGION = us-west-2   # where the bucket lives\n"
      "[OTHER]\nKEY=wrong\n");
  auto o = resolve_storage_options(flags);
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(o->access_key, "AKIAEXAMPLEKEY");
  EXPECT_EQ(o->secret_key, "se#cr;et");
  EXPECT_EQ(o->region, "us-west-2");
}

TEST_F(StorageOptionsTest, LongKeyNamesSessionTokenAndEndpoint) {
  StorageSettings flags;
  flags.config_path = write_cfg(
      "[aws]\nAWS_ACCESS_KEY_ID=id\nAWS_SECRET_ACCESS_KEY=sk\nAWS_SESSION_TOKEN=tok\n"
      "ENDPOINT=http://127.0.0.1:9000\n");
  auto o = resolve_storage_options(flags);
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(o->access_key, "id");
  EXPECT_EQ(o->secret_key, "sk");
  EXPECT_EQ(o->session_token, "tok");
  EXPECT_EQ(o->endpoint, "http://127.0.0.1:9000");
}

TEST_F(StorageOptionsTest, FlagsBeatConfigWhichBeatsEnvironment) {
  setenv("AWS_ACCESS_KEY_ID", "env-id", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "env-secret", 1);
  setenv("AWS_REGION", "eu-west-1", 1);
  setenv("AWS_ENDPOINT_URL", "http://env:1", 1);
  StorageSettings flags;
  flags.config_path = write_cfg("[AWS]\nKEY=cfg-id\nSECRET=cfg-secret\nREGION=ap-south-1\n");
  auto from_cfg = resolve_storage_options(flags);
  ASSERT_TRUE(from_cfg.ok());
  EXPECT_EQ(from_cfg->access_key, "cfg-id");
  EXPECT_EQ(from_cfg->region, "ap-south-1");
  EXPECT_EQ(from_cfg->endpoint, "http://env:1");

  flags.access_key_id = "flag-id";
  flags.secret_access_key = "flag-secret";
  flags.region = "sa-east-1";
  auto from_flags = resolve_storage_options(flags);
  ASSERT_TRUE(from_flags.ok());
  EXPECT_EQ(from_flags->access_key, "flag-id");
  EXPECT_EQ(from_flags->secret_key, "flag-secret");
  EXPECT_EQ(from_flags->region, "sa-east-1");

  auto from_env = resolve_storage_options({});
  ASSERT_TRUE(from_env.ok());
  EXPECT_EQ(from_env->access_key, "env-id");
  EXPECT_EQ(from_env->secret_key, "env-secret");
  EXPECT_EQ(from_env->region, "eu-west-1");
}

TEST_F(StorageOptionsTest, DefaultRegionVariable) {
  setenv("AWS_DEFAULT_REGION", "us-west-1", 1);
  auto o = resolve_storage_options({});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->region, "us-west-1");
}

TEST_F(StorageOptionsTest, MissingConfigFileIsAClearError) {
  StorageSettings flags;
  flags.config_path = (dir_.path() / "nope.cfg").string();
  auto o = resolve_storage_options(flags);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(o.status().message().find("nope.cfg"), std::string::npos);
}

TEST_F(StorageOptionsTest, HalfAPairIsAnErrorThatDoesNotShowTheSecret) {
  StorageSettings flags;
  flags.config_path = write_cfg("[AWS]\nSECRET=very-secret-value\n");
  auto o = resolve_storage_options(flags);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().message().find("very-secret-value"), std::string::npos);
  StorageSettings only_id;
  only_id.access_key_id = "id";
  EXPECT_FALSE(resolve_storage_options(only_id).ok());
  StorageSettings no_section;
  no_section.config_path = write_cfg("KEY=x\nSECRET=y\n");
  EXPECT_FALSE(resolve_storage_options(no_section).ok());
}

TEST_F(StorageOptionsTest, SettingsForTlsAndConnections) {
  StorageSettings flags;
  flags.verify_tls = false;
  flags.max_connections = 128;
  auto o = resolve_storage_options(flags);
  ASSERT_TRUE(o.ok());
  EXPECT_FALSE(o->verify_tls);
  EXPECT_EQ(o->max_connections, 128);
  flags.max_connections = 0;
  EXPECT_FALSE(resolve_storage_options(flags).ok());
}

}  // namespace
}  // namespace sparkify::io
