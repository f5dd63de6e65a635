#include "io/http/scripted_http_client.h"

#include <cstring>

namespace sparkify::io::http {

std::string ScriptedHttpClient::Recorded::header(std::string_view name) const {
  HttpResponse probe;
  probe.headers = headers;
  return probe.header(name);
}

void ScriptedHttpClient::push(HttpResponse response) {
  std::lock_guard<std::mutex> lock(mutex_);
  script_.push_back(std::move(response));
}

void ScriptedHttpClient::set_fallback(Handler handler) {
  std::lock_guard<std::mutex> lock(mutex_);
  fallback_ = std::move(handler);
}

HttpResponse ScriptedHttpClient::send(const HttpRequest& request, size_t body_padding) {
  HttpResponse response;
  Handler fallback;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    requests_.push_back(Recorded{request.method, request.url, request.headers,
                                 std::string(request.body.begin(), request.body.end())});
    if (!script_.empty()) {
      response = std::move(script_.front());
      script_.pop_front();
    } else if (fallback_) {
      fallback = fallback_;
    } else {
      response = reply(599, "script exhausted");
    }
  }
  if (fallback) response = fallback(request);
  // Re-home the body into a buffer with the padding the caller asked for.
  Buffer padded = Buffer::CopyOf(response.body.bytes(), body_padding);
  response.body = std::move(padded);
  return response;
}

std::vector<ScriptedHttpClient::Recorded> ScriptedHttpClient::requests() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return requests_;
}

size_t ScriptedHttpClient::request_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return requests_.size();
}

HttpResponse ScriptedHttpClient::reply(int status, std::string body, HttpHeaders headers) {
  HttpResponse response;
  response.status = status;
  response.headers = std::move(headers);
  response.body = Buffer::CopyOf({reinterpret_cast<const uint8_t*>(body.data()), body.size()});
  return response;
}

HttpResponse ScriptedHttpClient::fail(TransportError error, std::string message) {
  HttpResponse response;
  response.transport = error;
  response.transport_message = std::move(message);
  return response;
}

HttpResponse ScriptedHttpClient::s3_error(int status, const std::string& code,
                                          const std::string& message) {
  return reply(status, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code +
                           "</Code><Message>" + message + "</Message></Error>");
}

HttpResponse FaultInjectingHttpClient::send(const HttpRequest& request, size_t body_padding) {
  int kind = -1;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < rate_) {
      kind = static_cast<int>(rng_() % 4);
      ++faults_;
    }
  }
  switch (kind) {
    case 0:
      return ScriptedHttpClient::s3_error(500, "InternalError");
    case 1:
      return ScriptedHttpClient::s3_error(503, "SlowDown", "Please reduce your request rate.");
    case 2:
      return ScriptedHttpClient::fail(TransportError::kConnectionLost, "Connection reset by peer");
    case 3:
      return ScriptedHttpClient::fail(TransportError::kTimeout, "Operation timed out");
    default:
      return inner_->send(request, body_padding);
  }
}

size_t FaultInjectingHttpClient::faults() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return faults_;
}

}  // namespace sparkify::io::http
