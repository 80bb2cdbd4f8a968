#pragma once

#include "model/EventLookup.h"
#include "model/Result.h"
#include "store/SqlTransaction.h"

namespace gatehouse::AuditQuery {

// Runs a lookup over the store's own audit records (audit_events), newest first, one page.
//
// Each attribute has an index (attribute, time, seq). With several attributes, the one with
// the fewest records in the time range drives the scan (counted up to a bound, so the choice
// costs little however large the log; among attributes past the bound, the one whose counted
// records reach furthest back), and the others filter; the free text filters last.
// Page tokens carry the (time, seq) of the last event shown, so they stay valid while records
// are added, and are bound to the lookup that made them.
Result<EventPage> lookup(SqlTransaction &tx, const EventLookup &lookup);

// The index into lookup.conditions of the condition that drives lookup() (-1 when there is
// none), as lookup() would choose it now.
Result<qsizetype> drivingCondition(SqlTransaction &tx, const EventLookup &lookup);

} // namespace gatehouse::AuditQuery
