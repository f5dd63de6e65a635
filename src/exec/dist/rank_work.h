// How a run is cut over ranks and what they send each other: contiguous blocks of input files
// balanced by size (so file order is rank order), and the wire forms of the state ranks combine
// (input file lists, accepted song records, rejects, written file names).
// Pure functions: tested without MPI.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "exec/dist/cluster.h"
#include "model/records.h"
#include "source/discovery.h"

namespace sparkify::exec {

/// The half-open range [begin, end) of file indexes a rank takes.
struct FileRange {
  size_t begin = 0, end = 0;
  size_t size() const { return end - begin; }
};

/// Cuts files (sizes in file order) into `ranks` contiguous ranges of about equal bytes; each
/// file counts one byte more than its size, so empty or unsized files are still spread. Ranges
/// may be empty (more ranks than files).
std::vector<FileRange> split_by_size(std::span<const uint64_t> sizes, int ranks);

Bytes encode_input_files(const std::vector<source::InputFile>& files);
Result<std::vector<source::InputFile>> decode_input_files(std::span<const uint8_t> bytes);

/// One rank's accepted song records, per file of its range, in file order.
Bytes encode_song_records(const std::vector<std::vector<model::SongRecord>>& per_file);
/// Appends a rank's files' records to `per_file`; the strings point into `bytes`.
Status decode_song_records(std::span<const uint8_t> bytes,
                           std::vector<std::vector<model::SongRecord>>& per_file);

Bytes encode_rejects(const std::vector<model::RejectRecord>& rejects);
Status decode_rejects(std::span<const uint8_t> bytes, std::vector<model::RejectRecord>& out);

Bytes encode_strings(const std::vector<std::string>& strings);
Status decode_strings(std::span<const uint8_t> bytes, std::vector<std::string>& out);

}  // namespace sparkify::exec
