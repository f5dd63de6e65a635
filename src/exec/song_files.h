// Reading the song files. Nearly all are tiny (one song each) and are read whole, many at once
// (source::for_each_input). One that is not — a data set concatenated into one file, or a .gz
// that may inflate to anything — is read as a log is: in cache-sized chunks, here cut after
// whole JSON documents, so a song file of any size is read in bounded memory. A document longer
// than source::kMaxLineBytes is read to its end without being held and handed over alone, for
// its reject.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "common/buffer.h"
#include "common/result.h"
#include "io/file_system.h"
#include "source/discovery.h"

namespace sparkify::exec {

/// Part of one song file: the whole file, or a chunk of whole documents.
struct SongPiece {
  size_t file = 0;          ///< index into the files given
  const Buffer& data;       ///< padded for the parser
  uint64_t first_line = 0;  ///< lines of the file before `data`
  uint64_t first_offset = 0;
  /// Not 0: `data` is the first bytes of one document this long, too long to parse.
  uint64_t long_document = 0;
  bool last = true;  ///< the file's last piece

  /// The file's bytes this piece stands for.
  uint64_t file_bytes() const { return long_document ? long_document : data.size(); }
};

/// Calls `task` for every piece of every file, a file's pieces in order on one worker; stops at
/// the first error. The files' sizes must be known (a detailed listing).
Status for_each_song_piece(io::FileSystem& fs, const std::vector<source::InputFile>& files,
                           int threads,
                           const std::function<Status(const SongPiece&, int worker)>& task);

}  // namespace sparkify::exec
