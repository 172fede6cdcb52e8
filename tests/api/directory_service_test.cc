#include <gmock/gmock.h>

#include "tests/api/service_fixture.h"

namespace brevis::api {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class DirectoryServiceTest : public ServiceTest {
 protected:
  grpc::Status Update(const v1::Unit& unit, std::vector<std::string> paths,
                      v1::Unit* updated) {
    grpc::ClientContext context;
    v1::UpdateUnitRequest request;
    *request.mutable_unit() = unit;
    for (const std::string& path : paths) {
      request.mutable_update_mask()->add_paths(path);
    }
    return directory_->UpdateUnit(&context, request, updated);
  }
};

TEST_F(DirectoryServiceTest, CreateReturnsNameTimesEtagAndActiveByDefault) {
  v1::Unit unit = MustCreateUnit(ExampleUnit());
  EXPECT_THAT(unit.name(), StartsWith("units/"));
  EXPECT_EQ(unit.display_name(), "BUP Prima Handen");
  EXPECT_TRUE(unit.active());
  EXPECT_EQ(unit.create_time().seconds(), 1780000000);
  EXPECT_FALSE(unit.etag().empty());

  grpc::ClientContext context;
  v1::GetUnitRequest request;
  request.set_name(unit.name());
  v1::Unit read;
  ASSERT_TRUE(directory_->GetUnit(&context, request, &read).ok());
  EXPECT_EQ(read.SerializeAsString(), unit.SerializeAsString());
}

TEST_F(DirectoryServiceTest, InvalidUnitIsRefusedAndNothingIsCreated) {
  v1::Unit unit = ExampleUnit();
  unit.set_display_name(std::string(201, 'a'));
  grpc::ClientContext context;
  v1::CreateUnitRequest request;
  *request.mutable_unit() = unit;
  v1::Unit created;
  grpc::Status status = directory_->CreateUnit(&context, request, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), StartsWith("unit.display_name: "));
  EXPECT_EQ(CountUnits(), 0);
}

TEST_F(DirectoryServiceTest, DuplicateHsaIdIsAlreadyExists) {
  v1::Unit unit = ExampleUnit();
  unit.set_hsa_id("SE2321000016-15HX");
  MustCreateUnit(unit);
  grpc::ClientContext context;
  v1::CreateUnitRequest request;
  *request.mutable_unit() = unit;
  v1::Unit created;
  grpc::Status status = directory_->CreateUnit(&context, request, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(status.error_message(), HasSubstr("unit.hsa_id"));
  EXPECT_EQ(CountUnits(), 1);
}

TEST_F(DirectoryServiceTest, RepeatedRequestIdReturnsTheFirstUnit) {
  v1::Unit first, second;
  for (v1::Unit* out : {&first, &second}) {
    grpc::ClientContext context;
    v1::CreateUnitRequest request;
    *request.mutable_unit() = ExampleUnit();
    request.set_request_id("7f1c0b9e-2d4a-4c61-9a53-0c2f9b1e8d77");
    ASSERT_TRUE(directory_->CreateUnit(&context, request, out).ok());
  }
  EXPECT_EQ(first.name(), second.name());
  EXPECT_EQ(CountUnits(), 1);
}

TEST_F(DirectoryServiceTest, MalformedRequestIdIsRefused) {
  grpc::ClientContext context;
  v1::CreateUnitRequest request;
  *request.mutable_unit() = ExampleUnit();
  request.set_request_id("not allowed!");
  v1::Unit created;
  grpc::Status status = directory_->CreateUnit(&context, request, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), StartsWith("request_id: "));
}

TEST_F(DirectoryServiceTest, GetMissingOrMalformedName) {
  for (auto [name, code] :
       std::vector<std::pair<std::string, grpc::StatusCode>>{
           {"units/0123456789abcdef", grpc::StatusCode::NOT_FOUND},
           {"audits/0123456789abcdef", grpc::StatusCode::INVALID_ARGUMENT},
           {"", grpc::StatusCode::INVALID_ARGUMENT}}) {
    grpc::ClientContext context;
    v1::GetUnitRequest request;
    request.set_name(name);
    v1::Unit unit;
    EXPECT_EQ(directory_->GetUnit(&context, request, &unit).error_code(), code)
        << name;
  }
}

TEST_F(DirectoryServiceTest, UpdateChangesOnlyMaskedFieldsAndBumpsEtag) {
  v1::Unit unit = MustCreateUnit(ExampleUnit());
  clock_.Advance(absl::Minutes(5));
  v1::Unit change;
  change.set_name(unit.name());
  change.set_display_name("BUP Prima Handen (Haninge)");
  change.set_region("ignored, not in the mask");
  change.set_active(false);
  v1::Unit updated;
  ASSERT_TRUE(Update(change, {"display_name", "active"}, &updated).ok());
  EXPECT_EQ(updated.display_name(), "BUP Prima Handen (Haninge)");
  EXPECT_EQ(updated.region(), "Region Stockholm");
  EXPECT_FALSE(updated.active());
  EXPECT_NE(updated.etag(), unit.etag());
  EXPECT_EQ(updated.update_time().seconds(), 1780000300);
  EXPECT_EQ(updated.create_time().seconds(), 1780000000);
}

TEST_F(DirectoryServiceTest, StaleEtagIsAbortedAndChangesNothing) {
  v1::Unit unit = MustCreateUnit(ExampleUnit());
  v1::Unit first = unit;
  first.set_display_name("Första");
  v1::Unit updated;
  ASSERT_TRUE(Update(first, {"display_name"}, &updated).ok());
  v1::Unit stale = unit;  // still carries the old etag
  stale.set_display_name("Andra");
  grpc::Status status = Update(stale, {"display_name"}, &updated);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED);

  grpc::ClientContext context;
  v1::GetUnitRequest get;
  get.set_name(unit.name());
  v1::Unit read;
  ASSERT_TRUE(directory_->GetUnit(&context, get, &read).ok());
  EXPECT_EQ(read.display_name(), "Första");
}

TEST_F(DirectoryServiceTest, UpdateMaskErrorsNameThePath) {
  v1::Unit unit = MustCreateUnit(ExampleUnit());
  v1::Unit updated;
  for (auto [paths, text] :
       std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{}, "update_mask: required"},
           {{"colour"}, "no field 'colour'"},
           {{"create_time"}, "create_time is output only"},
           {{"name"}, "name is output only"}}) {
    grpc::Status status = Update(unit, paths, &updated);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), HasSubstr(text));
  }
}

TEST_F(DirectoryServiceTest, UpdateThatBreaksARuleChangesNothing) {
  v1::Unit unit = MustCreateUnit(ExampleUnit());
  v1::Unit change = unit;
  change.set_region("");
  v1::Unit updated;
  grpc::Status status = Update(change, {"region"}, &updated);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), StartsWith("unit.region: required"));
}

TEST_F(DirectoryServiceTest, ListFiltersByActiveKindAndRegion) {
  MustCreateUnit(ExampleUnit());
  v1::Unit inpatient = ExampleUnit();
  inpatient.set_kind(v1::UNIT_KIND_INPATIENT);
  inpatient.set_region("Region Uppsala");
  inpatient.set_active(false);
  MustCreateUnit(inpatient);

  auto list = [&](const std::string& filter) {
    grpc::ClientContext context;
    v1::ListUnitsRequest request;
    request.set_filter(filter);
    v1::ListUnitsResponse response;
    grpc::Status status = directory_->ListUnits(&context, request, &response);
    EXPECT_TRUE(status.ok()) << filter << ": " << status.error_message();
    return response.units_size();
  };
  EXPECT_EQ(list(""), 2);
  EXPECT_EQ(list("active = true"), 1);
  EXPECT_EQ(list("kind = INPATIENT"), 1);
  EXPECT_EQ(list("kind = UNIT_KIND_OUTPATIENT AND active = true"), 1);
  EXPECT_EQ(list("region = \"Region Uppsala\""), 1);
  EXPECT_EQ(list("region = \"Region Skåne\""), 0);

  grpc::ClientContext context;
  v1::ListUnitsRequest request;
  request.set_filter("colour = red");
  v1::ListUnitsResponse response;
  grpc::Status status = directory_->ListUnits(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), StartsWith("filter: "));
}

}  // namespace
}  // namespace brevis::api
