#ifndef BREVIS_TESTS_FAULT_POWER_CUT_VFS_H_
#define BREVIS_TESTS_FAULT_POWER_CUT_VFS_H_

// A power cut at SQLite's file layer, for tests only: an sqlite3_vfs that
// wraps the default (unix) one, remembers per file every write and truncate
// not yet made durable by a sync, cuts the power at a chosen operation
// (that one and every later write, sync, truncate and delete fail and change
// nothing, as if the machine had stopped) and then, with every connection
// closed, leaves each file as a disk might have after the cut: its synced
// content plus some subset of the unsynced operations. Every file SQLite
// opens through it is covered (the main database, its WAL, and any other
// database the process opens, such as a separate log file); the shared-
// memory index is not, as a reboot loses it anyway and SQLite rebuilds it.
// In the spirit of SQLite's own crash tests (src/test6.c).

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <vector>

namespace brevis::fault {

// What a disk kept of the operations not synced before the cut.
enum class Loss {
  kAll,     // none of them: only what was synced survives
  kPrefix,  // the first few of each file, in order (write-back in order)
  kSubset,  // any of them, each by chance (write-back in any order)
};

// Registered as the default VFS while it exists (and the previous default
// restored when it goes); one at a time. Thread-safe: SQLite calls it from
// any connection's thread, and its state is behind one mutex.
class PowerCutVfs {
 public:
  PowerCutVfs();
  ~PowerCutVfs();
  PowerCutVfs(const PowerCutVfs&) = delete;
  PowerCutVfs& operator=(const PowerCutVfs&) = delete;

  // Cuts the power at the `operation`-th write, sync or truncate from now
  // (1 is the next one).
  void ArmCut(int64_t operation);
  // Cuts the power now unless it is off already.
  void CutNow();
  bool cut() const;
  // A switch for proving the test can fail: syncs report success but make
  // nothing durable, as a disk that lies about its cache, or synchronous=OFF.
  void set_syncs_lie(bool lie);

  // With every connection closed: puts each file the cut left unsynced
  // operations in into a state `loss` allows (choices drawn from `random`)
  // and turns the power back on. Returns one line per file saying how many
  // unsynced operations it had and how many were kept, for the failure
  // message; empty when the files cannot be written (the line says so).
  std::vector<std::string> RestorePower(Loss loss, std::mt19937& random);

  // Write, sync and truncate operations seen so far.
  int64_t operations() const;

  // One write or truncate not yet synced. Public for the .cc's C callbacks.
  struct Pending {
    bool truncate = false;
    int64_t offset = 0;     // a write's offset; a truncate's new size
    std::string bytes;      // what a write wrote
    std::string old_bytes;  // what was there before (within the old size)
    int64_t old_size = 0;
  };
  struct FileState {
    std::vector<Pending> pending;
  };

  // The callbacks' way in: the registered instance.
  static PowerCutVfs* Instance();
  // Counts an operation; false when the power is (now) off.
  bool Operate();
  std::mutex& mu() { return mu_; }
  FileState& State(const std::string& path) { return files_[path]; }
  void Forget(const std::string& path) { files_.erase(path); }
  bool syncs_lie() const { return syncs_lie_; }
  bool off() const { return cut_; }
  sqlite3_vfs* real() const { return real_; }

 private:
  mutable std::mutex mu_;
  sqlite3_vfs* real_ = nullptr;
  sqlite3_vfs vfs_{};
  std::map<std::string, FileState> files_;
  int64_t operations_ = 0;
  int64_t cut_at_ = -1;
  bool cut_ = false;
  bool syncs_lie_ = false;
};

}  // namespace brevis::fault

#endif  // BREVIS_TESTS_FAULT_POWER_CUT_VFS_H_
