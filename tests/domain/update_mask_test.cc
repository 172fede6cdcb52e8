#include "server/domain/update_mask.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "brevis/v1/audit.pb.h"
#include "brevis/v1/finding.pb.h"
#include "brevis/v1/session.pb.h"
#include "brevis/v1/types.pb.h"
#include "brevis/v1/unit.pb.h"
#include "google/protobuf/field_mask.pb.h"

namespace brevis::domain {
namespace {

// The paths the directory service lets callers change on a unit.
const std::vector<std::string_view> kUnitPaths = {"display_name", "region",
                                                  "kind", "hsa_id", "active"};
// The paths the audit service lets callers change on an audit.
const std::vector<std::string_view> kAuditPaths = {"title",
                                                   "commissioned_by",
                                                   "focus_areas",
                                                   "other_focus_area",
                                                   "question_guide",
                                                   "planned_start_date",
                                                   "planned_report_date",
                                                   "planned_follow_up_date"};

google::protobuf::FieldMask Mask(const std::vector<std::string>& paths) {
  google::protobuf::FieldMask mask;
  for (const std::string& path : paths) mask.add_paths(path);
  return mask;
}

absl::StatusOr<std::vector<std::string>> ResolveUnit(
    const std::vector<std::string>& paths) {
  return ResolveUpdateMask(Mask(paths), *v1::Unit::descriptor(), kUnitPaths);
}

absl::StatusOr<std::vector<std::string>> ResolveAudit(
    const std::vector<std::string>& paths) {
  return ResolveUpdateMask(Mask(paths), *v1::Audit::descriptor(), kAuditPaths);
}

// OK when `result` is INVALID_ARGUMENT with a message starting with
// "update_mask: " and containing `what`.
::testing::AssertionResult IsRefused(
    const absl::StatusOr<std::vector<std::string>>& result,
    std::string_view what) {
  if (result.ok()) return ::testing::AssertionFailure() << "mask accepted";
  const std::string message(result.status().message());
  if (result.status().code() != absl::StatusCode::kInvalidArgument ||
      !message.starts_with("update_mask: ") ||
      message.find(what) == std::string::npos) {
    return ::testing::AssertionFailure()
           << result.status().ToString()
           << ", expected INVALID_ARGUMENT \"update_mask: ...\" mentioning \""
           << what << "\"";
  }
  return ::testing::AssertionSuccess();
}

v1::Date MakeDate(int year, int month, int day) {
  v1::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

// --------------------------------------------------------- ResolveUpdateMask

TEST(ResolveUpdateMaskTest, EmptyMaskIsRefusedListingPaths) {
  absl::StatusOr<std::vector<std::string>> paths = ResolveUnit({});
  EXPECT_TRUE(IsRefused(paths, "required"));
  EXPECT_TRUE(IsRefused(paths, "display_name, region, kind, hsa_id, active"));
}

TEST(ResolveUpdateMaskTest, ReturnsTheNamedPaths) {
  absl::StatusOr<std::vector<std::string>> paths =
      ResolveUnit({"region", "display_name"});
  ASSERT_TRUE(paths.ok()) << paths.status().ToString();
  EXPECT_EQ(*paths, (std::vector<std::string>{"region", "display_name"}));
}

TEST(ResolveUpdateMaskTest, StarExpandsToAllMutablePaths) {
  absl::StatusOr<std::vector<std::string>> paths = ResolveUnit({"*"});
  ASSERT_TRUE(paths.ok()) << paths.status().ToString();
  EXPECT_EQ(*paths, (std::vector<std::string>{"display_name", "region", "kind",
                                              "hsa_id", "active"}));
}

TEST(ResolveUpdateMaskTest, StarWithOtherPathsIsRefused) {
  EXPECT_TRUE(IsRefused(ResolveUnit({"*", "region"}), "only path"));
  EXPECT_TRUE(IsRefused(ResolveUnit({"region", "*"}), "only path"));
  EXPECT_TRUE(IsRefused(ResolveUnit({"*", "*"}), "only path"));
}

TEST(ResolveUpdateMaskTest, UnknownPathIsRefusedNamingIt) {
  absl::StatusOr<std::vector<std::string>> paths =
      ResolveUnit({"region", "colour"});
  EXPECT_TRUE(IsRefused(paths, "'colour'"));
  EXPECT_TRUE(IsRefused(paths, "display_name, region, kind, hsa_id, active"));
  EXPECT_TRUE(IsRefused(ResolveUnit({""}), "no field"));
  EXPECT_TRUE(IsRefused(ResolveUnit({"Region"}), "'Region'"));
}

TEST(ResolveUpdateMaskTest, NestedPathIsRefused) {
  EXPECT_TRUE(IsRefused(ResolveAudit({"planned_start_date.year"}),
                        "'planned_start_date.year'"));
}

TEST(ResolveUpdateMaskTest, OutputOnlyPathIsRefused) {
  for (const char* path : {"name", "create_time", "update_time"}) {
    EXPECT_TRUE(
        IsRefused(ResolveUnit({path}), std::string(path) + " is output only"))
        << path;
  }
  EXPECT_TRUE(IsRefused(ResolveAudit({"title", "state"}), "state is output"));
}

TEST(ResolveUpdateMaskTest, ImmutablePathIsRefused) {
  EXPECT_TRUE(IsRefused(ResolveAudit({"unit"}),
                        "unit is output only or cannot be changed"));
}

TEST(ResolveUpdateMaskTest, DuplicatePathIsRefused) {
  EXPECT_TRUE(IsRefused(ResolveUnit({"region", "kind", "region"}),
                        "region given twice"));
}

// ----------------------------------------------------------- ApplyUpdateMask

TEST(ApplyUpdateMaskTest, CopiesStringField) {
  v1::Unit source;
  source.set_display_name("BUP Prima Handen");
  v1::Unit target;
  target.set_display_name("BUP Gamla namnet");
  ApplyUpdateMask(source, {"display_name"}, &target);
  EXPECT_EQ(target.display_name(), "BUP Prima Handen");
}

TEST(ApplyUpdateMaskTest, CopiesEnumField) {
  v1::Unit source;
  source.set_kind(v1::UNIT_KIND_INPATIENT);
  v1::Unit target;
  target.set_kind(v1::UNIT_KIND_OUTPATIENT);
  ApplyUpdateMask(source, {"kind"}, &target);
  EXPECT_EQ(target.kind(), v1::UNIT_KIND_INPATIENT);
}

TEST(ApplyUpdateMaskTest, CopiesInt32Field) {
  v1::Session source;
  source.set_participant_count(4);
  v1::Session target;
  target.set_participant_count(3);
  ApplyUpdateMask(source, {"participant_count"}, &target);
  EXPECT_EQ(target.participant_count(), 4);
}

TEST(ApplyUpdateMaskTest, CopiesBoolField) {
  v1::Finding source;
  source.set_sip(true);
  v1::Finding target;
  ApplyUpdateMask(source, {"sip"}, &target);
  EXPECT_TRUE(target.sip());
  ApplyUpdateMask(v1::Finding(), {"sip"}, &target);
  EXPECT_FALSE(target.sip());
}

TEST(ApplyUpdateMaskTest, CopiesMessageField) {
  v1::Audit source;
  *source.mutable_planned_start_date() = MakeDate(2026, 2, 1);
  v1::Audit target;
  *target.mutable_planned_start_date() = MakeDate(2025, 9, 30);
  ApplyUpdateMask(source, {"planned_start_date"}, &target);
  EXPECT_EQ(target.planned_start_date().year(), 2026);
  EXPECT_EQ(target.planned_start_date().month(), 2);
  EXPECT_EQ(target.planned_start_date().day(), 1);
}

TEST(ApplyUpdateMaskTest, ClearsMessageFieldUnsetInSource) {
  v1::Audit target;
  *target.mutable_planned_follow_up_date() = MakeDate(2026, 11, 15);
  ApplyUpdateMask(v1::Audit(), {"planned_follow_up_date"}, &target);
  EXPECT_FALSE(target.has_planned_follow_up_date());
}

TEST(ApplyUpdateMaskTest, ClearsScalarFieldsUnsetInSource) {
  v1::Unit target;
  target.set_hsa_id("SE2321000016-15HX");
  target.set_kind(v1::UNIT_KIND_EMERGENCY);
  ApplyUpdateMask(v1::Unit(), {"hsa_id", "kind"}, &target);
  EXPECT_EQ(target.hsa_id(), "");
  EXPECT_EQ(target.kind(), v1::UNIT_KIND_UNSPECIFIED);
}

TEST(ApplyUpdateMaskTest, ReplacesRepeatedEnumField) {
  v1::Audit source;
  source.add_focus_areas(v1::FOCUS_AREA_OTHER);
  v1::Audit target;
  target.add_focus_areas(v1::FOCUS_AREA_PARTICIPATION);
  target.add_focus_areas(v1::FOCUS_AREA_RESPECT);
  ApplyUpdateMask(source, {"focus_areas"}, &target);
  ASSERT_EQ(target.focus_areas_size(), 1);
  EXPECT_EQ(target.focus_areas(0), v1::FOCUS_AREA_OTHER);
}

TEST(ApplyUpdateMaskTest, ReplacesRepeatedInt32Field) {
  v1::Finding source;
  source.add_child_rights_articles(3);
  source.add_child_rights_articles(24);
  v1::Finding target;
  target.add_child_rights_articles(12);
  ApplyUpdateMask(source, {"child_rights_articles"}, &target);
  EXPECT_EQ(std::vector<int>(target.child_rights_articles().begin(),
                             target.child_rights_articles().end()),
            (std::vector<int>{3, 24}));
}

TEST(ApplyUpdateMaskTest, EmptyRepeatedInSourceClearsTarget) {
  v1::Finding target;
  target.add_informant_groups(v1::INFORMANT_GROUP_CHILD);
  target.add_child_rights_articles(12);
  ApplyUpdateMask(v1::Finding(), {"informant_groups", "child_rights_articles"},
                  &target);
  EXPECT_EQ(target.informant_groups_size(), 0);
  EXPECT_EQ(target.child_rights_articles_size(), 0);
}

TEST(ApplyUpdateMaskTest, LeavesFieldsOutsideTheMaskAlone) {
  v1::Unit source;
  source.set_display_name("Nytt namn");
  source.set_region("Region Uppsala");
  source.set_active(false);
  v1::Unit target;
  target.set_name("units/abc");
  target.set_display_name("Gammalt namn");
  target.set_region("Region Stockholm");
  target.set_active(true);
  target.set_etag("e1");
  ApplyUpdateMask(source, {"display_name"}, &target);
  EXPECT_EQ(target.display_name(), "Nytt namn");
  EXPECT_EQ(target.region(), "Region Stockholm");
  EXPECT_TRUE(target.has_active());
  EXPECT_TRUE(target.active());
  EXPECT_EQ(target.name(), "units/abc");
  EXPECT_EQ(target.etag(), "e1");
}

TEST(ApplyUpdateMaskTest, OptionalFieldSetToFalseStaysSet) {
  v1::Unit source;
  source.set_active(false);
  v1::Unit target;
  target.set_active(true);
  ApplyUpdateMask(source, {"active"}, &target);
  EXPECT_TRUE(target.has_active());
  EXPECT_FALSE(target.active());
}

TEST(ApplyUpdateMaskTest, OptionalFieldUnsetInSourceIsClearedInTarget) {
  v1::Unit target;
  target.set_active(true);
  ApplyUpdateMask(v1::Unit(), {"active"}, &target);
  EXPECT_FALSE(target.has_active());
}

TEST(ApplyUpdateMaskTest, AppliesEveryResolvedPathOfStar) {
  v1::Unit source;
  source.set_display_name("BUP Prima Handen");
  source.set_region("Region Stockholm");
  source.set_kind(v1::UNIT_KIND_OUTPATIENT);
  source.set_hsa_id("SE2321000016-15HX");
  source.set_active(true);
  source.set_name("units/other");
  absl::StatusOr<std::vector<std::string>> paths = ResolveUnit({"*"});
  ASSERT_TRUE(paths.ok()) << paths.status().ToString();
  v1::Unit target;
  target.set_name("units/abc");
  ApplyUpdateMask(source, *paths, &target);
  v1::Unit expected = source;
  expected.set_name("units/abc");
  EXPECT_EQ(target.SerializeAsString(), expected.SerializeAsString())
      << target.DebugString();
}

}  // namespace
}  // namespace brevis::domain
