#include "io/s3/sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <ctime>

#include "common/percent_coding.h"

namespace sparkify::io::s3 {

namespace {

std::span<const uint8_t> as_bytes(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

bool unreserved(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

// Header values are signed trimmed, with runs of spaces collapsed to one.
std::string canonical_header_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  bool space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Lowercased names, sorted; values of repeated names joined with ',' in their original order.
std::vector<std::pair<std::string, std::string>> canonical_headers(
    const http::HttpHeaders& headers) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [name, value] : headers) {
    out.emplace_back(lower(name), canonical_header_value(value));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::pair<std::string, std::string>> merged;
  for (auto& entry : out) {
    if (!merged.empty() && merged.back().first == entry.first) {
      merged.back().second += "," + entry.second;
    } else {
      merged.push_back(std::move(entry));
    }
  }
  return merged;
}

}  // namespace

std::string uri_encode(std::string_view text, bool encode_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() + text.size() / 4);
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (unreserved(c) || (c == '/' && !encode_slash)) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

std::string uri_decode(std::string_view text) { return percent_decode(text); }

std::string hex_encode(std::span<const uint8_t> bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xF]);
  }
  return out;
}

std::string base64_encode(std::span<const uint8_t> bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = (uint32_t{bytes[i]} << 16) | (uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
  }
  size_t rest = bytes.size() - i;
  if (rest) {
    uint32_t v = uint32_t{bytes[i]} << 16;
    if (rest == 2) v |= uint32_t{bytes[i + 1]} << 8;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(rest == 2 ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

std::array<uint8_t, 32> sha256(std::span<const uint8_t> bytes) {
  std::array<uint8_t, 32> digest{};
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(), nullptr);
  return digest;
}

std::string sha256_hex(std::span<const uint8_t> bytes) { return hex_encode(sha256(bytes)); }
std::string sha256_hex(std::string_view text) { return sha256_hex(as_bytes(text)); }

std::array<uint8_t, 32> hmac_sha256(std::span<const uint8_t> key, std::string_view data) {
  std::array<uint8_t, 32> digest{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data(), &length);
  return digest;
}

std::string md5_base64(std::span<const uint8_t> bytes) {
  std::array<uint8_t, 16> digest{};
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_md5(), nullptr);
  return base64_encode(digest);
}

std::string amz_date(std::chrono::system_clock::time_point when) {
  std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y%m%dT%H%M%SZ", &tm);
  return buffer;
}

std::string canonical_query_string(const std::vector<std::pair<std::string, std::string>>& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query) {
    encoded.emplace_back(uri_encode(name, true), uri_encode(value, true));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out.push_back('&');
    out += name;
    out.push_back('=');
    out += value;
  }
  return out;
}

std::string signed_header_names(const http::HttpHeaders& headers) {
  std::string out;
  for (const auto& [name, value] : canonical_headers(headers)) {
    if (!out.empty()) out.push_back(';');
    out += name;
  }
  return out;
}

std::string canonical_request(const SignableRequest& request) {
  std::string out;
  out.reserve(512);
  out += request.method;
  out.push_back('\n');
  out += request.canonical_uri.empty() ? "/" : request.canonical_uri;
  out.push_back('\n');
  out += canonical_query_string(request.query);
  out.push_back('\n');
  auto headers = canonical_headers(request.headers);
  std::string names;
  for (const auto& [name, value] : headers) {
    out += name;
    out.push_back(':');
    out += value;
    out.push_back('\n');
    if (!names.empty()) names.push_back(';');
    names += name;
  }
  out.push_back('\n');
  out += names;
  out.push_back('\n');
  out += request.payload_hash;
  return out;
}

std::string string_to_sign(std::string_view amz_date, std::string_view scope,
                           std::string_view canonical_request) {
  std::string out = "AWS4-HMAC-SHA256\n";
  out += amz_date;
  out.push_back('\n');
  out += scope;
  out.push_back('\n');
  out += sha256_hex(canonical_request);
  return out;
}

std::array<uint8_t, 32> signing_key(std::string_view secret_key, std::string_view date,
                                    std::string_view region, std::string_view service) {
  std::string seed = "AWS4";
  seed += secret_key;
  auto k_date = hmac_sha256(as_bytes(seed), date);
  auto k_region = hmac_sha256(k_date, region);
  auto k_service = hmac_sha256(k_region, service);
  return hmac_sha256(k_service, "aws4_request");
}

namespace {

std::string find_amz_date(const http::HttpHeaders& headers) {
  for (const auto& [name, value] : headers) {
    if (lower(name) == "x-amz-date") return value;
  }
  return {};
}

}  // namespace

std::string signature(const SignableRequest& request, const Credentials& credentials,
                      std::string_view region, std::string_view service) {
  std::string date_time = find_amz_date(request.headers);
  std::string date = date_time.substr(0, 8);
  std::string scope =
      date + "/" + std::string(region) + "/" + std::string(service) + "/aws4_request";
  auto key = signing_key(credentials.secret_key, date, region, service);
  auto mac = hmac_sha256(key, string_to_sign(date_time, scope, canonical_request(request)));
  return hex_encode(mac);
}

std::string authorization_header(const SignableRequest& request, const Credentials& credentials,
                                 std::string_view region, std::string_view service) {
  std::string date = find_amz_date(request.headers).substr(0, 8);
  return "AWS4-HMAC-SHA256 Credential=" + credentials.access_key + "/" + date + "/" +
         std::string(region) + "/" + std::string(service) +
         "/aws4_request, SignedHeaders=" + signed_header_names(request.headers) +
         ", Signature=" + signature(request, credentials, region, service);
}

}  // namespace sparkify::io::s3
