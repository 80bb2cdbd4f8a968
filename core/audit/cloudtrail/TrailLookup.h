#pragma once

#include "TrailDatabase.h"
#include "TrailRecordSource.h"
#include "model/EventLookup.h"

#include <QHash>

namespace gatehouse::cloudtrail {

// Runs an EventLookup over the index, newest first, one page at a time.
//
// Segments are visited newest first (by their newest record). In each, the condition with the
// fewest records there drives: its postings (newest first, with their times) are cut to the
// time range and the page position, and each is kept when every other condition's postings
// hold it too. A segment yields at most a page; the visit stops once a page is full and the
// next segment holds nothing newer than its oldest event. Free text is checked on the records
// themselves, read back from their files; the page's records are read file by file (from the
// access point before them), and each is checked against its event id and the values asked
// for (the index holds hashes of them). Page tokens
// hold (time, segment, position) of the last event shown, so they stay valid while imports add
// segments.
class TrailLookup
{
public:
    explicit TrailLookup(TrailDatabase &database)
        : m_database(database)
    {}

    Result<EventPage> run(const EventLookup &lookup);

private:
    // For each file (by id), the last access point at or before its text offset given: where
    // a page's records of it are decompressed from. Files without one are left out.
    Result<QHash<std::uint32_t, GzipAccessPoint>>
    accessPoints(const QHash<std::uint32_t, std::uint32_t> &offsets);

    TrailDatabase &m_database;
    TrailRecordSource m_records;
};

} // namespace gatehouse::cloudtrail
