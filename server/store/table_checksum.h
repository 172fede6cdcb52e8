#ifndef BREVIS_SERVER_STORE_TABLE_CHECKSUM_H_
#define BREVIS_SERVER_STORE_TABLE_CHECKSUM_H_

// A checksum of a table's rows that reads the same from SQLite and from
// PostgreSQL, so `brevisd copy` can prove a copy whole (issue 17). Computed
// here with OpenSSL rather than by either engine, whose hash functions and
// text renderings differ.

#include <openssl/evp.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "server/store/connection.h"

namespace brevis::store {

// How a column's values are read and rendered, from PostgreSQL's type of
// the column: bigint, text or bytea.
enum class ColumnKind { kInteger, kText, kBytes };

// SHA-256 over rows fed in a fixed order (the caller's ORDER BY), with the
// row count. Each value is rendered as a tag (N for NULL, I, T or B) and,
// unless NULL, its length (8 bytes, big-endian) and bytes (an integer in
// decimal), so no two different rows, or splits of one row into columns,
// render alike. Not thread-safe; owns its digest context.
class TableChecksum {
 public:
  TableChecksum();
  TableChecksum(const TableChecksum&) = delete;
  TableChecksum& operator=(const TableChecksum&) = delete;

  // Adds the row `row` stands on; column i is read as `kinds[i]`.
  void AddRow(const Statement& row, std::span<const ColumnKind> kinds);

  int64_t rows() const { return rows_; }
  // The lowercase hex digest of the rows added so far; call once, last.
  std::string HexDigest();

 private:
  struct Free {
    void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
  };
  void Update(char tag, std::string_view bytes);

  std::unique_ptr<EVP_MD_CTX, Free> context_;
  int64_t rows_ = 0;
};

}  // namespace brevis::store

#endif  // BREVIS_SERVER_STORE_TABLE_CHECKSUM_H_
