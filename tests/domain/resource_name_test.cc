#include "server/domain/resource_name.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace brevis::domain {
namespace {

// OK when `status` is INVALID_ARGUMENT with a message starting with
// "`field`: " and containing `what`.
::testing::AssertionResult IsRefused(const absl::Status& status,
                                     std::string_view field,
                                     std::string_view what) {
  if (status.ok()) return ::testing::AssertionFailure() << "name accepted";
  const std::string message(status.message());
  const std::string prefix = std::string(field) + ": ";
  if (status.code() != absl::StatusCode::kInvalidArgument ||
      !message.starts_with(prefix) || message.find(what) == std::string::npos) {
    return ::testing::AssertionFailure()
           << status.ToString() << ", expected INVALID_ARGUMENT \"" << prefix
           << "...\" mentioning \"" << what << "\"";
  }
  return ::testing::AssertionSuccess();
}

template <typename Name>
::testing::AssertionResult IsRefused(const absl::StatusOr<Name>& result,
                                     std::string_view field,
                                     std::string_view what) {
  return IsRefused(result.status(), field, what);
}

bool IsLowercaseHex(std::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// ---------------------------------------------------------------- ParseName
// The typed parsers share one splitter; a unit (top level) and a finding
// (nested) cover its cases.

TEST(ParseNameTest, ParsesTopLevelName) {
  absl::StatusOr<name::Unit> unit =
      ParseUnitName("units/bup-prima-handen", "name");
  ASSERT_TRUE(unit.ok()) << unit.status().ToString();
  EXPECT_EQ(unit->unit, "bup-prima-handen");
}

TEST(ParseNameTest, ParsesNestedName) {
  absl::StatusOr<name::Finding> finding =
      ParseFindingName("audits/a1/findings/f2", "name");
  ASSERT_TRUE(finding.ok()) << finding.status().ToString();
  EXPECT_EQ(finding->audit, "a1");
  EXPECT_EQ(finding->finding, "f2");
}

TEST(ParseNameTest, EmptyNameIsRequiredAndShowsTheShape) {
  absl::StatusOr<name::Finding> finding = ParseFindingName("", "finding.name");
  EXPECT_TRUE(IsRefused(finding, "finding.name", "required"));
  EXPECT_TRUE(
      IsRefused(finding, "finding.name", "audits/{audit}/findings/{finding}"));
}

TEST(ParseNameTest, MessageNamesTheGivenField) {
  EXPECT_TRUE(IsRefused(ParseUnitName("audits/abc", "audit.unit"), "audit.unit",
                        "units/{unit}"));
}

TEST(ParseNameTest, WrongCollectionIsRefused) {
  EXPECT_TRUE(IsRefused(ParseUnitName("audits/abc", "name"), "name",
                        "\"audits/abc\" is not a resource name"));
  EXPECT_TRUE(IsRefused(ParseUnitName("unit/abc", "name"), "name",
                        "not a resource name"));
  EXPECT_TRUE(IsRefused(ParseFindingName("audits/a1/sessions/s1", "name"),
                        "name", "not a resource name"));
}

TEST(ParseNameTest, ExtraSegmentsAreRefused) {
  for (const char* name : {"units/abc/extra", "units/abc/", "/units/abc",
                           "units//abc", "audits/a1/findings/f2/x"}) {
    EXPECT_TRUE(IsRefused(name[0] == 'a'
                              ? ParseFindingName(name, "name").status()
                              : ParseUnitName(name, "name").status(),
                          "name", "not a resource name"))
        << name;
  }
}

TEST(ParseNameTest, MissingSegmentsAreRefused) {
  EXPECT_TRUE(
      IsRefused(ParseUnitName("units", "name"), "name", "not a resource"));
  EXPECT_TRUE(
      IsRefused(ParseUnitName("units/", "name"), "name", "not a resource"));
  EXPECT_TRUE(
      IsRefused(ParseUnitName("abc", "name"), "name", "not a resource"));
  EXPECT_TRUE(IsRefused(ParseFindingName("audits/a1", "name"), "name",
                        "not a resource"));
  EXPECT_TRUE(IsRefused(ParseFindingName("audits/a1/findings", "name"), "name",
                        "not a resource"));
  EXPECT_TRUE(IsRefused(ParseFindingName("audits/a1/findings/", "name"), "name",
                        "not a resource"));
}

TEST(ParseNameTest, IdsAreLowercaseLettersDigitsAndDash) {
  for (const char* name : {"units/ABC", "units/Abc", "units/a_b", "units/a.b",
                           "units/a b", "units/å", "units/a%2Fb"}) {
    EXPECT_TRUE(
        IsRefused(ParseUnitName(name, "name"), "name", "not a resource name"))
        << name;
  }
  EXPECT_TRUE(ParseUnitName("units/0-9-a-z", "name").ok());
}

TEST(ParseNameTest, IdsAreAtMost63Characters) {
  absl::StatusOr<name::Unit> unit =
      ParseUnitName("units/" + std::string(63, 'a'), "name");
  ASSERT_TRUE(unit.ok()) << unit.status().ToString();
  EXPECT_EQ(unit->unit.size(), 63u);
  EXPECT_TRUE(IsRefused(ParseUnitName("units/" + std::string(64, 'a'), "name"),
                        "name", "not a resource name"));
  EXPECT_TRUE(IsRefused(
      ParseFindingName("audits/a1/findings/" + std::string(64, 'f'), "name"),
      "name", "not a resource name"));
}

TEST(ParseNameTest, NameHelpersBuildParsableNames) {
  EXPECT_EQ(UnitName("u1"), "units/u1");
  EXPECT_EQ(AuditName("a1"), "audits/a1");
  EXPECT_EQ(SessionName("a1", "s1"), "audits/a1/sessions/s1");
  EXPECT_EQ(FindingName("a1", "f1"), "audits/a1/findings/f1");
  absl::StatusOr<name::Finding> finding =
      ParseFindingName(FindingName("a1", "f1"), "name");
  ASSERT_TRUE(finding.ok()) << finding.status().ToString();
  EXPECT_EQ(finding->audit, "a1");
  EXPECT_EQ(finding->finding, "f1");
}

// ------------------------------------------------------------ NewResourceId

TEST(NewResourceIdTest, IsSixteenLowercaseHexDigits) {
  const std::string id = NewResourceId();
  EXPECT_EQ(id.size(), 16u) << id;
  EXPECT_TRUE(IsLowercaseHex(id)) << id;
}

TEST(NewResourceIdTest, TwoCallsDiffer) {
  EXPECT_NE(NewResourceId(), NewResourceId());
}

TEST(NewResourceIdTest, IsAValidIdInAName) {
  EXPECT_TRUE(ParseUnitName(UnitName(NewResourceId()), "name").ok());
}

}  // namespace
}  // namespace brevis::domain
