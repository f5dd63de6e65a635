// The public parsers and the choice of parsing kernel (see parse_kernel.h).
#include "parse/json_parsers.h"

#include <simdjson.h>

#include <algorithm>

#include "parse/parse_kernel.h"

#if SPARKIFY_PARSE_KERNEL_ICELAKE
SPARKIFY_DECLARE_PARSE_KERNEL(kernel_icelake)
#endif
#if SPARKIFY_PARSE_KERNEL_HASWELL
SPARKIFY_DECLARE_PARSE_KERNEL(kernel_haswell)
#endif
#if SPARKIFY_PARSE_KERNEL_WESTMERE
SPARKIFY_DECLARE_PARSE_KERNEL(kernel_westmere)
#endif
#if SPARKIFY_PARSE_KERNEL_FALLBACK
SPARKIFY_DECLARE_PARSE_KERNEL(kernel_fallback)
#endif
#if SPARKIFY_PARSE_KERNEL_BUILTIN
SPARKIFY_DECLARE_PARSE_KERNEL(kernel_builtin)
#endif

namespace sparkify::parse {

void keep_raw(model::RejectRecord& reject, std::string_view start, uint64_t record_bytes) {
  size_t kept = static_cast<size_t>(std::min<uint64_t>(record_bytes, start.size()));
  if (record_bytes > model::kRejectRawBytes && start.size() >= model::kRejectRawBytes) {
    kept = model::kRejectRawBytes;
    // The last character's lead byte: back over continuation bytes (10xxxxxx), three at most.
    size_t lead = kept;
    auto byte = [&](size_t i) { return static_cast<unsigned char>(start[i]); };
    while (lead > 0 && kept - lead < 3 && (byte(lead - 1) & 0xC0) == 0x80) --lead;
    if (lead > 0) {
      unsigned char b = byte(lead - 1);
      size_t length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
      if (kept - (lead - 1) < length) kept = lead - 1;  // the cut splits it: keep none of it
    }
    reject.reason += "; raw text: its first " + std::to_string(kept) + " of " +
                     std::to_string(record_bytes) + " bytes";
  }
  reject.raw = std::string(start.substr(0, kept));
}

model::RejectRecord long_record_reject(std::string_view source, std::string_view kind,
                                       uint64_t line, uint64_t offset, uint64_t length,
                                       uint64_t max_length, std::string_view start) {
  model::RejectRecord r;
  r.source = std::string(source);
  r.line = line;
  r.offset = offset;
  r.reason = std::string(kind) + " too long: " + std::to_string(length) + " bytes, at most " +
             std::to_string(max_length) + " (not parsed)";
  keep_raw(r, start, length);
  return r;
}

namespace {

struct KernelEntry {
  const char* (*name)();
  std::unique_ptr<SongKernel> (*make_song)();
  std::unique_ptr<EventKernel> (*make_event)(bool batch_lines);
};

#define SPARKIFY_KERNEL_ENTRY(ns) \
  KernelEntry{ns::kernel_name, ns::make_song_kernel, ns::make_event_kernel},

// Best first: the first one this CPU runs is the default.
const KernelEntry kKernels[] = {
#if SPARKIFY_PARSE_KERNEL_ICELAKE
    SPARKIFY_KERNEL_ENTRY(kernel_icelake)
#endif
#if SPARKIFY_PARSE_KERNEL_HASWELL
        SPARKIFY_KERNEL_ENTRY(kernel_haswell)
#endif
#if SPARKIFY_PARSE_KERNEL_WESTMERE
            SPARKIFY_KERNEL_ENTRY(kernel_westmere)
#endif
#if SPARKIFY_PARSE_KERNEL_FALLBACK
                SPARKIFY_KERNEL_ENTRY(kernel_fallback)
#endif
#if SPARKIFY_PARSE_KERNEL_BUILTIN
                    SPARKIFY_KERNEL_ENTRY(kernel_builtin)
#endif
};

// simdjson's run-time implementation of that instruction set, when this CPU (and OS) runs it.
const simdjson::implementation* runnable(const KernelEntry& kernel) {
  const simdjson::implementation* impl = simdjson::get_available_implementations()[kernel.name()];
  return impl != nullptr && impl->supported_by_runtime_system() ? impl : nullptr;
}

// Uses `kernel` from now on, with simdjson's stage 1 on the same instruction set.
const KernelEntry* activate(const KernelEntry* kernel) {
  if (const simdjson::implementation* impl = runnable(*kernel)) {
    simdjson::get_active_implementation() = impl;
  }
  return kernel;
}

const KernelEntry* best_kernel() {
  for (const KernelEntry& kernel : kKernels) {
    if (runnable(kernel)) return activate(&kernel);
  }
  // simdjson always has its portable fallback, so this is reached only when the fallback kernel
  // was not compiled in: the last one (the most portable) is the best guess.
  return &kKernels[std::size(kKernels) - 1];
}

const KernelEntry*& current_kernel() {
  static const KernelEntry* kernel = best_kernel();
  return kernel;
}

}  // namespace

const char* parse_kernel_name() { return current_kernel()->name(); }

std::vector<std::string> supported_parse_kernels() {
  std::vector<std::string> names;
  for (const KernelEntry& kernel : kKernels) {
    if (runnable(kernel)) names.emplace_back(kernel.name());
  }
  return names;
}

Status set_parse_kernel(std::string_view name) {
  if (name == "auto") {
    current_kernel() = best_kernel();
    return Status::OK();
  }
  std::string known;
  for (const KernelEntry& kernel : kKernels) {
    if (name != kernel.name()) {
      known += (known.empty() ? "" : ", ") + std::string(kernel.name());
      continue;
    }
    if (!runnable(kernel)) {
      return Status::NotSupported("JSON parse kernel " + std::string(name) +
                                  " needs instructions this CPU does not have");
    }
    current_kernel() = activate(&kernel);
    return Status::OK();
  }
  return Status::Invalid("unknown JSON parse kernel \"" + std::string(name) +
                         "\" (this build has: " + known + ", or auto)");
}

struct SongParser::Impl {
  std::unique_ptr<SongKernel> kernel = current_kernel()->make_song();
};

SongParser::SongParser() : impl_(std::make_unique<Impl>()) {}
SongParser::~SongParser() = default;
SongParser::SongParser(SongParser&&) noexcept = default;
SongParser& SongParser::operator=(SongParser&&) noexcept = default;

void SongParser::parse_file(std::string_view source, const Buffer& data, model::StringArena& arena,
                            std::vector<model::SongRecord>& out,
                            std::vector<model::RejectRecord>& rejects, ParseStats& stats) {
  impl_->kernel->parse_file(source, data, arena, out, rejects, stats);
}

struct EventParser::Impl {
  std::unique_ptr<EventKernel> kernel;
};

EventParser::EventParser(LineBatching batching)
    : impl_(std::make_unique<Impl>(
          Impl{current_kernel()->make_event(batching == LineBatching::kWindows)})) {}
EventParser::~EventParser() = default;
EventParser::EventParser(EventParser&&) noexcept = default;
EventParser& EventParser::operator=(EventParser&&) noexcept = default;

void EventParser::parse_file(std::string_view source, const Buffer& data, model::EventSink& sink,
                             std::vector<model::RejectRecord>& rejects, ParseStats& stats) {
  impl_->kernel->parse_file(source, data, sink, rejects, stats);
}

}  // namespace sparkify::parse
