// The few S3 XML documents sparkify reads and writes: ListObjectsV2 and ListMultipartUploads
// results, error documents, DeleteObjects requests and results, and the multipart upload
// messages. A tiny scanner is enough because S3's responses are flat and machine-written;
// entities are decoded.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace sparkify::io::s3 {

/// Decodes the five named XML entities and numeric character references (&#NN; &#xNN;).
std::string xml_unescape(std::string_view text);

/// The text of every element named `tag` (not nested in itself), decoded, in document order.
std::vector<std::string> xml_elements(std::string_view xml, std::string_view tag);
/// The text of the first element named `tag`, or "" when there is none.
std::string xml_first(std::string_view xml, std::string_view tag);

struct ListedObject {
  std::string key;
  uint64_t size = 0;
  std::string etag;  ///< quotes removed; empty when the listing gave none
};

struct ListPage {
  std::vector<ListedObject> objects;
  std::vector<std::string> common_prefixes;  ///< "folders" when listed with a delimiter
  bool truncated = false;
  std::string next_token;  ///< NextContinuationToken when truncated
};

Result<ListPage> parse_list_objects_v2(std::string_view xml);

/// One multipart upload that is neither completed nor aborted.
struct PendingUpload {
  std::string key;
  std::string upload_id;
};

struct UploadPage {
  std::vector<PendingUpload> uploads;
  bool truncated = false;
  std::string next_key_marker;  ///< markers for the next page when truncated
  std::string next_upload_id_marker;
};

Result<UploadPage> parse_list_multipart_uploads(std::string_view xml);

/// An S3 error document's <Code> and <Message> (both empty when the body is not one).
struct S3ErrorDoc {
  std::string code;
  std::string message;
};
S3ErrorDoc parse_error(std::string_view xml);

/// The body of a DeleteObjects request in quiet mode (only failures are reported back).
std::string delete_objects_body(const std::vector<std::string>& keys);

struct DeleteFailure {
  std::string key;
  std::string code;
  std::string message;
};
/// The <Error> entries of a DeleteObjects result.
std::vector<DeleteFailure> parse_delete_result(std::string_view xml);

/// The body of CompleteMultipartUpload for parts 1..n with these ETags.
std::string complete_multipart_body(const std::vector<std::string>& etags);

}  // namespace sparkify::io::s3
