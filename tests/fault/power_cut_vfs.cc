#include "tests/fault/power_cut_vfs.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>

namespace brevis::fault {
namespace {

PowerCutVfs* g_instance = nullptr;

// Our file: SQLite allocates szOsFile bytes, ours first, then the real
// (unix) file right after them.
struct CutFile {
  sqlite3_file base;
  sqlite3_file* real;
  std::string* path;  // owned; null for files without a name (temporary)
};

CutFile* AsCut(sqlite3_file* file) { return reinterpret_cast<CutFile*>(file); }
sqlite3_file* Real(sqlite3_file* file) { return AsCut(file)->real; }

int Close(sqlite3_file* file) {
  CutFile* cut = AsCut(file);
  int rc = cut->real->pMethods->xClose(cut->real);
  delete cut->path;
  cut->path = nullptr;
  return rc;
}

int Read(sqlite3_file* file, void* out, int amount, sqlite3_int64 offset) {
  return Real(file)->pMethods->xRead(Real(file), out, amount, offset);
}

// Reads [from, to) of the real file as it is now.
std::string ReadRange(sqlite3_file* real, sqlite3_int64 from,
                      sqlite3_int64 to) {
  std::string bytes;
  if (to <= from) return bytes;
  bytes.resize(static_cast<size_t>(to - from));
  real->pMethods->xRead(real, bytes.data(), static_cast<int>(to - from), from);
  return bytes;
}

sqlite3_int64 SizeOf(sqlite3_file* real) {
  sqlite3_int64 size = 0;
  real->pMethods->xFileSize(real, &size);
  return size;
}

int Write(sqlite3_file* file, const void* data, int amount,
          sqlite3_int64 offset) {
  PowerCutVfs* vfs = PowerCutVfs::Instance();
  std::lock_guard<std::mutex> lock(vfs->mu());
  if (!vfs->Operate()) return SQLITE_IOERR_WRITE;
  sqlite3_file* real = Real(file);
  if (AsCut(file)->path != nullptr) {
    PowerCutVfs::Pending pending;
    pending.offset = offset;
    pending.bytes.assign(static_cast<const char*>(data), amount);
    pending.old_size = SizeOf(real);
    pending.old_bytes =
        ReadRange(real, offset,
                  std::min<sqlite3_int64>(offset + amount, pending.old_size));
    vfs->State(*AsCut(file)->path).pending.push_back(std::move(pending));
  }
  return real->pMethods->xWrite(real, data, amount, offset);
}

int Truncate(sqlite3_file* file, sqlite3_int64 size) {
  PowerCutVfs* vfs = PowerCutVfs::Instance();
  std::lock_guard<std::mutex> lock(vfs->mu());
  if (!vfs->Operate()) return SQLITE_IOERR_TRUNCATE;
  sqlite3_file* real = Real(file);
  if (AsCut(file)->path != nullptr) {
    PowerCutVfs::Pending pending;
    pending.truncate = true;
    pending.offset = size;
    pending.old_size = SizeOf(real);
    pending.old_bytes = ReadRange(real, size, pending.old_size);
    vfs->State(*AsCut(file)->path).pending.push_back(std::move(pending));
  }
  return real->pMethods->xTruncate(real, size);
}

int Sync(sqlite3_file* file, int flags) {
  PowerCutVfs* vfs = PowerCutVfs::Instance();
  std::lock_guard<std::mutex> lock(vfs->mu());
  if (!vfs->Operate()) return SQLITE_IOERR_FSYNC;
  if (vfs->syncs_lie()) return SQLITE_OK;
  int rc = Real(file)->pMethods->xSync(Real(file), flags);
  if (rc == SQLITE_OK && AsCut(file)->path != nullptr) {
    vfs->State(*AsCut(file)->path).pending.clear();
  }
  return rc;
}

int FileSize(sqlite3_file* file, sqlite3_int64* size) {
  return Real(file)->pMethods->xFileSize(Real(file), size);
}
int Lock(sqlite3_file* file, int level) {
  return Real(file)->pMethods->xLock(Real(file), level);
}
int Unlock(sqlite3_file* file, int level) {
  return Real(file)->pMethods->xUnlock(Real(file), level);
}
int CheckReservedLock(sqlite3_file* file, int* out) {
  return Real(file)->pMethods->xCheckReservedLock(Real(file), out);
}
int FileControl(sqlite3_file* file, int op, void* arg) {
  // A size hint grows the file outside xWrite and xTruncate, where no
  // record of it would be kept; SQLite works the same without it.
  if (op == SQLITE_FCNTL_SIZE_HINT) return SQLITE_OK;
  return Real(file)->pMethods->xFileControl(Real(file), op, arg);
}
int SectorSize(sqlite3_file* file) {
  return Real(file)->pMethods->xSectorSize(Real(file));
}
int DeviceCharacteristics(sqlite3_file* file) {
  return Real(file)->pMethods->xDeviceCharacteristics(Real(file));
}
int ShmMap(sqlite3_file* file, int region, int size, int extend,
           void volatile** out) {
  return Real(file)->pMethods->xShmMap(Real(file), region, size, extend, out);
}
int ShmLock(sqlite3_file* file, int offset, int n, int flags) {
  return Real(file)->pMethods->xShmLock(Real(file), offset, n, flags);
}
void ShmBarrier(sqlite3_file* file) {
  Real(file)->pMethods->xShmBarrier(Real(file));
}
int ShmUnmap(sqlite3_file* file, int delete_flag) {
  return Real(file)->pMethods->xShmUnmap(Real(file), delete_flag);
}
int Fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out) {
  return Real(file)->pMethods->xFetch(Real(file), offset, amount, out);
}
int Unfetch(sqlite3_file* file, sqlite3_int64 offset, void* page) {
  return Real(file)->pMethods->xUnfetch(Real(file), offset, page);
}

const sqlite3_io_methods kMethods = {3,
                                     Close,
                                     Read,
                                     Write,
                                     Truncate,
                                     Sync,
                                     FileSize,
                                     Lock,
                                     Unlock,
                                     CheckReservedLock,
                                     FileControl,
                                     SectorSize,
                                     DeviceCharacteristics,
                                     ShmMap,
                                     ShmLock,
                                     ShmBarrier,
                                     ShmUnmap,
                                     Fetch,
                                     Unfetch};

int Open(sqlite3_vfs* self, const char* name, sqlite3_file* file, int flags,
         int* out_flags) {
  PowerCutVfs* vfs = static_cast<PowerCutVfs*>(self->pAppData);
  CutFile* cut = AsCut(file);
  cut->real = reinterpret_cast<sqlite3_file*>(cut + 1);
  cut->path = nullptr;
  int rc = vfs->real()->xOpen(vfs->real(), name, cut->real, flags, out_flags);
  if (rc != SQLITE_OK || cut->real->pMethods == nullptr) {
    file->pMethods = nullptr;
    return rc;
  }
  if (name != nullptr) cut->path = new std::string(name);
  file->pMethods = &kMethods;
  return SQLITE_OK;
}

int Delete(sqlite3_vfs* self, const char* name, int sync_dir) {
  PowerCutVfs* vfs = static_cast<PowerCutVfs*>(self->pAppData);
  std::lock_guard<std::mutex> lock(vfs->mu());
  if (vfs->off()) return SQLITE_IOERR_DELETE;
  int rc = vfs->real()->xDelete(vfs->real(), name, sync_dir);
  if (rc == SQLITE_OK) vfs->Forget(name);
  return rc;
}

}  // namespace

PowerCutVfs::PowerCutVfs() {
  assert(g_instance == nullptr);
  real_ = sqlite3_vfs_find(nullptr);
  vfs_ = *real_;
  vfs_.pNext = nullptr;
  vfs_.zName = "brevis-power-cut";
  vfs_.pAppData = this;
  vfs_.szOsFile = static_cast<int>(sizeof(CutFile)) + real_->szOsFile;
  vfs_.xOpen = Open;
  vfs_.xDelete = Delete;
  g_instance = this;
  sqlite3_vfs_register(&vfs_, /*makeDflt=*/1);
}

PowerCutVfs::~PowerCutVfs() {
  sqlite3_vfs_unregister(&vfs_);
  sqlite3_vfs_register(real_, /*makeDflt=*/1);
  g_instance = nullptr;
}

PowerCutVfs* PowerCutVfs::Instance() { return g_instance; }

bool PowerCutVfs::Operate() {
  ++operations_;
  if (cut_) return false;
  if (cut_at_ > 0 && operations_ >= cut_at_) {
    cut_ = true;
    return false;
  }
  return true;
}

void PowerCutVfs::ArmCut(int64_t operation) {
  std::lock_guard<std::mutex> lock(mu_);
  cut_at_ = operations_ + operation;
}

void PowerCutVfs::CutNow() {
  std::lock_guard<std::mutex> lock(mu_);
  cut_ = true;
}

bool PowerCutVfs::cut() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cut_;
}

int64_t PowerCutVfs::operations() const {
  std::lock_guard<std::mutex> lock(mu_);
  return operations_;
}

void PowerCutVfs::set_syncs_lie(bool lie) {
  std::lock_guard<std::mutex> lock(mu_);
  syncs_lie_ = lie;
}

std::vector<std::string> PowerCutVfs::RestorePower(Loss loss,
                                                   std::mt19937& random) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> report;
  for (auto& [path, state] : files_) {
    std::vector<Pending>& pending = state.pending;
    if (pending.empty()) continue;
    int fd = open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) {
      report.push_back(path + ": cannot open to restore it");
      continue;
    }
    bool ok = true;
    auto put = [&](const std::string& bytes, int64_t offset) {
      if (bytes.empty()) return;
      ok &= pwrite(fd, bytes.data(), bytes.size(), offset) ==
            static_cast<ssize_t>(bytes.size());
    };
    // Back to the synced content: each operation undone, last first.
    for (auto it = pending.rbegin(); it != pending.rend(); ++it) {
      if (it->truncate) {
        ok &= ftruncate(fd, it->old_size) == 0;
        put(it->old_bytes, it->offset);
      } else {
        put(it->old_bytes, it->offset);
        ok &= ftruncate(fd, it->old_size) == 0;
      }
    }
    // Then what the disk happened to keep, in the order it was written.
    size_t prefix =
        std::uniform_int_distribution<size_t>(0, pending.size())(random);
    size_t kept = 0;
    for (size_t i = 0; i < pending.size(); ++i) {
      bool keep = loss == Loss::kPrefix   ? i < prefix
                  : loss == Loss::kSubset ? random() % 2 == 0
                                          : false;
      if (!keep) continue;
      ++kept;
      if (pending[i].truncate) {
        ok &= ftruncate(fd, pending[i].offset) == 0;
      } else {
        put(pending[i].bytes, pending[i].offset);
      }
    }
    ok &= fsync(fd) == 0;
    close(fd);
    report.push_back(path + ": " + std::to_string(pending.size()) +
                     " unsynced operations, " + std::to_string(kept) + " kept" +
                     (ok ? "" : " (FAILED to restore)"));
    pending.clear();
  }
  files_.clear();
  cut_ = false;
  cut_at_ = -1;
  return report;
}

}  // namespace brevis::fault
