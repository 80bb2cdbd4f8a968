#pragma once

#include "model/Result.h"

#include <QByteArray>
#include <QByteArrayView>

namespace gatehouse::cloudtrail {

// Whole-buffer gzip with libdeflate, as CloudTrail writes its files: for the audit log's
// archives (which `trail import` reads back) and for tests that make trail files.
class GzipDeflater
{
public:
    static constexpr int kCloudTrailLevel = 6;

    static Result<QByteArray> compress(QByteArrayView data, int level = kCloudTrailLevel);
};

} // namespace gatehouse::cloudtrail
