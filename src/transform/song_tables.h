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

/// The song-join state a lake keeps beside its tables for incremental loads: every songs row in
/// the lake's order with the artist name of the record it came from (the artists table keeps one
/// name per artist, so the join index cannot be rebuilt from it exactly).
/// Columns: song_id*, title, artist_id, artist_name, duration.
const model::TableSpec& song_keys_spec();

struct SongTables {
  model::TableData songs;    ///< the rows this build adds (every row when there is no prior)
  model::TableData artists;  ///< the whole artists table, prior rows merged
  model::TableData keys;     ///< song_keys_spec(): the prior keys, then the added songs'
  SongIndex index;           ///< views into the records' storage: keep `owners` alive with it
  uint64_t duplicate_songs = 0;
  bool artists_changed = true;  ///< false when the prior artists table stays as it was
};

/// What a lake holds before an incremental load (SPEC §9: its rows count as earlier than every
/// new record): its song keys and its artists table. Both must outlive the SongTables built.
struct PriorSongs {
  const model::TableData* keys = nullptr;
  const model::TableData* artists = nullptr;
};

/// `files` holds each input file's accepted records, in file order. `owners` keep the records'
/// strings alive and are attached to the tables. With a prior, its songs win over new records
/// with the same song_id (counted as duplicates) and its artists count as the first records.
/// With two threads or more, songs and artists are reduced at once.
SongTables build_song_tables(std::span<const std::vector<model::SongRecord>* const> files,
                             std::vector<std::shared_ptr<const void>> owners,
                             const PriorSongs& prior = {}, int threads = 1);

/// Rebuilds the join index from a lake's songs and artists tables (for `--only logs`): a song's
/// artist name is its artist's chosen name; among songs with equal keys the smallest song_id wins,
/// since the lake no longer records input order.
SongIndex song_index_from_tables(const model::TableData& songs, const model::TableData& artists);

}  // namespace sparkify::transform
