#include "exec/dist/rank_work.h"

#include "common/wire.h"

namespace sparkify::exec {

namespace {

Status unreadable(const char* what) {
  return Status::Internal(std::string("a rank sent unreadable ") + what);
}

void put_nullable(WireWriter& w, const model::NullableString& s) {
  w.put<uint8_t>(s.valid);
  if (s.valid) w.put_string(s.value);
}

bool get_nullable(WireReader& r, model::NullableString& s) {
  uint8_t valid = 0;
  if (!r.get(valid)) return false;
  s.valid = valid != 0;
  s.value = {};
  return !s.valid || r.get_view(s.value);
}

}  // namespace

std::vector<FileRange> split_by_size(std::span<const uint64_t> sizes, int ranks) {
  std::vector<FileRange> out(static_cast<size_t>(std::max(ranks, 1)));
  uint64_t total = 0;
  for (uint64_t s : sizes) total += s + 1;
  // A file goes to the rank whose share of the bytes holds the file's middle byte: the owner
  // never decreases along the files, so every range is contiguous.
  uint64_t before = 0;
  size_t rank = 0;
  for (size_t i = 0; i < sizes.size(); ++i) {
    uint64_t weight = sizes[i] + 1;
    unsigned __int128 middle = static_cast<unsigned __int128>(before) * 2 + weight;
    size_t owner =
        static_cast<size_t>(middle * out.size() / (static_cast<unsigned __int128>(total) * 2));
    owner = std::min(owner, out.size() - 1);
    while (rank < owner) {
      out[rank].end = i;
      out[++rank].begin = i;
    }
    before += weight;
  }
  out[rank].end = sizes.size();
  for (size_t r = rank + 1; r < out.size(); ++r) out[r] = {sizes.size(), sizes.size()};
  return out;
}

Bytes encode_input_files(const std::vector<source::InputFile>& files) {
  Bytes out;
  WireWriter w(out);
  w.put<uint64_t>(files.size());
  for (const auto& f : files) {
    w.put_string(f.path);
    w.put_string(f.relative);
    w.put<uint64_t>(f.size);
    w.put<uint8_t>(f.gzip);
  }
  return out;
}

Result<std::vector<source::InputFile>> decode_input_files(std::span<const uint8_t> bytes) {
  WireReader r(bytes);
  uint64_t n = 0;
  if (!r.get(n)) return unreadable("a file list");
  std::vector<source::InputFile> files;
  for (uint64_t i = 0; i < n; ++i) {
    source::InputFile f;
    uint8_t gzip = 0;
    if (!r.get_string(f.path) || !r.get_string(f.relative) || !r.get(f.size) || !r.get(gzip)) {
      return unreadable("a file list");
    }
    f.gzip = gzip != 0;
    files.push_back(std::move(f));
  }
  if (!r.done()) return unreadable("a file list");
  return files;
}

Bytes encode_song_records(const std::vector<std::vector<model::SongRecord>>& per_file) {
  Bytes out;
  WireWriter w(out);
  w.put<uint64_t>(per_file.size());
  for (const auto& records : per_file) {
    w.put<uint64_t>(records.size());
    for (const auto& s : records) {
      w.put_string(s.song_id);
      w.put_string(s.artist_id);
      put_nullable(w, s.title);
      put_nullable(w, s.artist_name);
      put_nullable(w, s.artist_location);
      w.put_optional(s.year);
      w.put_optional(s.duration);
      w.put_optional(s.latitude);
      w.put_optional(s.longitude);
    }
  }
  return out;
}

Status decode_song_records(std::span<const uint8_t> bytes,
                           std::vector<std::vector<model::SongRecord>>& per_file) {
  WireReader r(bytes);
  uint64_t files = 0;
  if (!r.get(files)) return unreadable("song records");
  for (uint64_t f = 0; f < files; ++f) {
    uint64_t n = 0;
    if (!r.get(n)) return unreadable("song records");
    auto& records = per_file.emplace_back();
    records.resize(n);
    for (auto& s : records) {
      if (!r.get_view(s.song_id) || !r.get_view(s.artist_id) || !get_nullable(r, s.title) ||
          !get_nullable(r, s.artist_name) || !get_nullable(r, s.artist_location) ||
          !r.get_optional(s.year) || !r.get_optional(s.duration) || !r.get_optional(s.latitude) ||
          !r.get_optional(s.longitude)) {
        return unreadable("song records");
      }
    }
  }
  return r.done() ? Status::OK() : unreadable("song records");
}

Bytes encode_rejects(const std::vector<model::RejectRecord>& rejects) {
  Bytes out;
  WireWriter w(out);
  w.put<uint64_t>(rejects.size());
  for (const auto& j : rejects) {
    w.put_string(j.source);
    w.put<uint64_t>(j.line);
    w.put<uint64_t>(j.offset);
    w.put_string(j.reason);
    w.put_string(j.raw);
  }
  return out;
}

Status decode_rejects(std::span<const uint8_t> bytes, std::vector<model::RejectRecord>& out) {
  WireReader r(bytes);
  uint64_t n = 0;
  if (!r.get(n)) return unreadable("rejects");
  for (uint64_t i = 0; i < n; ++i) {
    model::RejectRecord j;
    if (!r.get_string(j.source) || !r.get(j.line) || !r.get(j.offset) || !r.get_string(j.reason) ||
        !r.get_string(j.raw)) {
      return unreadable("rejects");
    }
    out.push_back(std::move(j));
  }
  return r.done() ? Status::OK() : unreadable("rejects");
}

Bytes encode_strings(const std::vector<std::string>& strings) {
  Bytes out;
  WireWriter w(out);
  w.put<uint64_t>(strings.size());
  for (const auto& s : strings) w.put_string(s);
  return out;
}

Status decode_strings(std::span<const uint8_t> bytes, std::vector<std::string>& out) {
  WireReader r(bytes);
  uint64_t n = 0;
  if (!r.get(n)) return unreadable("file names");
  for (uint64_t i = 0; i < n; ++i) {
    if (!r.get_string(out.emplace_back())) return unreadable("file names");
  }
  return r.done() ? Status::OK() : unreadable("file names");
}

Bytes encode_pending(const std::vector<io::PendingFile>& files) {
  Bytes out;
  WireWriter w(out);
  w.put<uint64_t>(files.size());
  for (const auto& f : files) {
    w.put_string(f.path);
    w.put_string(f.upload_id);
    w.put<uint64_t>(f.etags.size());
    for (const auto& e : f.etags) w.put_string(e);
  }
  return out;
}

Status decode_pending(std::span<const uint8_t> bytes, std::vector<io::PendingFile>& out) {
  WireReader r(bytes);
  uint64_t n = 0;
  if (!r.get(n)) return unreadable("pending uploads");
  for (uint64_t i = 0; i < n; ++i) {
    io::PendingFile f;
    uint64_t parts = 0;
    if (!r.get_string(f.path) || !r.get_string(f.upload_id) || !r.get(parts)) {
      return unreadable("pending uploads");
    }
    for (uint64_t p = 0; p < parts; ++p) {
      if (!r.get_string(f.etags.emplace_back())) return unreadable("pending uploads");
    }
    out.push_back(std::move(f));
  }
  return r.done() ? Status::OK() : unreadable("pending uploads");
}

}  // namespace sparkify::exec
