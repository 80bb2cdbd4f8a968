#pragma once

#include "TrailResource.h"

#include <QString>
#include <QtGlobal>

#include <optional>
#include <span>
#include <string_view>

namespace gatehouse::cloudtrail {

// One CloudTrail record as read from a log file, with the fields LookupEvents filters on.
//
// Every view (and the resources span) points into storage owned by the TrailBatch the record
// came in: they stay valid, at the same addresses, while that batch lives (also when it is
// moved) and until it is cleared or read into again. Text is UTF-8 exactly as in the record,
// escapes decoded. A field that is absent, or that is not a string where CloudTrail has one,
// is empty.
struct TrailRecord {
    // The whole record, minified, every field kept (unknown ones too), escapes as written.
    std::string_view json;
    // eventID; for a record without one, "sha256:" + the hex SHA-256 of `json`, so identical
    // copies of it still de-duplicate.
    std::string_view eventId;
    // eventTime (Logstash exports: @timestamp) in UTC milliseconds since the epoch.
    qint64 eventTimeMs = 0;
    std::string_view eventSource;
    std::string_view eventName;
    std::string_view eventType;
    std::string_view awsRegion;
    std::string_view sourceIPAddress;
    std::string_view userAgent;
    std::string_view errorCode;
    std::string_view recipientAccountId;
    std::string_view accessKeyId; // userIdentity.accessKeyId
    // LookupEvents' Username: userIdentity.userName; for AssumedRole and FederatedUser callers
    // the session name after the last '/' of userIdentity.arn; else
    // sessionContext.sessionIssuer.userName; else userIdentity.invokedBy; else empty.
    std::string_view username;
    // readOnly, from a boolean or the strings "true"/"false"; absent in many old records.
    std::optional<bool> readOnly;
    std::span<const TrailResource> resources;
    // 1-based line of the decompressed text on which the record starts.
    qint64 line = 0;
    // Where the record's own bytes (as written, not minified) sit in the file's decompressed
    // text, so an index can point at the record and read it again later.
    qint64 textOffset = 0;
    qint64 textLength = 0;

    // A view as a QString, for display and for Qt APIs.
    static QString text(std::string_view view)
    {
        return QString::fromUtf8(view.data(), static_cast<qsizetype>(view.size()));
    }
};

} // namespace gatehouse::cloudtrail
