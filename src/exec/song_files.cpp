#include "exec/song_files.h"

#include <algorithm>
#include <memory>
#include <string_view>

#include "common/parallel.h"
#include "parse/document_splitter.h"
#include "source/chunked_reader.h"
#include "source/file_feeder.h"
#include "source/reader.h"

namespace sparkify::exec {

namespace {

// A song file's records for the chunked reader: whole JSON documents (parse/document_splitter.h),
// whitespace between them counting as whole, so a record too long to hold starts at its first
// byte.
class SongDocuments final : public source::Records {
 public:
  size_t whole(std::string_view text) const override { return parse::whole_documents(text); }

  std::unique_ptr<source::RecordEnd> end_scanner() const override {
    struct DocumentEnd final : source::RecordEnd {
      size_t feed(std::string_view piece) override { return scan.feed(piece); }
      parse::DocumentEnd scan;
    };
    return std::make_unique<DocumentEnd>();
  }
};

// Read whole: a file of one song is some 300 bytes. Anything larger than a parse chunk, or
// compressed, streams.
bool streams(const source::InputFile& file) {
  return file.gzip || file.size > source::kParseChunkBytes;
}

}  // namespace

Status for_each_song_piece(io::FileSystem& fs, const std::vector<source::InputFile>& files,
                           int threads,
                           const std::function<Status(const SongPiece&, int worker)>& task) {
  std::vector<size_t> large;
  for (size_t i = 0; i < files.size(); ++i) {
    if (streams(files[i])) large.push_back(i);
  }
  auto whole = [&](size_t i, int w, const Buffer& data) {
    return task(SongPiece{i, data, 0, 0, 0, true}, w);
  };
  if (large.empty()) {
    SPARKIFY_RETURN_NOT_OK(source::for_each_input(fs, files, threads, whole));
  } else {
    std::vector<source::InputFile> small;
    std::vector<size_t> small_index;
    for (size_t i = 0; i < files.size(); ++i) {
      if (streams(files[i])) continue;
      small.push_back(files[i]);
      small_index.push_back(i);
    }
    SPARKIFY_RETURN_NOT_OK(source::for_each_input(
        fs, small, threads,
        [&](size_t j, int w, const Buffer& data) { return whole(small_index[j], w, data); }));
  }
  static const SongDocuments kDocuments;
  int requests = std::max(1, fs.preferred_read_concurrency() / std::max(1, threads));
  return parallel_for(large.size(), threads, [&](size_t k, int w) -> Status {
    size_t i = large[k];
    // A chunk's buffer is reused for the next, so each is handed over as it comes; the file's
    // end is an empty last piece.
    SPARKIFY_RETURN_NOT_OK(source::for_each_chunk(
        fs, files[i], source::kParseChunkBytes, requests, kDocuments, [&](const source::Chunk& c) {
          return task(SongPiece{i, c.data, c.first_line, c.first_offset, c.long_record, false}, w);
        }));
    Buffer end = Buffer::Allocate(0, source::kParserPadding);
    return task(SongPiece{i, end, 0, 0, 0, true}, w);
  });
}

}  // namespace sparkify::exec
