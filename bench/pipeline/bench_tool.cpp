// Helpers for bench/run.mjs that Node cannot do well: run a command and report its wall time,
// CPU time and peak RSS (wait4's rusage), and measure this machine's floor for the ETL's I/O —
// list and read every input file once, then create as many folders and files, of the same sizes,
// as a given lake holds. Prints one JSON object on stdout.
//
//   sparkify_bench_tool run [--stdout F] [--stderr F] -- CMD ARGS...
//   sparkify_bench_tool floor --input DIR --lake DIR --scratch DIR [--threads N]
#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "common/parallel.h"

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// CPU seconds (user + system) this process has used: on a shared machine CPU time is the figure
// that other tenants disturb least.
double cpu_seconds() {
  struct rusage u {};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec +
         u.ru_stime.tv_usec / 1e6;
}

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr, "sparkify_bench_tool: %s\n", why);
  std::fprintf(stderr,
               "usage: sparkify_bench_tool run [--stdout F] [--stderr F] -- CMD ARGS...\n"
               "       sparkify_bench_tool floor --input DIR --lake DIR --scratch DIR "
               "[--threads N]\n");
  std::exit(2);
}

int run_command(int argc, char** argv) {
  std::string out_path = "/dev/null", err_path = "/dev/null";
  int i = 0;
  for (; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (a == "--stdout" && i + 1 < argc) {
      out_path = argv[++i];
    } else if (a == "--stderr" && i + 1 < argc) {
      err_path = argv[++i];
    } else {
      usage(("unknown option " + a).c_str());
    }
  }
  if (i >= argc) usage("run needs a command after --");
  auto started = Clock::now();
  pid_t pid = fork();
  if (pid < 0) usage("fork failed");
  if (pid == 0) {
    int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0 || err < 0) _exit(126);
    dup2(out, 1);
    dup2(err, 2);
    execvp(argv[i], argv + i);
    _exit(127);
  }
  int status = 0;
  struct rusage usage_info {};
  while (wait4(pid, &status, 0, &usage_info) < 0) {
    if (errno != EINTR) usage("wait4 failed");
  }
  double wall = since(started);
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  auto secs = [](const timeval& tv) { return tv.tv_sec + tv.tv_usec / 1e6; };
  std::printf(
      "{\"wall_s\": %.6f, \"user_s\": %.6f, \"sys_s\": %.6f, \"max_rss_kb\": %ld, "
      "\"exit_code\": %d}\n",
      wall, secs(usage_info.ru_utime), secs(usage_info.ru_stime), usage_info.ru_maxrss, code);
  return 0;
}

struct Entry {
  std::string path;  // relative
  bool is_dir;
  uint64_t size;
};

// One getdents pass per folder, no stat per file: what a good ETL listing costs.
void walk(const std::string& root, const std::string& rel, bool want_sizes, bool skip_hidden,
          std::vector<Entry>& out) {
  std::string dir_path = rel.empty() ? root : root + "/" + rel;
  DIR* dir = opendir(dir_path.c_str());
  if (dir == nullptr) usage(("cannot list " + dir_path).c_str());
  while (dirent* e = readdir(dir)) {
    // Hidden and '_' names are skipped, as the ETL's discovery skips them (SPEC §2).
    if (skip_hidden && (e->d_name[0] == '.' || e->d_name[0] == '_')) continue;
    if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
    std::string child = rel.empty() ? e->d_name : rel + "/" + e->d_name;
    if (e->d_type == DT_DIR) {
      out.push_back({child, true, 0});
      walk(root, child, want_sizes, skip_hidden, out);
    } else {
      uint64_t size = 0;
      if (want_sizes) {
        struct stat st;
        if (fstatat(dirfd(dir), e->d_name, &st, 0) == 0) size = static_cast<uint64_t>(st.st_size);
      }
      out.push_back({child, false, size});
    }
  }
  closedir(dir);
}

int floor_command(int argc, char** argv) {
  std::string input, lake, scratch;
  int threads = sparkify::default_thread_count();
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(("missing value for " + a).c_str());
      return argv[++i];
    };
    if (a == "--input") {
      input = value();
    } else if (a == "--lake") {
      lake = value();
    } else if (a == "--scratch") {
      scratch = value();
    } else if (a == "--threads") {
      threads = std::max(1, std::atoi(value().c_str()));
    } else {
      usage(("unknown option " + a).c_str());
    }
  }
  if (input.empty() || lake.empty() || scratch.empty())
    usage("floor needs --input, --lake, --scratch");

  // 1. List and read every input file once, on `threads` threads.
  double cpu_before_read = cpu_seconds();
  auto t0 = Clock::now();
  std::vector<Entry> inputs;
  walk(input, "", false, /*skip_hidden=*/true, inputs);
  double list_s = since(t0);
  std::vector<std::string> files;
  for (const auto& e : inputs) {
    if (!e.is_dir) files.push_back(input + "/" + e.path);
  }
  std::vector<std::vector<char>> buffers(threads, std::vector<char>(1 << 20));
  std::vector<uint64_t> bytes(threads, 0);
  auto t1 = Clock::now();
  sparkify::Status st = sparkify::parallel_for(files.size(), threads, [&](size_t i, int w) {
    int fd = open(files[i].c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return sparkify::Status::IoError("cannot read " + files[i]);
    struct stat s;
    fstat(fd, &s);
    auto& buf = buffers[w];
    if (buf.size() < static_cast<size_t>(s.st_size)) buf.resize(static_cast<size_t>(s.st_size));
    ssize_t n;
    while ((n = read(fd, buf.data(), buf.size())) > 0) bytes[w] += static_cast<uint64_t>(n);
    close(fd);
    return sparkify::Status::OK();
  });
  if (!st.ok()) usage(st.message().c_str());
  double read_s = since(t1);
  double read_cpu_s = cpu_seconds() - cpu_before_read;
  uint64_t input_bytes = 0;
  for (uint64_t b : bytes) input_bytes += b;

  // 2. Create the lake's folders (parents first, a depth at a time) and files of its sizes.
  std::vector<Entry> lake_entries;
  walk(lake, "", true, /*skip_hidden=*/false, lake_entries);
  std::map<size_t, std::vector<std::string>> dirs_by_depth;
  std::vector<const Entry*> out_files;
  uint64_t lake_bytes = 0, max_size = 0;
  for (const auto& e : lake_entries) {
    if (e.is_dir) {
      dirs_by_depth[std::count(e.path.begin(), e.path.end(), '/')].push_back(scratch + "/" +
                                                                             e.path);
    } else {
      out_files.push_back(&e);
      lake_bytes += e.size;
      max_size = std::max(max_size, e.size);
    }
  }
  std::filesystem::remove_all(scratch);
  std::vector<char> zeros(std::max<uint64_t>(max_size, 1), 'x');
  double cpu_before_create = cpu_seconds();
  auto t2 = Clock::now();
  if (mkdir(scratch.c_str(), 0755) != 0) usage(("cannot create " + scratch).c_str());
  size_t n_dirs = 0;
  for (const auto& [depth, dirs] : dirs_by_depth) {
    n_dirs += dirs.size();
    st = sparkify::parallel_for(dirs.size(), threads, [&](size_t i, int) {
      if (mkdir(dirs[i].c_str(), 0755) != 0) return sparkify::Status::IoError("mkdir " + dirs[i]);
      return sparkify::Status::OK();
    });
    if (!st.ok()) usage(st.message().c_str());
  }
  st = sparkify::parallel_for(out_files.size(), threads, [&](size_t i, int) {
    std::string path = scratch + "/" + out_files[i]->path;
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return sparkify::Status::IoError("cannot create " + path);
    size_t left = out_files[i]->size;
    while (left > 0) {
      ssize_t n = write(fd, zeros.data(), left);
      if (n <= 0) break;
      left -= static_cast<size_t>(n);
    }
    close(fd);
    return sparkify::Status::OK();
  });
  if (!st.ok()) usage(st.message().c_str());
  double create_s = since(t2);
  double create_cpu_s = cpu_seconds() - cpu_before_create;
  std::filesystem::remove_all(scratch);  // outside the timing

  std::printf(
      "{\"threads\": %d, \"list_s\": %.6f, \"read_s\": %.6f, \"input_files\": %zu, "
      "\"input_bytes\": %llu, \"create_s\": %.6f, \"lake_dirs\": %zu, \"lake_files\": %zu, "
      "\"lake_bytes\": %llu, \"total_s\": %.6f, \"cpu_s\": %.6f}\n",
      threads, list_s, read_s, files.size(), static_cast<unsigned long long>(input_bytes), create_s,
      n_dirs, out_files.size(), static_cast<unsigned long long>(lake_bytes),
      list_s + read_s + create_s, read_cpu_s + create_cpu_s);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) usage("missing subcommand");
  std::string sub = argv[1];
  if (sub == "run") return run_command(argc - 2, argv + 2);
  if (sub == "floor") return floor_command(argc - 2, argv + 2);
  usage(("unknown subcommand " + sub).c_str());
}
