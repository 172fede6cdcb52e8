#include "server/domain/text_guard.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>

#include "tests/domain/text_guard_expect.h"

namespace brevis::domain {
namespace {

TEST(TextGuardTest, KindNames) {
  EXPECT_EQ(SensitiveKindName(kPin), "Swedish personal identity number");
  EXPECT_EQ(SensitiveKindName(kPhone), "phone number");
  EXPECT_EQ(SensitiveKindName(kEmail), "e-mail address");
}

TEST(TextGuardTest, Utf8AcceptsValidText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ASCII"));
  EXPECT_TRUE(IsValidUtf8("Vårdnadshavare på BUP är nöjda, ÅÄÖ"));
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x98\x80"));  // U+1F600
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
  EXPECT_TRUE(IsValidUtf8("\xEF\xBF\xBD"));      // U+FFFD
  EXPECT_TRUE(IsValidUtf8(std::string_view("a\0b", 3)));
}

TEST(TextGuardTest, Utf8RejectsOverlongs) {
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));
  EXPECT_FALSE(IsValidUtf8("\xC1\xBF"));
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));
  EXPECT_FALSE(IsValidUtf8("\xF0\x80\x80\xAF"));
}

TEST(TextGuardTest, Utf8RejectsLoneContinuationByte) {
  EXPECT_FALSE(IsValidUtf8("\x80"));
  EXPECT_FALSE(
      IsValidUtf8("ab\xBF"
                  "cd"));
}

TEST(TextGuardTest, Utf8RejectsTruncatedSequences) {
  EXPECT_FALSE(IsValidUtf8("\xE2\x82"));
  EXPECT_FALSE(IsValidUtf8("\xE2\x82 x"));
  EXPECT_FALSE(IsValidUtf8("\xC3"));
  EXPECT_FALSE(IsValidUtf8("\xF0\x9F\x98"));
}

TEST(TextGuardTest, Utf8RejectsSurrogates) {
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));
  EXPECT_FALSE(IsValidUtf8("\xED\xBF\xBF"));
  EXPECT_TRUE(IsValidUtf8("\xED\x9F\xBF"));  // U+D7FF, just below.
}

TEST(TextGuardTest, Utf8RejectsBeyondUnicodeRange) {
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));
  EXPECT_FALSE(IsValidUtf8("\xF5\x80\x80\x80"));
  EXPECT_FALSE(IsValidUtf8("\xFF"));
}

TEST(TextGuardTest, CountCodePoints) {
  EXPECT_EQ(CountCodePoints("åäö"), 3u);
  EXPECT_EQ(CountCodePoints(""), 0u);
  EXPECT_EQ(CountCodePoints("abc"), 3u);
  EXPECT_EQ(CountCodePoints("\xF0\x9F\x98\x80!"), 2u);
}

TEST(TextGuardTest, PersonalNumberTenDigitForms) {
  ExpectMatch("121212-1212", kPin, 0, 11);
  ExpectMatch("121212+1212", kPin, 0, 11);
  ExpectMatch("1212121212", kPin, 0, 10);
  ExpectMatch("Pnr 121212-1212.", kPin, 4, 11);
}

TEST(TextGuardTest, PersonalNumberTwelveDigitForms) {
  ExpectMatch("19121212-1212", kPin, 0, 13);
  ExpectMatch("191212121212", kPin, 0, 12);
  ExpectMatch("(20121212-1212)", kPin, 1, 13);
}

TEST(TextGuardTest, CoordinationNumberMatches) {
  // Day 12 + 60 = 72; check digit 9 computed over 121272121.
  ExpectMatch("121272-1219", kPin, 0, 11);
  ExpectMatch("19121272-1219", kPin, 0, 13);
}

TEST(TextGuardTest, PersonalNumberWithDashCharacters) {
  ExpectMatch("121212\u20131212", kPin, 0, 11);  // en dash
  ExpectMatch("121212\u20101212", kPin, 0, 11);  // hyphen
  ExpectMatch("121212\u20111212", kPin, 0, 11);  // non-breaking hyphen
  ExpectMatch("121212\u20121212", kPin, 0, 11);  // figure dash
  ExpectMatch("121212\u20141212", kPin, 0, 11);  // em dash
  ExpectMatch("121212\u20151212", kPin, 0, 11);  // horizontal bar
  ExpectMatch("121212\u22121212", kPin, 0, 11);  // minus sign
  ExpectMatch("19121212\u20131212", kPin, 0, 13);
  ExpectMatch("121272\u20131219", kPin, 0, 11);
  ExpectMatch("Pnr 121212\u20131212.", kPin, 4, 11);
  ExpectNoMatch("121212\u20131213");
  ExpectNoMatch("121212\u2013\u20131212");
  ExpectNoMatch("121212\u2013-1212");
  ExpectNoMatch("121212\u201312123");
}

TEST(TextGuardTest, PersonalNumberWithSpace) {
  ExpectMatch("121212 1212", kPin, 0, 11);
  ExpectMatch("19121212 1212", kPin, 0, 13);
  ExpectMatch("121212\u00a01212", kPin, 0, 11);
  ExpectMatch("121212\u202f1212", kPin, 0, 11);
  ExpectMatch("121212\u20091212", kPin, 0, 11);
  ExpectMatch("Pnr: 121272 1219", kPin, 5, 11);
  // The Luhn check digit still decides.
  ExpectNoMatch("121212 1213");
  ExpectNoMatch("19121212 1213");
  ExpectNoMatch("121212  1212");
  ExpectNoMatch("121212 \u20131212");
  ExpectNoMatch("121212 12123");
  ExpectNoMatch("121212 1212x");
  // '+' marks age 100 or more only when written directly.
  ExpectNoMatch("121212 +1212");
}

TEST(TextGuardTest, PersonalNumberWithWrongCheckDigitIsNotMatched) {
  ExpectNoMatch("121212-1213");
  ExpectNoMatch("19121212-1213");
  ExpectNoMatch("1212121210");
  ExpectNoMatch("121272-1218");
}

TEST(TextGuardTest, PersonalNumberWithImpossibleDateIsNotMatched) {
  // Each has a correct Luhn digit, so only the date rule rejects it.
  ExpectNoMatch("121312-1211");  // month 13
  ExpectNoMatch("121200-1216");  // day 00
  ExpectNoMatch("121232-1218");  // day 32
  ExpectNoMatch("121292-1215");  // day 92, past the coordination range
}

TEST(TextGuardTest, PersonalNumberInsideLongerRunIsNotMatched) {
  ExpectNoMatch("3121212-1212");
  ExpectNoMatch("121212-12123");
  ExpectNoMatch("x121212-1212");
  ExpectNoMatch("121212-1212x");
  ExpectNoMatch("ö121212-1212");
  ExpectNoMatch("12121212121");
  ExpectNoMatch("1191212121212");
}

TEST(TextGuardTest, PersonalNumberUnlistedFormsAreNotMatched) {
  ExpectNoMatch("19121212+1212");  // '+' only belongs to the 10-digit form
  ExpectNoMatch("12121-21212");
  ExpectNoMatch("121212--1212");
}

TEST(TextGuardTest, PhoneNationalForms) {
  ExpectMatch("070-123 45 67", kPhone, 0, 13);
  ExpectMatch("08-123 456 78", kPhone, 0, 13);
  ExpectMatch("0701234567", kPhone, 0, 10);
  ExpectMatch("031-12 34 56", kPhone, 0, 12);
  ExpectMatch("Ring 070-123 45 67.", kPhone, 5, 13);
}

TEST(TextGuardTest, PhoneInternationalForms) {
  ExpectMatch("+46 70 123 45 67", kPhone, 0, 16);
  ExpectMatch("+4670-1234567", kPhone, 0, 13);
  ExpectMatch("tel. +46 8 123 456 78", kPhone, 5, 16);
}

TEST(TextGuardTest, PhoneDigitCountLimits) {
  ExpectNoMatch("070-12 34");                // 7 digits
  ExpectMatch("070-12 345", kPhone, 0, 10);  // 8 digits
  ExpectMatch("07012345678", kPhone, 0, 11);
  ExpectNoMatch("070123456789");  // 12 digits in one group
  ExpectNoMatch("+46 70 12");     // 6 digits
  ExpectMatch("+1234567890123", kPhone, 0, 14);
  ExpectNoMatch("+1234567890123456");  // 16 digits
}

TEST(TextGuardTest, PhoneStopsBeforeTrailingGroups) {
  // The number ends at a group boundary; what follows is a separate count.
  ExpectMatch("070-123 45 67 89", kPhone, 0, 13);
}

TEST(TextGuardTest, PhoneNeedsTrunkZeroThenNonZeroDigit) {
  ExpectNoMatch("00701234567");
  ExpectNoMatch("0 70 123 45 67");
  ExpectNoMatch("701234567");
  // A country code never starts with 0, so this is no international number.
  ExpectNoMatch("+00123456789");
  // The national number after a stray '+' is still caught on its own.
  ExpectMatch("+0701234567", kPhone, 1, 10);
}

TEST(TextGuardTest, PhoneSeparatorsMustBeSingle) {
  ExpectNoMatch("070  123  45  67");
  ExpectNoMatch("070--1234567");
  ExpectNoMatch("070..123.45.67");
  ExpectNoMatch("070\u2013\u2013123 45 67");
  ExpectNoMatch("070\u00a0\u00a0123\u00a045\u00a067");
  ExpectNoMatch("070 \u2013 123 45 67");
}

TEST(TextGuardTest, PhoneWithNoBreakAndThinSpaces) {
  ExpectMatch("070\u00a0123\u00a045\u00a067", kPhone, 0, 13);
  ExpectMatch("070\u202f123\u202f45\u202f67", kPhone, 0, 13);
  ExpectMatch("070\u2009123\u200945\u200967", kPhone, 0, 13);
  ExpectMatch("08-123\u00a0456 78", kPhone, 0, 13);
  ExpectMatch("+46\u00a070\u00a0123\u00a045\u00a067", kPhone, 0, 16);
  ExpectMatch("Ring 070\u00a0123\u00a045\u00a067.", kPhone, 5, 13);
}

TEST(TextGuardTest, PhoneWithDashCharacters) {
  ExpectMatch("070\u2013123 45 67", kPhone, 0, 13);  // en dash
  ExpectMatch("070\u2010123 45 67", kPhone, 0, 13);  // hyphen
  ExpectMatch("070\u2011123 45 67", kPhone, 0, 13);  // non-breaking hyphen
  ExpectMatch("070\u2012123 45 67", kPhone, 0, 13);  // figure dash
  ExpectMatch("070\u2014123 45 67", kPhone, 0, 13);  // em dash
  ExpectMatch("070\u2015123 45 67", kPhone, 0, 13);  // horizontal bar
  ExpectMatch("070\u22121234567", kPhone, 0, 11);    // minus sign
  ExpectMatch("+4670\u20131234567", kPhone, 0, 13);
  ExpectMatch("Ring 031\u201312 34 56.", kPhone, 5, 12);
}

TEST(TextGuardTest, PhoneWithDots) {
  ExpectMatch("070.123.45.67", kPhone, 0, 13);
  ExpectMatch("08.123.45.67", kPhone, 0, 12);
  ExpectMatch("070.1234567", kPhone, 0, 11);
  ExpectMatch("+46.70.123.45.67", kPhone, 0, 16);
  ExpectMatch("Ring 070.123.45.67.", kPhone, 5, 13);
}

TEST(TextGuardTest, PhoneDotsDoNotMixWithOtherSeparators) {
  // Dots never join groups split by spaces or dashes: times stay times.
  ExpectNoMatch("070.123-45-67");
  ExpectNoMatch("08.30-12.00");
  ExpectNoMatch("kl. 08.30\u201309.00");
  // The number before a sentence's final dot is still found.
  ExpectMatch("070-123 45 67.8", kPhone, 0, 13);
}

TEST(TextGuardTest, PhoneWithDoubleZeroPrefix) {
  ExpectMatch("0046 70 123 45 67", kPhone, 0, 17);
  ExpectMatch("0046701234567", kPhone, 0, 13);
  ExpectMatch("0046-8-123 45 67", kPhone, 0, 16);
  ExpectMatch("tel. 0046\u00a070\u2013123\u00a045\u00a067", kPhone, 5, 17);
  // Other countries need ten digits after "00".
  ExpectMatch("0047 22 12 34 56", kPhone, 0, 16);
  ExpectNoMatch("0047 22 12 34 5");
  ExpectNoMatch("0046 70 12");
  ExpectNoMatch("000046701234567");
  ExpectNoMatch("x0046701234567");
}

TEST(TextGuardTest, PhoneWithAreaCodeInParentheses) {
  ExpectMatch("(08) 123 45 67", kPhone, 0, 14);
  ExpectMatch("(070) 123 45 67", kPhone, 0, 15);
  ExpectMatch("(08)123 45 67", kPhone, 0, 13);
  ExpectMatch("(08)\u00a0123\u00a045\u00a067", kPhone, 0, 14);
  ExpectMatch("Ring (031) 12 34 56.", kPhone, 5, 14);
  ExpectNoMatch("(08) 12 34");
  ExpectNoMatch("(08)  123 45 67");
  ExpectNoMatch("(00) 123 45 67");
  ExpectNoMatch("(08123) 45 67");
  ExpectNoMatch("(2026) 123 45 67");
  ExpectNoMatch("x(08) 123 45 67");
}

TEST(TextGuardTest, PhoneWithTrunkZeroInParentheses) {
  ExpectMatch("+46 (0)70-123 45 67", kPhone, 0, 19);
  ExpectMatch("+46(0)8 123 456 78", kPhone, 0, 18);
  ExpectMatch("+46 (0) 70 123 45 67", kPhone, 0, 20);
  ExpectMatch("0046 (0)70-123 45 67", kPhone, 0, 20);
  ExpectMatch("tel. +46\u00a0(0)70\u2013123 45 67", kPhone, 5, 19);
  // The "(0)" is not dialled, so it does not count towards the digits.
  ExpectNoMatch("+46 (0)70 12");
  // A trunk 0 both marked and written: the national number is still found.
  ExpectMatch("+46 (0)070 123 45 67", kPhone, 7, 13);
}

TEST(TextGuardTest, PhoneInsideLongerRunIsNotMatched) {
  ExpectNoMatch("a0701234567");
  ExpectNoMatch("0701234567b");
  ExpectNoMatch("10701234567");
  ExpectNoMatch("x+46701234567");
  ExpectNoMatch("å0701234567");
}

TEST(TextGuardTest, PhoneIgnoresDatesCountsRangesAndTimes) {
  ExpectNoMatch("2026-02-01");
  ExpectNoMatch("2026-05-15");
  ExpectNoMatch("2020");
  ExpectNoMatch("4 och 3");
  ExpectNoMatch("art. 12");
  ExpectNoMatch("13-17");
  ExpectNoMatch("6-12");
  ExpectNoMatch("08.30");
  ExpectNoMatch("kl. 08.30-09.00");
  ExpectNoMatch("0-17 år");
}

TEST(TextGuardTest, NewSeparatorsKeepDatesCountsRangesAndTimesOut) {
  ExpectNoMatch("2026-02-01");
  ExpectNoMatch("2026\u201302\u201301");
  ExpectNoMatch("2026\u221202\u221201");
  ExpectNoMatch("kl. 08.30");
  ExpectNoMatch("kl. 08.30\u201309.00");
  ExpectNoMatch("08.30-12.00, 13.00-16.30");
  ExpectNoMatch("01.02.2026");
  ExpectNoMatch("1.2.3");
  ExpectNoMatch("1.2.3.4.5.6.7.8");
  ExpectNoMatch("3.5");
  ExpectNoMatch("0.5");
  ExpectNoMatch("1 200 kr");
  ExpectNoMatch("1\u00a0200\u00a0000 kr");
  ExpectNoMatch("13\u201317 år");
  ExpectNoMatch("6\u201312 år");
  ExpectNoMatch("0\u201317 år");
  ExpectNoMatch("4 och 3");
  ExpectNoMatch("(4 och 3)");
  ExpectNoMatch("(0\u201317 år)");
}

TEST(TextGuardTest, PersonalNumberWinsOverPhoneShape) {
  // 010101-1237 is valid and also looks like a national phone number.
  ExpectMatch("010101-1237", kPin, 0, 11);
  // With a wrong check digit it is only phone-shaped.
  ExpectMatch("010101-1230", kPhone, 0, 11);
  // A phone candidate that would swallow an identity number yields to it.
  ExpectMatch("08 121212-1212", kPin, 3, 11);
  // The same with the new separators.
  ExpectMatch("010101\u20131237", kPin, 0, 11);
  ExpectMatch("010101\u20131230", kPhone, 0, 11);
  ExpectMatch("010101 1237", kPin, 0, 11);
  ExpectMatch("08 121212 1212", kPin, 3, 11);
  ExpectMatch("(08) 121212\u20131212", kPin, 5, 11);
}

TEST(TextGuardTest, EmailMatches) {
  ExpectMatch("anna.svensson@bup.region.se", kEmail, 0, 27);
  ExpectMatch("a_b%c+d-e@x-y.example.org", kEmail, 0, 25);
  ExpectMatch("Mejla anna@bup.se.", kEmail, 6, 11);
  ExpectMatch("(kontakt: x1@a1.se)", kEmail, 10, 8);
}

TEST(TextGuardTest, EmailOffsetIsStartOfLocalPart) {
  ExpectMatch("skriv till ...anna@bup.se", kEmail, 14, 11);
}

TEST(TextGuardTest, EmailWithSwedishLetters) {
  ExpectMatch("Åsa.Öberg@bup.se", kEmail, 0, 16);
}

TEST(TextGuardTest, EmailNegatives) {
  ExpectNoMatch("foo@bar");
  ExpectNoMatch("@");
  ExpectNoMatch("a @ b");
  ExpectNoMatch("anna@");
  ExpectNoMatch("@bup.se");
  ExpectNoMatch("anna@bup.s");
  ExpectNoMatch("anna@bup.123");
  ExpectNoMatch("anna@.se");
  ExpectNoMatch("anna@@bup.se");
}

TEST(TextGuardTest, OffsetsCountCodePointsNotBytes) {
  ExpectMatch("Vårdnadshavare på BUP: 070-123 45 67", kPhone, 23, 13);
  ExpectMatch("Född åäö 121212-1212", kPin, 9, 11);
  ExpectMatch("Skrev från ålänning@bup.se", kEmail, 11, 15);
  ExpectMatch("\xF0\x9F\x98\x80 +46 70 123 45 67", kPhone, 2, 16);
}

TEST(TextGuardTest, OffsetsCountMultiByteSeparatorsAsOneCodePoint) {
  ExpectMatch("Tel\u00a0070\u2013123\u00a045\u00a067", kPhone, 4, 13);
  ExpectMatch("åäö\u2009(08)\u2009123\u200945\u200967", kPhone, 4, 14);
  ExpectMatch("\u2013\u2013 121212\u20131212", kPin, 3, 11);
  ExpectMatch("Född\u00a0121212\u00a01212", kPin, 5, 11);
  ExpectMatch("\u00a0+46\u00a0(0)70\u2013123\u00a045\u00a067", kPhone, 1, 19);
  ExpectMatch("Mejla\u00a0anna@bup.se", kEmail, 6, 11);
}

TEST(TextGuardTest, LowestOffsetWins) {
  ExpectMatch("anna@bup.se eller 070-123 45 67", kEmail, 0, 11);
  ExpectMatch("070-123 45 67 eller anna@bup.se", kPhone, 0, 13);
  ExpectMatch("anna@bup.se, 121212-1212", kEmail, 0, 11);
  ExpectMatch("070-123 45 67, 121212-1212", kPhone, 0, 13);
  ExpectMatch("121212-1212 och 070-123 45 67", kPin, 0, 11);
}

TEST(TextGuardTest, EmptyAndPlainTextHaveNoMatch) {
  ExpectNoMatch("");
  ExpectNoMatch("Inga personuppgifter här.");
}

TEST(TextGuardTest, RealisticFindingsHaveNoMatch) {
  ExpectNoMatch(
      "De flesta unga beskriver att de blir lyssnade på och tagna på allvar "
      "av sin behandlare.");
  ExpectNoMatch(
      "Flera unga säger att de inte får vara med när beslut om deras "
      "behandling fattas.");
  ExpectNoMatch(
      "Vårdnadshavare vet inte vad en SIP är eller hur man begär en.");
  ExpectNoMatch(
      "Intervjuer 2026-02-01 till 2026-05-15 med 6 unga 13-17 år och 2 "
      "fokusgrupper (4 och 3 barn 6-12 år), art. 12 och art. 24.");
  ExpectNoMatch(
      "Intervjuer 2026\u201302\u201301 till 2026\u201305\u201315 med 6 "
      "unga 13\u201317 år och 2 fokusgrupper (4 och 3 barn 6\u201312 år), "
      "art. 12 och art. 24.");
  ExpectNoMatch(
      "Fokusgrupp kl. 08.30\u201309.15 den 2026-03-04; enkät version 1.2.3 "
      "gav medelvärdet 3.5 av 5. Ersättning 1\u00a0200 kr per familj.");
}

}  // namespace
}  // namespace brevis::domain
