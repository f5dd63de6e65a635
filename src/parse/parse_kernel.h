// Internal to parse/: the parsing kernels. The code that drives simdjson On-Demand
// (json_parsers_kernel.cpp, value_reader.cpp) is compiled once per instruction set, each copy in
// its own namespace (sparkify::parse::kernel_<name>, <name> being simdjson's: fallback, westmere,
// haswell, icelake), because On-Demand picks its SIMD code at compile time. json_parsers.cpp
// picks one copy at run time, the way simdjson picks its own stage-1 kernels, and the public
// SongParser/EventParser forward each file to it (one indirect call per file, none per record).
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "common/buffer.h"
#include "model/records.h"
#include "model/string_arena.h"
#include "parse/json_parsers.h"

namespace sparkify::parse {

class SongKernel {
 public:
  virtual ~SongKernel() = default;
  virtual void parse_file(std::string_view source, const Buffer& data, model::StringArena& arena,
                          std::vector<model::SongRecord>& out,
                          std::vector<model::RejectRecord>& rejects, ParseStats& stats) = 0;
};

class EventKernel {
 public:
  virtual ~EventKernel() = default;
  virtual void parse_file(std::string_view source, const Buffer& data, model::EventSink& sink,
                          std::vector<model::RejectRecord>& rejects, ParseStats& stats) = 0;
};

}  // namespace sparkify::parse

// What each kernel's translation unit defines, in namespace sparkify::parse::kernel_<name>.
#define SPARKIFY_DECLARE_PARSE_KERNEL(ns)                           \
  namespace sparkify::parse::ns {                                   \
  /* simdjson's name for the instruction set compiled in */         \
  const char* kernel_name();                                        \
  std::unique_ptr<SongKernel> make_song_kernel();                   \
  std::unique_ptr<EventKernel> make_event_kernel(bool batch_lines); \
  }
