#include "server/store/table_checksum.h"

#include <array>
#include <cstdio>

namespace brevis::store {

TableChecksum::TableChecksum() : context_(EVP_MD_CTX_new()) {
  EVP_DigestInit_ex(context_.get(), EVP_sha256(), nullptr);
}

void TableChecksum::Update(char tag, std::string_view bytes) {
  EVP_DigestUpdate(context_.get(), &tag, 1);
  if (tag == 'N') return;
  std::array<unsigned char, 8> length;
  uint64_t size = bytes.size();
  for (int i = 7; i >= 0; --i) {
    length[i] = static_cast<unsigned char>(size & 0xff);
    size >>= 8;
  }
  EVP_DigestUpdate(context_.get(), length.data(), length.size());
  EVP_DigestUpdate(context_.get(), bytes.data(), bytes.size());
}

void TableChecksum::AddRow(const Statement& row,
                           std::span<const ColumnKind> kinds) {
  for (size_t i = 0; i < kinds.size(); ++i) {
    int column = static_cast<int>(i);
    if (row.IsNull(column)) {
      Update('N', {});
      continue;
    }
    switch (kinds[i]) {
      case ColumnKind::kInteger:
        Update('I', std::to_string(row.Int(column)));
        break;
      case ColumnKind::kText:
        Update('T', row.Text(column));
        break;
      case ColumnKind::kBytes:
        Update('B', row.Blob(column));
        break;
    }
  }
  ++rows_;
}

std::string TableChecksum::HexDigest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(context_.get(), digest, &size);
  std::string hex;
  char pair[3];
  for (unsigned int i = 0; i < size; ++i) {
    std::snprintf(pair, sizeof pair, "%02x", digest[i]);
    hex += pair;
  }
  return hex;
}

}  // namespace brevis::store
