#include "io/s3/s3_xml.h"

#include <charconv>

#include "common/markup_escape.h"
#include "common/utf8.h"

namespace sparkify::io::s3 {

namespace {

// Finds "<tag>" or "<tag attr...>" starting at `from`; returns the position after '>' and sets
// `self_closing` for "<tag/>".
size_t find_open(std::string_view xml, std::string_view tag, size_t from, size_t* start,
                 bool* self_closing) {
  while (true) {
    size_t lt = xml.find('<', from);
    if (lt == std::string_view::npos) return std::string_view::npos;
    if (xml.compare(lt + 1, tag.size(), tag) == 0 && lt + 1 + tag.size() < xml.size()) {
      char next = xml[lt + 1 + tag.size()];
      if (next == '>' || next == ' ' || next == '/' || next == '\t' || next == '\n' ||
          next == '\r') {
        size_t gt = xml.find('>', lt);
        if (gt == std::string_view::npos) return std::string_view::npos;
        *start = lt;
        *self_closing = xml[gt - 1] == '/';
        return gt + 1;
      }
    }
    from = lt + 1;
  }
}

}  // namespace

std::string xml_unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c != '&') {
      out.push_back(c);
      continue;
    }
    size_t semi = text.find(';', i);
    if (semi == std::string_view::npos || semi - i > 12) {
      out.push_back(c);
      continue;
    }
    std::string_view entity = text.substr(i + 1, semi - i - 1);
    if (entity == "amp") {
      out.push_back('&');
    } else if (entity == "lt") {
      out.push_back('<');
    } else if (entity == "gt") {
      out.push_back('>');
    } else if (entity == "quot") {
      out.push_back('"');
    } else if (entity == "apos") {
      out.push_back('\'');
    } else if (entity.size() > 1 && entity[0] == '#') {
      uint32_t cp = 0;
      bool hex = entity[1] == 'x' || entity[1] == 'X';
      std::string_view digits = entity.substr(hex ? 2 : 1);
      auto [ptr, ec] =
          std::from_chars(digits.data(), digits.data() + digits.size(), cp, hex ? 16 : 10);
      if (ec != std::errc() || ptr != digits.data() + digits.size() || cp > 0x10FFFF) {
        out.push_back(c);
        continue;
      }
      append_utf8(out, cp);
    } else {
      out.push_back(c);
      continue;
    }
    i = semi;
  }
  return out;
}

std::vector<std::string> xml_elements(std::string_view xml, std::string_view tag) {
  std::vector<std::string> out;
  std::string close = "</" + std::string(tag) + ">";
  size_t pos = 0;
  while (true) {
    size_t start = 0;
    bool self_closing = false;
    size_t content = find_open(xml, tag, pos, &start, &self_closing);
    if (content == std::string_view::npos) break;
    if (self_closing) {
      out.emplace_back();
      pos = content;
      continue;
    }
    size_t end = xml.find(close, content);
    if (end == std::string_view::npos) break;
    out.push_back(xml_unescape(xml.substr(content, end - content)));
    pos = end + close.size();
  }
  return out;
}

std::string xml_first(std::string_view xml, std::string_view tag) {
  std::string close = "</" + std::string(tag) + ">";
  size_t start = 0;
  bool self_closing = false;
  size_t content = find_open(xml, tag, 0, &start, &self_closing);
  if (content == std::string_view::npos || self_closing) return {};
  size_t end = xml.find(close, content);
  if (end == std::string_view::npos) return {};
  return xml_unescape(xml.substr(content, end - content));
}

Result<ListPage> parse_list_objects_v2(std::string_view xml) {
  if (xml.find("<ListBucketResult") == std::string_view::npos) {
    return Status::Corrupt("S3 listing response is not a ListBucketResult document");
  }
  ListPage page;
  // Contents blocks are scanned raw (not unescaped) so Key and Size come from the same block.
  std::string close = "</Contents>";
  size_t pos = 0;
  while (true) {
    size_t start = 0;
    bool self_closing = false;
    size_t content = find_open(xml, "Contents", pos, &start, &self_closing);
    if (content == std::string_view::npos) break;
    size_t end = xml.find(close, content);
    if (end == std::string_view::npos) {
      return Status::Corrupt("S3 listing response has an unterminated <Contents> element");
    }
    std::string_view block = xml.substr(content, end - content);
    ListedObject object;
    object.key = xml_first(block, "Key");
    std::string size = xml_first(block, "Size");
    auto [ptr, ec] = std::from_chars(size.data(), size.data() + size.size(), object.size);
    if (ec != std::errc() || object.key.empty()) {
      return Status::Corrupt("S3 listing response has an entry without a key or size");
    }
    object.etag = xml_first(block, "ETag");
    if (object.etag.size() >= 2 && object.etag.front() == '"' && object.etag.back() == '"') {
      object.etag = object.etag.substr(1, object.etag.size() - 2);
    }
    page.objects.push_back(std::move(object));
    pos = end + close.size();
  }
  std::string prefixes_close = "</CommonPrefixes>";
  pos = 0;
  while (true) {
    size_t start = 0;
    bool self_closing = false;
    size_t content = find_open(xml, "CommonPrefixes", pos, &start, &self_closing);
    if (content == std::string_view::npos) break;
    size_t end = xml.find(prefixes_close, content);
    if (end == std::string_view::npos) {
      return Status::Corrupt("S3 listing response has an unterminated <CommonPrefixes> element");
    }
    page.common_prefixes.push_back(xml_first(xml.substr(content, end - content), "Prefix"));
    pos = end + prefixes_close.size();
  }
  // IsTruncated and NextContinuationToken follow or precede the Contents; search outside them.
  page.truncated = xml_first(xml, "IsTruncated") == "true";
  page.next_token = xml_first(xml, "NextContinuationToken");
  if (page.truncated && page.next_token.empty()) {
    return Status::Corrupt("S3 listing response is truncated but has no continuation token");
  }
  return page;
}

Result<UploadPage> parse_list_multipart_uploads(std::string_view xml) {
  if (xml.find("<ListMultipartUploadsResult") == std::string_view::npos) {
    return Status::Corrupt(
        "S3 upload listing response is not a ListMultipartUploadsResult document");
  }
  UploadPage page;
  // Upload blocks are scanned raw, as Contents are, so Key and UploadId come from one block.
  std::string close = "</Upload>";
  size_t pos = 0;
  while (true) {
    size_t start = 0;
    bool self_closing = false;
    size_t content = find_open(xml, "Upload", pos, &start, &self_closing);
    if (content == std::string_view::npos) break;
    size_t end = xml.find(close, content);
    if (end == std::string_view::npos) {
      return Status::Corrupt("S3 upload listing response has an unterminated <Upload> element");
    }
    std::string_view block = xml.substr(content, end - content);
    PendingUpload upload{xml_first(block, "Key"), xml_first(block, "UploadId")};
    if (upload.key.empty() || upload.upload_id.empty()) {
      return Status::Corrupt("S3 upload listing response has an entry without a key or upload id");
    }
    page.uploads.push_back(std::move(upload));
    pos = end + close.size();
  }
  page.truncated = xml_first(xml, "IsTruncated") == "true";
  page.next_key_marker = xml_first(xml, "NextKeyMarker");
  page.next_upload_id_marker = xml_first(xml, "NextUploadIdMarker");
  if (page.truncated && page.next_key_marker.empty()) {
    return Status::Corrupt("S3 upload listing response is truncated but has no next key marker");
  }
  return page;
}

S3ErrorDoc parse_error(std::string_view xml) {
  S3ErrorDoc doc;
  if (xml.find("<Error") == std::string_view::npos) return doc;
  doc.code = xml_first(xml, "Code");
  doc.message = xml_first(xml, "Message");
  return doc;
}

std::string delete_objects_body(const std::vector<std::string>& keys) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Delete><Quiet>true</Quiet>";
  for (const auto& key : keys) {
    out += "<Object><Key>";
    out += markup_escape(key);
    out += "</Key></Object>";
  }
  out += "</Delete>";
  return out;
}

std::vector<DeleteFailure> parse_delete_result(std::string_view xml) {
  std::vector<DeleteFailure> out;
  std::string close = "</Error>";
  size_t pos = 0;
  while (true) {
    size_t start = 0;
    bool self_closing = false;
    size_t content = find_open(xml, "Error", pos, &start, &self_closing);
    if (content == std::string_view::npos) break;
    size_t end = xml.find(close, content);
    if (end == std::string_view::npos) break;
    std::string_view block = xml.substr(content, end - content);
    out.push_back({xml_first(block, "Key"), xml_first(block, "Code"), xml_first(block, "Message")});
    pos = end + close.size();
  }
  return out;
}

std::string complete_multipart_body(const std::vector<std::string>& etags) {
  std::string out = "<CompleteMultipartUpload>";
  for (size_t i = 0; i < etags.size(); ++i) {
    out += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" +
           markup_escape(etags[i]) + "</ETag></Part>";
  }
  out += "</CompleteMultipartUpload>";
  return out;
}

}  // namespace sparkify::io::s3
