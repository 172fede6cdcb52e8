#ifndef BREVIS_SERVER_REPORT_EXPORT_H_
#define BREVIS_SERVER_REPORT_EXPORT_H_

// The CSV export: one row per recommendation with the unit's response, its
// actions and the follow-up verdict (RFC 4180: commas, CRLF, quotes
// doubled).

#include <string>
#include <vector>

#include "brevis/v1/report.pb.h"
#include "server/report/labels.h"

namespace brevis::report {

// One CSV record. A field that a spreadsheet would run as a formula
// (starting with = + - @) gets a leading apostrophe.
std::string CsvRecord(const std::vector<std::string>& fields);

// The header record in `language`.
std::string ExportHeader(Language language);

// The records of one audit's recommendations. `report` needs its audit,
// unit name, participants (already suppressed), findings and
// recommendations with actions.
std::string ExportRecords(const v1::AuditReport& report, Language language,
                          int minimum_group);

}  // namespace brevis::report

#endif  // BREVIS_SERVER_REPORT_EXPORT_H_
