// Mutation fuzzing of the Parquet reader, built with AddressSanitizer and UBSan: thousands of
// damaged files (bit flips, overwritten bytes, truncations, huge varints and lengths, spliced
// pages) must each end in a Status — never a crash, a sanitizer report, a hang or a giant
// allocation — and whatever does read back must be internally consistent.
//
// Usage: parquet_fuzz_test [FIXTURE_DIR [ITERATIONS_PER_SEED [CORPUS_DIR]]]
// Seeds are files our writer makes (every codec, dictionary and PLAIN, several pages and row
// groups), the DuckDB-written fixtures in FIXTURE_DIR (v2 pages, DELTA encodings), and the files
// of the Apache Parquet test corpus in CORPUS_DIR that read cleanly (INT96, FLOAT, decimals,
// FIXED_LEN_BYTE_ARRAY, LZ4, Brotli, BYTE_STREAM_SPLIT, …; fewer mutations each). Every corpus
// file, bad_data/ included, is also read undamaged. Successful reads are rendered as JSON too.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "parquet/file_reader.h"
#include "parquet/file_writer.h"
#include "parquet/value_json.h"

using namespace sparkify;
using namespace sparkify::parquet;

namespace {

using Bytes = std::vector<uint8_t>;

Bytes write_seed(Codec codec, bool dictionary, size_t rows, size_t page_bytes,
                 size_t row_group_bytes) {
  Schema schema{
      {ColumnSchema::Boolean("b"), ColumnSchema::Int32("i32", Repetition::kRequired),
       ColumnSchema::Int64("i64"), ColumnSchema::Double("f"), ColumnSchema::String("s_low"),
       ColumnSchema::String("s_high", Repetition::kRequired), ColumnSchema::TimestampMicros("ts")}};
  WriterOptions options;
  options.codec = codec;
  options.dictionary = dictionary;
  options.page_bytes = page_bytes;
  options.row_group_bytes = row_group_bytes;
  options.dictionary_page_limit = 600;  // the high-cardinality column falls back to PLAIN
  options.key_value_metadata = {{"fuzz", "seed"}};
  std::mt19937_64 rng(rows);
  std::vector<uint8_t> bools, valid;
  std::vector<int32_t> i32;
  std::vector<int64_t> i64;
  std::vector<double> f;
  std::vector<std::string> low, high;
  for (size_t i = 0; i < rows; ++i) {
    bools.push_back(rng() & 1);
    valid.push_back(rng() % 5 != 0);
    i32.push_back(static_cast<int32_t>(rng()));
    i64.push_back(static_cast<int64_t>(rng()));
    f.push_back(static_cast<double>(rng() % 1000) / 7);
    low.push_back("v" + std::to_string(rng() % 6));
    high.push_back(std::to_string(rng()) + "é");
  }
  std::vector<std::string_view> low_v(low.begin(), low.end()), high_v(high.begin(), high.end());
  ColumnView v[7];
  v[0].values = std::span<const uint8_t>(bools);
  v[0].validity = valid;
  v[1].values = std::span<const int32_t>(i32);
  v[2].values = std::span<const int64_t>(i64);
  v[2].validity = valid;
  v[3].values = std::span<const double>(f);
  v[4].values = std::span<const std::string_view>(low_v);
  v[4].validity = valid;
  v[5].values = std::span<const std::string_view>(high_v);
  v[6].values = std::span<const int64_t>(i64);
  BufferOutputStream out;
  auto w = FileWriter::Make(schema, options, &out);
  if (!w.ok() || !(*w)->write_batch(v, rows).ok() || !(*w)->close().ok()) {
    std::fprintf(stderr, "fuzz: cannot write a seed file\n");
    std::exit(1);
  }
  return {out.bytes().begin(), out.bytes().end()};
}

size_t rows_of(const ColumnData& d) {
  return std::visit([](const auto& v) { return v.size(); }, d.values);
}

/// What a successful read promises; a violation is a reader bug even without a crash.
bool consistent(const ColumnData& d, size_t expected_rows) {
  if (rows_of(d) != expected_rows) return false;
  if (!d.validity.empty() && d.validity.size() != expected_rows) return false;
  if (const auto* s = std::get_if<StringColumn>(&d.values)) {
    if (s->offsets.empty() || s->offsets.front() != 0 || s->offsets.back() != s->data.size())
      return false;
    for (size_t i = 1; i < s->offsets.size(); ++i) {
      if (s->offsets[i] < s->offsets[i - 1]) return false;
    }
  }
  return true;
}

struct Stats {
  size_t files = 0, opened = 0, columns_read = 0, columns_failed = 0;
};

/// Reads everything the reader will give; returns false on an inconsistency.
bool exercise(const Bytes& bytes, Stats* stats) {
  ++stats->files;
  auto reader = FileReader::Open(bytes, "fuzz.parquet");
  if (!reader.ok()) {
    if (reader.status().message().find("fuzz.parquet") == std::string::npos) {
      std::fprintf(stderr, "error without the file name: %s\n", reader.status().message().c_str());
      return false;
    }
    return true;
  }
  ++stats->opened;
  FileReader& r = **reader;
  const int columns = static_cast<int>(r.schema().columns.size());
  for (int c = 0; c < columns; ++c) {
    size_t rows_so_far = 0;
    for (int g = 0; g < r.num_row_groups(); ++g) {
      auto part = r.read_column(g, c);
      if (part.ok()) {
        ++stats->columns_read;
        rows_so_far += rows_of(*part);
      } else {
        ++stats->columns_failed;
      }
    }
    auto whole = r.read_column(c);
    if (whole.ok() && !consistent(*whole, static_cast<size_t>(r.num_rows()))) {
      std::fprintf(stderr, "inconsistent column %d: %zu rows for %lld\n", c, rows_of(*whole),
                   static_cast<long long>(r.num_rows()));
      return false;
    }
    if (whole.ok()) {  // the JSON rendering (decimals, timestamps, float16) on whatever decoded
      std::string json;
      for (size_t row = 0; row < rows_of(*whole) && row < 4096; ++row) {
        json.clear();
        (void)append_json_value(r.schema().columns[c], *whole, row, &json);
      }
    }
  }
  return true;
}

/// One random mutation of `in`.
Bytes mutate(const Bytes& in, const std::vector<Bytes>& corpus, std::mt19937_64& rng) {
  Bytes b = in;
  if (b.empty()) return b;
  auto pos = [&]() { return static_cast<size_t>(rng() % b.size()); };
  // Most structure lives in the footer and page headers; aim there half the time.
  auto footer_pos = [&]() {
    size_t tail = std::min<size_t>(b.size(), 64 + rng() % 2048);
    return b.size() - 1 - static_cast<size_t>(rng() % tail);
  };
  switch (rng() % 9) {
    case 0: {  // bit flips anywhere
      for (int k = 1 + static_cast<int>(rng() % 8); k > 0; --k)
        b[pos()] ^= static_cast<uint8_t>(1u << (rng() % 8));
      break;
    }
    case 1: {  // bit flips near the end (footer)
      for (int k = 1 + static_cast<int>(rng() % 4); k > 0; --k)
        b[footer_pos()] ^= static_cast<uint8_t>(1u << (rng() % 8));
      break;
    }
    case 2: {  // interesting byte values
      const uint8_t values[] = {0x00, 0xff, 0x7f, 0x80, 0x01, 0x0f, 0xf0, 0x15, 0x19, 0x1c};
      size_t p = (rng() & 1) ? pos() : footer_pos();
      b[p] = values[rng() % std::size(values)];
      break;
    }
    case 3: {  // truncation
      b.resize(static_cast<size_t>(rng() % b.size()));
      break;
    }
    case 4: {  // truncation that keeps a plausible tail (length + magic)
      if (b.size() > 16) {
        size_t cut = 8 + static_cast<size_t>(rng() % (b.size() - 16));
        b.erase(b.begin() + static_cast<std::ptrdiff_t>(cut), b.end() - 8);
      }
      break;
    }
    case 5: {  // a huge varint written over existing bytes
      const uint8_t huge[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
      size_t n = 2 + static_cast<size_t>(rng() % 9);
      size_t p = (rng() & 1) ? pos() : footer_pos();
      for (size_t k = 0; k < n && p + k < b.size(); ++k) b[p + k] = huge[k];
      break;
    }
    case 6: {  // a huge 32-bit length (footer length, level lengths, PLAIN string lengths)
      const uint32_t lens[] = {0x7fffffffu, 0xffffffffu, 0x80000000u, 0x00ffffffu};
      uint32_t v = lens[rng() % std::size(lens)];
      size_t p = (rng() % 4 == 0 && b.size() >= 8) ? b.size() - 8 : pos();
      for (size_t k = 0; k < 4 && p + k < b.size(); ++k)
        b[p + k] = static_cast<uint8_t>(v >> (8 * k));
      break;
    }
    case 7: {  // splice in bytes from another seed
      const Bytes& other = corpus[rng() % corpus.size()];
      if (!other.empty()) {
        size_t from = static_cast<size_t>(rng() % other.size());
        size_t n = std::min<size_t>(1 + rng() % 64, other.size() - from);
        size_t p = pos();
        for (size_t k = 0; k < n && p + k < b.size(); ++k) b[p + k] = other[from + k];
      }
      break;
    }
    default: {  // insert or delete a few bytes, shifting everything after
      size_t p = pos();
      if (rng() & 1) {
        b.insert(b.begin() + static_cast<std::ptrdiff_t>(p), 1 + rng() % 4,
                 static_cast<uint8_t>(rng()));
      } else {
        b.erase(b.begin() + static_cast<std::ptrdiff_t>(p),
                b.begin() + static_cast<std::ptrdiff_t>(std::min(b.size(), p + 1 + rng() % 4)));
      }
      break;
    }
  }
  return b;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string fixtures = argc > 1 ? argv[1] : "";
  const size_t iterations = argc > 2 ? std::stoul(argv[2]) : 2000;
  const std::string corpus_dir = argc > 3 ? argv[3] : "";

  std::vector<Bytes> corpus;
  for (Codec codec : {Codec::kUncompressed, Codec::kSnappy, Codec::kZstd, Codec::kGzip}) {
    corpus.push_back(write_seed(codec, true, 40, 1 << 20, 128 << 20));
    corpus.push_back(write_seed(codec, true, 600, 300, 8 << 10));  // many pages and row groups
  }
  for (Codec codec :
       {Codec::kLz4, Codec::kLz4Raw, Codec::kBrotli}) {  // codecs only read from others
    corpus.push_back(write_seed(codec, true, 600, 300, 8 << 10));
  }
  corpus.push_back(write_seed(Codec::kSnappy, false, 200, 256, 128 << 20));
  corpus.push_back(write_seed(Codec::kSnappy, true, 0, 1 << 20, 128 << 20));
  size_t ours = corpus.size();
  if (!fixtures.empty() && std::filesystem::is_directory(fixtures)) {
    for (const auto& entry : std::filesystem::directory_iterator(fixtures)) {
      if (entry.path().extension() != ".parquet") continue;
      std::ifstream f(entry.path(), std::ios::binary);
      corpus.emplace_back((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    }
  }
  const size_t fixtures_end = corpus.size();
  Stats stats;
  // The Apache corpus: every file read undamaged (bad_data/ must fail cleanly), and those that
  // read cleanly become seeds.
  if (!corpus_dir.empty() && std::filesystem::is_directory(corpus_dir)) {
    std::vector<std::filesystem::path> paths;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(corpus_dir)) {
      if (entry.path().extension() == ".parquet") paths.push_back(entry.path());
    }
    std::sort(paths.begin(), paths.end());
    for (const auto& path : paths) {
      std::ifstream f(path, std::ios::binary);
      Bytes bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
      Stats s;
      if (!exercise(bytes, &s)) {
        std::fprintf(stderr, "fuzz: corpus file %s\n", path.c_str());
        return 1;
      }
      // Small files only as seeds: the large ones add time, not types or codecs.
      if (s.opened == 1 && s.columns_failed == 0 && bytes.size() <= (64u << 10))
        corpus.push_back(std::move(bytes));
    }
  } else if (!corpus_dir.empty()) {
    std::printf("fuzz: no Parquet test corpus at %s; fuzzing without it\n", corpus_dir.c_str());
  }
  std::printf(
      "fuzz: %zu seed files (%zu ours, %zu DuckDB's, %zu from the corpus), %zu mutations each "
      "(corpus: %zu)\n",
      corpus.size(), ours, fixtures_end - ours, corpus.size() - fixtures_end, iterations,
      iterations / 32);

  // Every seed must read cleanly before it is damaged.
  for (const auto& seed : corpus) {
    Stats s;
    if (!exercise(seed, &s) || s.opened != 1 || s.columns_failed != 0) {
      std::fprintf(stderr, "fuzz: an undamaged seed file does not read cleanly\n");
      return 1;
    }
  }
  std::mt19937_64 rng(20240601);
  for (size_t s = 0; s < corpus.size(); ++s) {
    const size_t n = s < fixtures_end ? iterations : iterations / 32;
    for (size_t i = 0; i < n; ++i) {
      Bytes damaged = mutate(corpus[s], corpus, rng);
      // Stack a second mutation now and then: single faults are caught early by the footer checks.
      if (rng() % 4 == 0) damaged = mutate(damaged, corpus, rng);
      if (!exercise(damaged, &stats)) {
        std::fprintf(stderr, "fuzz: seed %zu iteration %zu\n", s, i);
        return 1;
      }
    }
  }
  std::printf("fuzz: %zu files, %zu opened, %zu column chunks read, %zu rejected; no findings\n",
              stats.files, stats.opened, stats.columns_read, stats.columns_failed);
  return 0;
}
