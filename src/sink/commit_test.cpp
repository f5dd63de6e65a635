#include "sink/commit.h"
#include "sink/lake_log.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "io/local/local_file_system.h"
#include "lake/manifest.h"
#include "support/temp_dir.h"

namespace sparkify::sink {
namespace {

namespace fs = std::filesystem;

std::string read_text(io::FileSystem& f, const std::string& path) {
  auto b = f.read(path);
  return b.ok() ? std::string(b->view()) : std::string("<missing>");
}

Status put(io::FileSystem& f, const std::string& path, std::string_view text) {
  return f.write(path, {reinterpret_cast<const uint8_t*>(text.data()), text.size()});
}

TEST(Commit, LocalReplacesTableWholeAndCleansDebris) {
  io::LocalFileSystem lfs;
  testing::TempDir dir("sparkify-commit");
  std::string root = dir.str();
  // Debris of a killed run, and a previous table.
  ASSERT_TRUE(put(lfs, root + "/_staging/dead/songs/x.parquet", "junk").ok());
  ASSERT_TRUE(put(lfs, root + "/songs/old.parquet", "old").ok());

  auto committer = TableCommitter::Make(lfs, root, "run1");
  ASSERT_TRUE(committer->recover({"songs"}).ok());
  EXPECT_FALSE(fs::exists(root + "/_staging/dead"));
  std::string staged = committer->staging_dir("songs");
  ASSERT_TRUE(put(lfs, staged + "/new.parquet", "new").ok());
  EXPECT_EQ(read_text(lfs, root + "/songs/old.parquet"), "old");  // not visible yet
  ASSERT_TRUE(committer->publish("songs", {"new.parquet"}, 1).ok());
  EXPECT_EQ(read_text(lfs, root + "/songs/new.parquet"), "new");
  EXPECT_FALSE(fs::exists(root + "/songs/old.parquet"));
  auto manifest = lake::parse_success_manifest(read_text(lfs, root + "/songs/_SUCCESS"));
  ASSERT_TRUE(manifest.has_value());
  EXPECT_EQ(*manifest, std::vector<std::string>{"new.parquet"});
  EXPECT_EQ(lake::parse_success_manifest_rows(read_text(lfs, root + "/songs/_SUCCESS")), 1u);
  // A first publish of a table that did not exist.
  ASSERT_TRUE(put(lfs, committer->staging_dir("users") + "/u.parquet", "u").ok());
  ASSERT_TRUE(committer->publish("users", {"u.parquet"}, std::nullopt).ok());
  ASSERT_TRUE(committer->finish().ok());
  EXPECT_FALSE(fs::exists(root + "/_staging"));
  EXPECT_TRUE(fs::exists(root + "/users/_SUCCESS"));
}

// A file system without rename, to exercise the object-store protocol on local disk.
class NoRenameFileSystem final : public io::FileSystem {
 public:
  std::string kind() const override { return "object store"; }
  Result<std::vector<io::FileInfo>> list(const std::string& r) override { return inner.list(r); }
  Result<bool> exists(const std::string& p) override { return inner.exists(p); }
  Result<Buffer> read(const std::string& p, size_t pad) override { return inner.read(p, pad); }
  Status write(const std::string& p, std::span<const uint8_t> d) override {
    return inner.write(p, d);
  }
  Status remove_files(const std::vector<std::string>& p) override { return inner.remove_files(p); }
  Status remove_all(const std::string& p) override { return inner.remove_all(p); }
  Status make_dirs(const std::string&) override { return Status::OK(); }
  io::LocalFileSystem inner;
};

TEST(Commit, ObjectStoreKeepsOldTableUntilManifestThenDeletes) {
  NoRenameFileSystem store;
  testing::TempDir dir("sparkify-commit");
  std::string root = dir.str();
  auto first = TableCommitter::Make(store, root, "run1");
  ASSERT_TRUE(put(store, first->staging_dir("t") + "/a.parquet", "a").ok());
  ASSERT_TRUE(first->publish("t", {"a.parquet"}, std::nullopt).ok());

  // A second run is killed after uploading b but before its manifest: a stays the table.
  auto killed = TableCommitter::Make(store, root, "run2");
  ASSERT_TRUE(put(store, killed->staging_dir("t") + "/b.parquet", "b").ok());
  auto third = TableCommitter::Make(store, root, "run3");
  ASSERT_TRUE(third->recover({"t"}).ok());
  EXPECT_FALSE(fs::exists(root + "/t/b.parquet"));
  EXPECT_TRUE(fs::exists(root + "/t/a.parquet"));
  ASSERT_TRUE(put(store, third->staging_dir("t") + "/c.parquet", "c").ok());
  ASSERT_TRUE(third->publish("t", {"c.parquet"}, std::nullopt).ok());
  EXPECT_FALSE(fs::exists(root + "/t/a.parquet"));
  EXPECT_TRUE(fs::exists(root + "/t/c.parquet"));
}

// An object store that can hold files back, as S3 does with multipart uploads left pending.
class PendingStore final : public io::FileSystem {
 public:
  std::string kind() const override { return "object store"; }
  Result<std::vector<io::FileInfo>> list(const std::string& r) override { return inner.list(r); }
  Result<bool> exists(const std::string& p) override { return inner.exists(p); }
  Result<Buffer> read(const std::string& p, size_t pad) override { return inner.read(p, pad); }
  Status write(const std::string& p, std::span<const uint8_t> d) override {
    return inner.write(p, d);
  }
  Status remove_files(const std::vector<std::string>& p) override { return inner.remove_files(p); }
  Status remove_all(const std::string& p) override { return inner.remove_all(p); }
  Status make_dirs(const std::string&) override { return Status::OK(); }
  bool supports_pending_writes() const override { return true; }

  class Writer final : public io::BatchWriter {
   public:
    Writer(PendingStore& store, io::PendingFiles& pending) : store_(store), pending_(pending) {}
    Status write(std::string path, Buffer data) override {
      std::string id = "u" + std::to_string(++store_.next_id);
      store_.uploads[id] = {path, std::string(data.view())};
      pending_.add({path, id, {"etag"}});
      return Status::OK();
    }
    Status finish() override { return Status::OK(); }

   private:
    PendingStore& store_;
    io::PendingFiles& pending_;
  };
  std::unique_ptr<io::BatchWriter> pending_writer(io::PendingFiles& pending) override {
    return std::make_unique<Writer>(*this, pending);
  }
  Status complete_pending(const std::vector<io::PendingFile>& files) override {
    for (const auto& f : files) {
      auto it = uploads.find(f.upload_id);
      if (it == uploads.end()) return Status::IoError("NoSuchUpload " + f.upload_id);
      SPARKIFY_RETURN_NOT_OK(put(inner, it->second.first, it->second.second));
      uploads.erase(it);
    }
    return Status::OK();
  }
  Status abort_pending(const std::vector<io::PendingFile>& files) override {
    for (const auto& f : files) uploads.erase(f.upload_id);
    return Status::OK();
  }
  Result<std::vector<io::PendingFile>> list_pending(const std::string& root) override {
    std::vector<io::PendingFile> out;
    for (const auto& [id, upload] : uploads) {
      if (upload.first.rfind(root + "/", 0) == 0) out.push_back({upload.first, id, {}});
    }
    return out;
  }

  io::LocalFileSystem inner;
  int next_id = 0;
  std::map<std::string, std::pair<std::string, std::string>> uploads;  // id -> path, bytes
};

Status stage(TableCommitter& committer, const std::string& table, const std::string& name,
             const std::string& text, io::FileSystem& store) {
  auto writer = store.pending_writer(*committer.pending(table));
  std::string path = committer.staging_dir(table) + "/" + name;
  SPARKIFY_RETURN_NOT_OK(writer->write(
      path, Buffer::CopyOf({reinterpret_cast<const uint8_t*>(text.data()), text.size()})));
  return writer->finish();
}

TEST(Commit, ObjectStoreHoldsFilesBackUntilPublishAndCleansUpAfterAKill) {
  PendingStore store;
  testing::TempDir dir("sparkify-commit");
  std::string root = dir.str();
  auto first = TableCommitter::Make(store, root, "run1");
  ASSERT_TRUE(first->recover({"t"}).ok());
  EXPECT_TRUE(fs::exists(root + "/_sparkify/runs/run1.json"));
  ASSERT_TRUE(stage(*first, "t", "a.parquet", "a", store).ok());
  EXPECT_FALSE(fs::exists(root + "/t/a.parquet"));  // pending: nobody sees it yet
  ASSERT_TRUE(first->publish("t", {"a.parquet"}, std::nullopt).ok());
  EXPECT_TRUE(fs::exists(root + "/t/a.parquet"));
  ASSERT_TRUE(first->finish().ok());
  EXPECT_FALSE(fs::exists(root + "/_sparkify/runs/run1.json"));

  // Killed after staging b (never published, never finished): readers still see only a.
  {
    auto killed = TableCommitter::Make(store, root, "run2");
    ASSERT_TRUE(killed->recover({"t"}).ok());
    ASSERT_TRUE(stage(*killed, "t", "b.parquet", "b", store).ok());
  }
  EXPECT_FALSE(fs::exists(root + "/t/b.parquet"));
  EXPECT_EQ(store.uploads.size(), 1u);

  // The next run writes another table only; the dead run's record still gets t cleaned.
  auto third = TableCommitter::Make(store, root, "run3");
  ASSERT_TRUE(third->recover({"other"}).ok());
  EXPECT_TRUE(store.uploads.empty());
  EXPECT_FALSE(fs::exists(root + "/_sparkify/runs/run2.json"));
  EXPECT_TRUE(fs::exists(root + "/t/a.parquet"));

  // A failed run aborts what it staged; a published table is not touched by a later abort.
  ASSERT_TRUE(stage(*third, "other", "c.parquet", "c", store).ok());
  ASSERT_TRUE(third->publish("other", {"c.parquet"}, std::nullopt).ok());
  ASSERT_TRUE(stage(*third, "t", "d.parquet", "d", store).ok());
  ASSERT_TRUE(third->abort("other", {"c.parquet"}).ok());
  ASSERT_TRUE(third->abort("t", {"d.parquet"}).ok());
  ASSERT_TRUE(third->finish().ok());
  EXPECT_TRUE(fs::exists(root + "/other/c.parquet"));
  EXPECT_TRUE(store.uploads.empty());
  EXPECT_TRUE(fs::exists(root + "/t/a.parquet"));
}

TEST(Commit, RunRecordRoundTrip) {
  auto tables = parse_run_record(run_record("r1", {"songs", "artists"}));
  ASSERT_TRUE(tables.has_value());
  EXPECT_EQ(*tables, (std::vector<std::string>{"songs", "artists"}));
  EXPECT_FALSE(parse_run_record("{}").has_value());
}

}  // namespace
TEST(LakeLog, CommitRecordRoundTripsAndATornOneIsNoCommit) {
  LakeCommit c;
  c.version = 7;
  c.run = "run-1";
  c.mode = "incremental";
  c.songplays = 6820;
  c.state = "_sparkify/state/run-1";
  c.tables["songplays"] = {"year=2018/month=11/part-00000-a.c000.snappy.parquet"};
  c.tables["users"] = {"part-00000-b.c000.snappy.parquet"};
  c.added["users"] = c.tables["users"];
  c.removed["users"] = {"part-00000-old \"quoted\".parquet"};
  c.rows = {{"songplays", 6820}, {"users", 96}};
  c.input_files = 50030;
  std::string text = commit_to_json(c);
  auto back = parse_commit(text);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->version, 7u);
  EXPECT_EQ(back->songplays, 6820);
  EXPECT_EQ(back->tables, c.tables);
  EXPECT_EQ(back->added, c.added);
  EXPECT_EQ(back->removed, c.removed);
  EXPECT_EQ(back->rows, c.rows);
  EXPECT_EQ(back->input_files, 50030u);
  EXPECT_TRUE(back->inline_inputs.empty());
  for (size_t cut : {size_t{0}, size_t{10}, text.size() / 2, text.size() - 3}) {
    EXPECT_FALSE(parse_commit(std::string_view(text).substr(0, cut)).ok()) << cut;
  }
  // A record written before row counts were kept reads with none.
  size_t at = text.find(",\n\"rows\":");
  size_t end = text.find('}', at);
  auto older = parse_commit(text.substr(0, at) + text.substr(end + 1));
  ASSERT_TRUE(older.ok()) << older.status().message();
  EXPECT_TRUE(older->rows.empty());
  // A record written before the state held the ingested files lists them inline.
  at = text.find("\"input_files\":");
  auto inline_record =
      parse_commit(text.substr(0, at) +
                   R"("inputs":[{"path":"log_data/2018/11/2018-11-01-events.json","size":1234,)"
                   R"("version":"\"etag\"","run":"run-0"}]})");
  ASSERT_TRUE(inline_record.ok()) << inline_record.status().message();
  ASSERT_EQ(inline_record->inline_inputs.size(), 1u);
  EXPECT_EQ(inline_record->input_files, 1u);
  EXPECT_EQ(inline_record->inline_inputs[0].version, "\"etag\"");
  EXPECT_EQ(inline_record->inline_inputs[0].size, 1234u);
  EXPECT_EQ(inline_record->inline_inputs[0].run, "run-0");
  EXPECT_FALSE(parse_commit(text.substr(0, at) + "\"other\":1}").ok());
}

// A whole record (v1), then two changes: the tables are put together from the chain, a torn
// newer record is obsolete, a broken chain is one sentence, and records before the whole one are
// obsolete.
TEST(LakeLog, ChangesAreReadThroughTheirChain) {
  io::LocalFileSystem lfs;
  testing::TempDir dir("sparkify-lake-log");
  std::string root = dir.str();
  LakeCommit old;  // a record before the whole one: outside the chain
  old.version = 1;
  old.run = "r0";
  old.mode = "full";
  old.state = "_sparkify/state/r0";
  ASSERT_TRUE(write_commit(lfs, root, old).ok());
  LakeCommit whole;
  whole.version = 2;
  whole.run = "r1";
  whole.mode = "full";
  whole.state = "_sparkify/state/r1";
  whole.tables = {{"songs", {"a.parquet", "b.parquet"}}, {"users", {"u1.parquet"}}};
  ASSERT_TRUE(write_commit(lfs, root, whole).ok());
  LakeCommit first;
  first.version = 3;
  first.base = 2;
  first.run = "r2";
  first.mode = "incremental";
  first.state = "_sparkify/state/r2";
  first.tables = {{"ignored", {"x"}}};  // a change does not write its tables
  first.added = {{"songs", {"c.parquet"}}, {"users", {"u2.parquet"}}};
  first.removed = {{"users", {"u1.parquet"}}};
  first.input_files = 5;
  ASSERT_TRUE(write_commit(lfs, root, first).ok());
  EXPECT_EQ(read_text(lfs, commit_path(root, 3)).find("ignored"), std::string::npos);
  LakeCommit second = first;
  second.version = 4;
  second.base = 3;
  second.run = "r3";
  second.state = "_sparkify/state/r3";
  second.added = {{"songs", {"d.parquet"}}, {"time", {"t.parquet"}}};
  second.removed = {};
  ASSERT_TRUE(write_commit(lfs, root, second).ok());
  ASSERT_TRUE(put(lfs, commit_path(root, 5), "{\"committer\":\"sparkify").ok());  // torn

  auto log = read_commit_log(lfs, root);
  ASSERT_TRUE(log.ok()) << log.status().message();
  ASSERT_TRUE(log->latest.has_value());
  const LakeCommit& latest = *log->latest;
  EXPECT_EQ(latest.version, 4u);
  EXPECT_EQ(latest.base, 3u);
  EXPECT_EQ(latest.checkpoint, 2u);
  std::map<std::string, std::vector<std::string>> tables = {
      {"songs", {"a.parquet", "b.parquet", "c.parquet", "d.parquet"}},
      {"time", {"t.parquet"}},
      {"users", {"u2.parquet"}}};
  EXPECT_EQ(latest.tables, tables);
  EXPECT_EQ(latest.added, second.added);
  EXPECT_EQ(
      latest.chain_states,
      (std::vector<std::string>{"_sparkify/state/r1", "_sparkify/state/r2", "_sparkify/state/r3"}));
  EXPECT_EQ(log->obsolete, (std::vector<std::string>{commit_path(root, 1), commit_path(root, 5)}));
  EXPECT_FALSE(next_record_is_whole(latest));

  // Handed to another process whole, the record reads alone.
  auto handed = parse_commit(commit_to_json(latest, /*whole=*/true));
  ASSERT_TRUE(handed.ok()) << handed.status().message();
  EXPECT_EQ(handed->base, 0u);
  EXPECT_EQ(handed->tables, tables);
  EXPECT_EQ(handed->chain_states, latest.chain_states);

  // A chain of kCheckpointInterval records is followed by a whole one.
  LakeCommit long_chain = latest;
  long_chain.version = latest.checkpoint + kCheckpointInterval - 1;
  EXPECT_TRUE(next_record_is_whole(long_chain));

  // A record in the middle of the chain removed by hand: one sentence, no guess.
  fs::remove(commit_path(root, 3));
  auto broken = read_commit_log(lfs, root);
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.status().code(), ErrorCode::kCorrupt);
  EXPECT_NE(broken.status().message().find("record 4 builds on record 3, which is missing; rebuild "
                                           "the lake with --mode full"),
            std::string::npos)
      << broken.status().message();
}

}  // namespace sparkify::sink
