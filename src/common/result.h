// Status and Result<T>: how every library function reports an expected failure (bad path, bad
// credentials, bad record, corrupt file) without throwing through module boundaries.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace sparkify {

/// What kind of failure: lets callers choose an exit code or a retry without parsing text.
enum class ErrorCode {
  kOk = 0,
  kInvalidArgument,   // the user asked for something that cannot be done
  kNotFound,          // a path, bucket or key does not exist
  kIoError,           // the OS or the network failed
  kCorrupt,           // a file's bytes are not what its format promises
  kPermissionDenied,  // credentials or file permissions
  kNotSupported,      // the operation is not available on this storage / in this build
  kTooManyRejects,    // --max-bad-records exceeded
  kCancelled,
  kInternal,  // a broken invariant inside sparkify
};

const char* error_code_name(ErrorCode code);

/// The outcome of an operation that returns nothing. Cheap when OK (no allocation).
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status OK() { return {}; }
  static Status Invalid(std::string m) { return {ErrorCode::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {ErrorCode::kNotFound, std::move(m)}; }
  static Status IoError(std::string m) { return {ErrorCode::kIoError, std::move(m)}; }
  static Status Corrupt(std::string m) { return {ErrorCode::kCorrupt, std::move(m)}; }
  static Status PermissionDenied(std::string m) {
    return {ErrorCode::kPermissionDenied, std::move(m)};
  }
  static Status NotSupported(std::string m) { return {ErrorCode::kNotSupported, std::move(m)}; }
  static Status Internal(std::string m) { return {ErrorCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  /// One sentence naming the cause; never holds a secret.
  const std::string& message() const { return message_; }

  /// Returns the same status with `context` prepended ("reading x: <message>").
  Status with_context(const std::string& context) const {
    if (ok()) return *this;
    return {code_, context + ": " + message_};
  }

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

namespace detail {
/// Reports a Result read without a value (a bug in the caller, never a user error) and aborts,
/// in every build: "sparkify: internal error: Result::value() on an error: <code>: <message>".
[[noreturn]] void die_on_missing_value(const Status& status);
}  // namespace detail

/// Either a value or a non-OK Status. Reading value() of an error stops the program with a
/// message naming the error (in every build, not only with assertions on).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : storage_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  /// An OK status carries no value, so it becomes an internal error rather than a Result that
  /// is neither a value nor a failure.
  Result(Status status)  // NOLINT(google-explicit-constructor)
      : storage_(status.ok() ? Status::Internal("Result constructed from an OK status")
                             : std::move(status)) {}

  bool ok() const { return std::holds_alternative<T>(storage_); }
  Status status() const { return ok() ? Status::OK() : std::get<Status>(storage_); }

  T& value() & {
    check();
    return *std::get_if<T>(&storage_);
  }
  const T& value() const& {
    check();
    return *std::get_if<T>(&storage_);
  }
  T&& value() && {
    check();
    return std::move(*std::get_if<T>(&storage_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  void check() const {
    if (!ok()) [[unlikely]]
      detail::die_on_missing_value(std::get<Status>(storage_));
  }

  std::variant<T, Status> storage_;
};

}  // namespace sparkify

#define SPARKIFY_CONCAT_INNER(a, b) a##b
#define SPARKIFY_CONCAT(a, b) SPARKIFY_CONCAT_INNER(a, b)

/// Returns the status from the enclosing function when `expr` (a Status) is not OK.
#define SPARKIFY_RETURN_NOT_OK(expr) \
  do {                               \
    ::sparkify::Status _st = (expr); \
    if (!_st.ok()) return _st;       \
  } while (false)

#define SPARKIFY_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                   \
  if (!tmp.ok()) return tmp.status();                  \
  lhs = std::move(tmp).value()

/// `SPARKIFY_ASSIGN_OR_RETURN(auto x, make_x());` — unwraps a Result or returns its error.
#define SPARKIFY_ASSIGN_OR_RETURN(lhs, expr) \
  SPARKIFY_ASSIGN_OR_RETURN_IMPL(SPARKIFY_CONCAT(_result_, __LINE__), lhs, expr)
