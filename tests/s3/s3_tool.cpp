// sparkify_s3_tool: a small command-line driver over sparkify's FileSystem, so the loopback-S3
// tests and the S3 benchmark can exercise list/read/read_many/write/batch write/remove from Node
// and check the results with an independent client. Test tooling: it prints, the library doesn't.
//
//   sparkify_s3_tool [options] COMMAND ARGS
//   list URL                  one "path<TAB>size" line per file, sorted
//   cat URL                   the object's bytes on stdout
//   exists URL                "true" or "false"
//   get-tree URL DIR          read_many every file under URL into DIR (DIR "-" keeps them in
//   memory) put FILE URL              write one file (multipart above --multipart-threshold)
//   put-tree DIR URL          batch-write every file under DIR below URL
//   put-many URL N SIZE [flat] [pending]  batch-write N generated objects of SIZE bytes below
//                             URL, in 100 folders (or all in one folder with "flat"); "pending":
//                             as uncompleted multipart uploads, then complete them all
//   rm URL...                 remove_files
//   rm-all URL                remove_all
// Options: --endpoint URL --region R --access-key K --secret-key S --session-token T
//   --config dl.cfg --connections N --no-verify-tls --max-attempts N --budget-ms N
//   --multipart-threshold BYTES --part-size BYTES
// A summary line "files=N bytes=B seconds=S" goes to stderr for get-tree/put-tree/put-many.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "io/file_system.h"
#include "io/local/local_file_system.h"
#include "io/s3/s3_file_system.h"
#include "io/storage_options.h"

using namespace sparkify;
namespace fsys = std::filesystem;

namespace {

int fail(const Status& status) {
  std::fprintf(stderr, "error (%s): %s\n", error_code_name(status.code()),
               status.message().c_str());
  return 1;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

Result<Buffer> read_local(const std::string& path) {
  io::LocalFileSystem local;
  return local.read(path);
}

}  // namespace

int main(int argc, char** argv) {
  io::StorageSettings flags;
  io::s3::S3Config config;
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "error: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--endpoint")
      flags.endpoint = value();
    else if (a == "--region")
      flags.region = value();
    else if (a == "--access-key")
      flags.access_key_id = value();
    else if (a == "--secret-key")
      flags.secret_access_key = value();
    else if (a == "--session-token")
      flags.session_token = value();
    else if (a == "--config")
      flags.config_path = value();
    else if (a == "--connections")
      flags.max_connections = std::stoi(value());
    else if (a == "--no-verify-tls")
      flags.verify_tls = false;
    else if (a == "--max-attempts")
      config.retry.max_attempts = std::stoi(value());
    else if (a == "--budget-ms")
      config.retry.total_budget = std::chrono::milliseconds(std::stol(value()));
    else if (a == "--multipart-threshold")
      config.multipart_threshold = std::stoull(value());
    else if (a == "--part-size")
      config.part_size = std::stoull(value());
    else
      args.push_back(a);
  }
  if (args.empty()) {
    std::fprintf(stderr, "usage: sparkify_s3_tool [options] COMMAND ARGS (see the source)\n");
    return 2;
  }
  auto options = io::resolve_storage_options(flags);
  if (!options.ok()) return fail(options.status());
  options->debug = [](const std::string& note) {
    std::fprintf(stderr, "debug: %s\n", note.c_str());
  };
  auto made = io::s3::S3FileSystem::Make(*options, config);
  if (!made.ok()) return fail(made.status());
  io::s3::S3FileSystem& s3 = **made;
  const std::string& cmd = args[0];
  auto need = [&](size_t n) {
    if (args.size() != n + 1) {
      std::fprintf(stderr, "error: %s takes %zu argument(s)\n", cmd.c_str(), n);
      std::exit(2);
    }
  };
  auto start = std::chrono::steady_clock::now();

  if (cmd == "list") {
    need(1);
    auto files = s3.list(args[1]);
    if (!files.ok()) return fail(files.status());
    std::sort(files->begin(), files->end(),
              [](const auto& a, const auto& b) { return a.path < b.path; });
    for (const auto& f : *files)
      std::printf("%s\t%llu\n", f.path.c_str(), (unsigned long long)f.size);
    return 0;
  }
  if (cmd == "cat") {
    need(1);
    auto buffer = s3.read(args[1]);
    if (!buffer.ok()) return fail(buffer.status());
    std::fwrite(buffer->data(), 1, buffer->size(), stdout);
    return 0;
  }
  if (cmd == "cat-range") {  // cat-range URL OFFSET LENGTH [ETAG]: one ranged read
    if (args.size() != 5) need(3);
    Buffer buffer;
    Status st = s3.read_range(args[1], std::stoull(args[2]), std::stoull(args[3]), buffer, 0,
                              args.size() == 5 ? args[4] : std::string());
    if (!st.ok()) return fail(st);
    std::fwrite(buffer.data(), 1, buffer.size(), stdout);
    return 0;
  }
  if (cmd == "cat-by-ranges") {  // cat-by-ranges URL PIECE: the whole object, piece by piece
    need(2);
    uint64_t piece = std::stoull(args[2]), offset = 0;
    Buffer buffer;
    do {
      Status st = s3.read_range(args[1], offset, piece, buffer);
      if (!st.ok()) return fail(st);
      std::fwrite(buffer.data(), 1, buffer.size(), stdout);
      offset += buffer.size();
    } while (buffer.size() == piece);
    return 0;
  }
  if (cmd == "exists") {
    need(1);
    auto e = s3.exists(args[1]);
    if (!e.ok()) return fail(e.status());
    std::printf("%s\n", *e ? "true" : "false");
    return 0;
  }
  if (cmd == "get-tree") {
    need(2);
    auto files = s3.list(args[1]);
    if (!files.ok()) return fail(files.status());
    std::vector<std::string> urls;
    for (const auto& f : *files) urls.push_back(io::FileSystem::join(args[1], f.path));
    size_t bytes = 0;
    bool keep = args[2] != "-";
    Status st = s3.read_many(urls, 64, [&](size_t i, Buffer b) {
      bytes += b.size();
      if (!keep) return Status::OK();
      fsys::path out = fsys::path(args[2]) / (*files)[i].path;
      std::error_code ec;
      fsys::create_directories(out.parent_path(), ec);
      std::ofstream f(out, std::ios::binary);
      f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
      if (!f) return Status::IoError("cannot write " + out.string());
      return Status::OK();
    });
    if (!st.ok()) return fail(st);
    std::fprintf(stderr, "files=%zu bytes=%zu seconds=%.3f\n", urls.size(), bytes,
                 seconds_since(start));
    return 0;
  }
  if (cmd == "put") {
    need(2);
    auto data = read_local(args[1]);
    if (!data.ok()) return fail(data.status());
    Status st = s3.write(args[2], data->bytes());
    if (!st.ok()) return fail(st);
    return 0;
  }
  if (cmd == "put-tree") {
    need(2);
    io::LocalFileSystem local;
    auto files = local.list(args[1]);
    if (!files.ok()) return fail(files.status());
    auto writer = s3.batch_writer();
    size_t bytes = 0;
    for (const auto& f : *files) {
      auto data = local.read(io::FileSystem::join(args[1], f.path));
      if (!data.ok()) return fail(data.status());
      bytes += data->size();
      Status st = writer->write(io::FileSystem::join(args[2], f.path), std::move(*data));
      if (!st.ok()) return fail(st);
    }
    Status st = writer->finish();
    if (!st.ok()) return fail(st);
    std::fprintf(stderr, "files=%zu bytes=%zu seconds=%.3f\n", files->size(), bytes,
                 seconds_since(start));
    return 0;
  }
  if (cmd == "put-many") {
    bool flat = false, pending = false;
    for (size_t a = 4; a < args.size(); ++a) {
      if (args[a] == "flat")
        flat = true;
      else if (args[a] == "pending")
        pending = true;
      else
        need(3);
    }
    if (args.size() < 4) need(3);
    size_t n = std::stoull(args[2]), size = std::stoull(args[3]);
    io::PendingFiles staged;
    auto writer = pending ? s3.pending_writer(staged) : s3.batch_writer();
    for (size_t i = 0; i < n; ++i) {
      // Content names its own index so a mixed-up or truncated object is detectable.
      std::string text = "{\"object\": " + std::to_string(i) + ", \"pad\": \"";
      while (text.size() + 3 < size)
        text.push_back(static_cast<char>('a' + (i + text.size()) % 26));
      text += "\"}\n";
      char name[64];
      if (flat) {
        std::snprintf(name, sizeof name, "obj-%06zu.json", i);
      } else {
        std::snprintf(name, sizeof name, "%02zu/obj-%06zu.json", i % 100, i);
      }
      Buffer b = Buffer::CopyOf({reinterpret_cast<const uint8_t*>(text.data()), text.size()});
      Status st = writer->write(io::FileSystem::join(args[1], name), std::move(b));
      if (!st.ok()) return fail(st);
    }
    Status st = writer->finish();
    if (!st.ok()) return fail(st);
    if (pending) {
      double staged_seconds = seconds_since(start);
      auto completing = std::chrono::steady_clock::now();
      st = s3.complete_pending(staged.take());
      if (!st.ok()) return fail(st);
      std::fprintf(stderr, "staged_seconds=%.3f complete_seconds=%.3f ", staged_seconds,
                   seconds_since(completing));
    }
    std::fprintf(stderr, "files=%zu bytes=%zu seconds=%.3f\n", n, n * size, seconds_since(start));
    return 0;
  }
  if (cmd == "rm") {
    std::vector<std::string> urls(args.begin() + 1, args.end());
    Status st = s3.remove_files(urls);
    if (!st.ok()) return fail(st);
    return 0;
  }
  if (cmd == "rm-all") {
    need(1);
    Status st = s3.remove_all(args[1]);
    if (!st.ok()) return fail(st);
    return 0;
  }
  std::fprintf(stderr, "error: unknown command %s\n", cmd.c_str());
  return 2;
}
