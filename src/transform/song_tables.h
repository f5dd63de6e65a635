// Builds the songs and artists tables from every accepted song record in file order (SPEC §3):
// one row per song_id (first wins, the rest counted as duplicates), one row per artist_id (the
// record with the most known fields wins, ties to the first), and the song join index.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "model/records.h"
#include "model/table.h"
#include "transform/song_index.h"

namespace sparkify::transform {

struct SongTables {
  model::TableData songs;
  model::TableData artists;
  SongIndex index;  ///< views into the records' storage: keep `owners` alive with it
  uint64_t duplicate_songs = 0;
};

/// `files` holds each input file's accepted records, in file order. `owners` keep the records'
/// strings alive and are attached to both tables.
SongTables build_song_tables(std::span<const std::vector<model::SongRecord>* const> files,
                             std::vector<std::shared_ptr<const void>> owners);

/// Rebuilds the join index from a lake's songs and artists tables (for `--only logs`): a song's
/// artist name is its artist's chosen name; among songs with equal keys the smallest song_id wins,
/// since the lake no longer records input order.
SongIndex song_index_from_tables(const model::TableData& songs, const model::TableData& artists);

}  // namespace sparkify::transform
