// Registers a unit, reads it back and walks the units, through the
// installed brevis_client library. Usage: consumer HOST:PORT TOKEN_FILE.
// Prints the new unit's name and "units: N"; exits 1 on any failure.

#include <iostream>

#include "brevis/client/client.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: consumer HOST:PORT TOKEN_FILE\n";
    return 2;
  }
  brevis::client::ClientOptions options;
  options.target = argv[1];
  options.token_file = argv[2];
  absl::StatusOr<brevis::client::Client> client =
      brevis::client::Client::Create(options);
  if (!client.ok()) {
    std::cerr << client.status() << "\n";
    return 1;
  }
  brevis::v1::CreateUnitRequest create;
  create.mutable_unit()->set_display_name("BUP Prima Handen");
  create.mutable_unit()->set_region("Region Stockholm");
  create.mutable_unit()->set_kind(brevis::v1::UNIT_KIND_OUTPATIENT);
  absl::StatusOr<brevis::v1::Unit> unit = client->CreateUnit(create);
  if (!unit.ok()) {
    std::cerr << "CreateUnit: " << unit.status() << "\n";
    return 1;
  }
  brevis::v1::GetUnitRequest get;
  get.set_name(unit->name());
  absl::StatusOr<brevis::v1::Unit> read = client->GetUnit(get);
  if (!read.ok() || read->display_name() != "BUP Prima Handen") {
    std::cerr << "GetUnit: " << read.status() << "\n";
    return 1;
  }
  brevis::v1::ListUnitsRequest list;
  list.set_page_size(1);
  brevis::client::Paged<brevis::v1::Unit> units = client->WalkUnits(list);
  brevis::v1::Unit each;
  int count = 0;
  while (count < 1000 && units.Next(&each)) ++count;
  if (!units.status().ok()) {
    std::cerr << "ListUnits: " << units.status() << "\n";
    return 1;
  }
  std::cout << unit->name() << "\nunits: " << count << "\n";
  return 0;
}
