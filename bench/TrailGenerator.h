#pragma once

#include "model/Result.h"

#include <QString>
#include <QStringList>

#include <cstdint>

namespace gatehouse::bench {

struct TrailGeneratorOptions {
    std::uint64_t records = 1000000; // records written, duplicates included
    QString outDir;
    std::uint64_t seed = 1;
    std::uint32_t accounts = 3;
    int threads = 0; // 0: one per core
};

struct TrailGeneratorSummary {
    qint64 files = 0;
    qint64 records = 0;
    qint64 duplicates = 0; // records delivered a second time in a later file
    qint64 jsonBytes = 0;
    qint64 gzipBytes = 0;
    double seconds = 0;
    QStringList paths; // every file written, sorted
};

// Writes CloudTrail log files as a trail delivers them to S3, for benchmarks: the key layout
// AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_
// <YYYYMMDDTHHmmZ>_<16 chars>.json.gz, each file one compact {"Records":[...]} document of 150
// to 650 records, gzip level 6 (libdeflate), deliveries spread over the 30 days before
// 2026-11-30. About one file in two also carries a record or two of the previous files again
// (CloudTrail delivers duplicates), sometimes into another region's folder.
//
// The plan (file sizes, places, names, duplicates) comes from the seed alone and every record
// from (seed, index), so the same seed gives byte-identical files whatever the thread count.
class TrailGenerator
{
public:
    explicit TrailGenerator(TrailGeneratorOptions options);
    Result<TrailGeneratorSummary> run() const;

private:
    TrailGeneratorOptions m_options;
};

} // namespace gatehouse::bench
