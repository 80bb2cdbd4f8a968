#pragma once

#include "TrailFile.h"
#include "model/Result.h"

#include <QList>
#include <QStringList>
#include <QStringView>

namespace gatehouse::cloudtrail {

// Finds the CloudTrail log files to read under the files and folders a user chose, e.g. a
// local copy of a trail bucket (AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/...).
class TrailFileFinder
{
public:
    // Folders are searched recursively for *.json, *.json.gz, *.gz, *.jsonl and *.ndjson
    // (any case). Skipped: digest files (anything under a CloudTrail-Digest or Gatehouse-Digest
    // folder or named *_CloudTrail-Digest_*, *_AuditArchive_* or *_AuditCheckpoint_*: they hold
    // hashes, not events), hidden files and folders, and
    // symbolic links to folders (no loops). A file named directly is listed whatever its name.
    // Each file is listed once, sorted by path, with its size and modification time.
    // Fails with NotFound if a named path does not exist.
    static Result<QList<TrailFile>> find(const QStringList &paths);

    // CloudTrail's digest files under the files and folders a user chose: folders are
    // searched recursively (hidden entries and symbolic links to folders skipped) for
    // *_CloudTrail-Digest_*.json.gz wherever they lie, so a digest moved out of its
    // CloudTrail-Digest folder is found too. A file named directly is listed whatever its
    // name. Sorted by path, each once. NotFound if a named path does not exist.
    static Result<QList<TrailFile>> findDigests(const QStringList &paths);

    static bool isLogFileName(QStringView fileName);
    static bool isDigestFileName(QStringView fileName);
    static bool isDigest(QStringView path);
    // CloudTrail-Digest, and Gatehouse-Digest beside the audit log's own archives.
    static bool isDigestFolder(QStringView name);
};

} // namespace gatehouse::cloudtrail
