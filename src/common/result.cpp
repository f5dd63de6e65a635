#include "common/result.h"

#include <cstdio>
#include <cstdlib>

namespace sparkify {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return "ok";
    case ErrorCode::kInvalidArgument:
      return "invalid argument";
    case ErrorCode::kNotFound:
      return "not found";
    case ErrorCode::kIoError:
      return "I/O error";
    case ErrorCode::kCorrupt:
      return "corrupt";
    case ErrorCode::kPermissionDenied:
      return "permission denied";
    case ErrorCode::kNotSupported:
      return "not supported";
    case ErrorCode::kTooManyRejects:
      return "too many rejects";
    case ErrorCode::kCancelled:
      return "cancelled";
    case ErrorCode::kInternal:
      return "internal error";
  }
  return "unknown";
}

namespace detail {

void die_on_missing_value(const Status& status) {
  // The one place outside cli/ that prints: a broken invariant, like a failed assertion.
  std::fprintf(stderr, "sparkify: internal error: Result::value() on an error: %s: %s\n",
               error_code_name(status.code()), status.message().c_str());
  std::abort();
}

}  // namespace detail

}  // namespace sparkify
