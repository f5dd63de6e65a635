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

// Every message below is a list: its length, then each item as put_one writes it.
template <typename T, typename Put>
Bytes encode_list(const std::vector<T>& items, Put&& put_one) {
  Bytes out;
  WireWriter w(out);
  w.put<uint64_t>(items.size());
  for (const T& item : items) put_one(w, item);
  return out;
}

// Reads a list written by encode_list, appending to `out`; get_one returns false on bad bytes.
template <typename T, typename Get>
Status decode_list(std::span<const uint8_t> bytes, const char* what, std::vector<T>& out,
                   Get&& get_one) {
  WireReader r(bytes);
  uint64_t n = 0;
  if (!r.get(n)) return unreadable(what);
  for (uint64_t i = 0; i < n; ++i) {
    if (!get_one(r, out.emplace_back())) return unreadable(what);
  }
  return r.done() ? Status::OK() : unreadable(what);
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
  return encode_list(files, [](WireWriter& w, const source::InputFile& f) {
    w.put_string(f.path);
    w.put_string(f.relative);
    w.put<uint64_t>(f.size);
    w.put_string(f.version);
    w.put<uint8_t>(f.gzip);
  });
}

Result<std::vector<source::InputFile>> decode_input_files(std::span<const uint8_t> bytes) {
  std::vector<source::InputFile> files;
  SPARKIFY_RETURN_NOT_OK(
      decode_list(bytes, "a file list", files, [](WireReader& r, source::InputFile& f) {
        uint8_t gzip = 0;
        if (!r.get_string(f.path) || !r.get_string(f.relative) || !r.get(f.size) ||
            !r.get_string(f.version) || !r.get(gzip)) {
          return false;
        }
        f.gzip = gzip != 0;
        return true;
      }));
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
  return encode_list(rejects, [](WireWriter& w, const model::RejectRecord& j) {
    w.put_string(j.source);
    w.put<uint64_t>(j.line);
    w.put<uint64_t>(j.offset);
    w.put_string(j.reason);
    w.put_string(j.raw);
  });
}

Status decode_rejects(std::span<const uint8_t> bytes, std::vector<model::RejectRecord>& out) {
  return decode_list(bytes, "rejects", out, [](WireReader& r, model::RejectRecord& j) {
    return r.get_string(j.source) && r.get(j.line) && r.get(j.offset) && r.get_string(j.reason) &&
           r.get_string(j.raw);
  });
}

Bytes encode_strings(const std::vector<std::string>& strings) {
  return encode_list(strings, [](WireWriter& w, const std::string& s) { w.put_string(s); });
}

Status decode_strings(std::span<const uint8_t> bytes, std::vector<std::string>& out) {
  return decode_list(bytes, "file names", out,
                     [](WireReader& r, std::string& s) { return r.get_string(s); });
}

}  // namespace sparkify::exec
