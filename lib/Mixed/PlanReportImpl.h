//===- PlanReportImpl.h - plan report helpers ------------------*- C++ -*-===//
//-*-===//
//
// Formatting helpers of PlanReport.cpp that PlanReportHtml.cpp also uses.
// Private to lib/Mixed.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_LIB_MIXED_PLANREPORTIMPL_H
#define QCC_LIB_MIXED_PLANREPORTIMPL_H

#include "qcc/Mixed/PlanReport.h"

namespace qcc::mixed {

/// printf into a std::string.
std::string strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/// Whether the report's metric is mse (shown as SQNR dB); else KL.
bool isMse(llvm::StringRef metric);

/// "850", "12.3 k", "4.1 M", "1.20 G".
std::string formatCount(int64_t n);

/// Every precision a report may show, in report order.
llvm::ArrayRef<Precision> reportOrder();

/// "12 fp32, 20 int8, 5 int4w".
std::string countsText(const std::map<Precision, int> &counts);

/// The chosen plan's layers per precision: as given, or counted.
std::map<Precision, int> planCounts(const PlanReport &r);

/// The reference whose label names `what` ("fp32", "int8"), or null.
const ReportPoint *findReference(const PlanReport &r, llvm::StringRef what);

/// `s` cut to `width` bytes (ending in "...") at a UTF-8 character
/// boundary.
std::string clip(llvm::StringRef s, size_t width);

/// Whether two points are the same plan (equal bytes, time and error).
bool samePoint(const ReportPoint &a, const ReportPoint &b);

} // namespace qcc::mixed

#endif // QCC_LIB_MIXED_PLANREPORTIMPL_H
