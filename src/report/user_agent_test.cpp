#include "report/user_agent.h"

#include <gtest/gtest.h>

namespace sparkify::report {
namespace {

TEST(UserAgent, ClassifiesTheAgentsOfTheSample) {
  const char* chromium =
      "\"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Ubuntu "
      "Chromium/36.0.1985.125 Chrome/36.0.1985.125 Safari/537.36\"";
  EXPECT_EQ(browser_of(chromium), "Chromium");
  EXPECT_EQ(os_of(chromium), "Linux");
  const char* iphone =
      "\"Mozilla/5.0 (iPhone; CPU iPhone OS 7_1_2 like Mac OS X) AppleWebKit/537.51.2 (KHTML, "
      "like Gecko) Version/7.0 Mobile/11D257 Safari/9537.53\"";
  EXPECT_EQ(browser_of(iphone), "Safari");
  EXPECT_EQ(os_of(iphone), "iOS");
  const char* ie = "Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko";
  EXPECT_EQ(browser_of(ie), "Internet Explorer");
  EXPECT_EQ(os_of(ie), "Windows");
  const char* firefox =
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.9; rv:31.0) Gecko/20100101 Firefox/31.0";
  EXPECT_EQ(browser_of(firefox), "Firefox");
  EXPECT_EQ(os_of(firefox), "macOS");
  const char* chrome =
      "Mozilla/5.0 (Windows NT 6.3; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/36.0.1985.143 Safari/537.36";
  EXPECT_EQ(browser_of(chrome), "Chrome");
  const char* edge = "Mozilla/5.0 (Windows NT 10.0) Chrome/120.0 Safari/537.36 Edg/120.0";
  EXPECT_EQ(browser_of(edge), "Edge");
  EXPECT_EQ(os_of("Mozilla/5.0 (Linux; Android 13) Chrome/1"), "Android");
  EXPECT_EQ(browser_of(""), "Other");
  EXPECT_EQ(os_of("curl/8.0"), "Other");
}

}  // namespace
}  // namespace sparkify::report
