#include "TrailFileFinder.h"

#include <QDir>
#include <QFileInfo>
#include <QSet>

#include <algorithm>

namespace gatehouse::cloudtrail {

namespace {

TrailFile describe(const QFileInfo &info)
{
    return TrailFile{QDir::cleanPath(info.absoluteFilePath()), info.size(),
                     info.lastModified().toMSecsSinceEpoch()};
}

void sortUnique(QList<TrailFile> &found)
{
    std::sort(found.begin(), found.end(),
              [](const TrailFile &a, const TrailFile &b) { return a.path < b.path; });
    found.erase(
        std::unique(found.begin(), found.end(),
                    [](const TrailFile &a, const TrailFile &b) { return a.path == b.path; }),
        found.end());
}

// What one walk looks for: which files to list, and which folders to go into.
struct Wanted {
    bool (*file)(const QString &name);
    bool (*folder)(const QString &name);
};

const Wanted kLogs{
    [](const QString &name) {
        return TrailFileFinder::isLogFileName(name) && !TrailFileFinder::isDigest(name);
    },
    [](const QString &name) { return !TrailFileFinder::isDigestFolder(name); },
};
const Wanted kDigests{
    [](const QString &name) { return TrailFileFinder::isDigestFileName(name); },
    [](const QString &) { return true; },
};

void collect(const QString &folder, const Wanted &wanted, QList<TrailFile> &found)
{
    const QDir dir(folder);
    // Hidden entries are left out by not asking for QDir::Hidden.
    const QFileInfoList entries =
        dir.entryInfoList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    for (const QFileInfo &entry : entries) {
        if (entry.fileName().startsWith(u'.'))
            continue;
        if (entry.isDir()) {
            if (!entry.isSymLink() && wanted.folder(entry.fileName()))
                collect(entry.absoluteFilePath(), wanted, found);
        } else if (wanted.file(entry.fileName())) {
            found.append(describe(entry));
        }
    }
}

// Files named directly, and what `wanted` finds in folders named, sorted, each once.
Result<QList<TrailFile>> findIn(const QStringList &paths, const Wanted &wanted)
{
    QList<TrailFile> found;
    for (const QString &path : paths) {
        const QFileInfo info(path);
        if (!info.exists())
            return makeError(ErrorCode::NotFound,
                             QStringLiteral("%1: no such file or folder").arg(path));
        if (info.isDir())
            collect(info.absoluteFilePath(), wanted, found);
        else
            found.append(describe(info));
    }
    sortUnique(found);
    return found;
}

} // namespace

Result<QList<TrailFile>> TrailFileFinder::find(const QStringList &paths)
{
    return findIn(paths, kLogs);
}

Result<QList<TrailFile>> TrailFileFinder::findDigests(const QStringList &paths)
{
    return findIn(paths, kDigests);
}

bool TrailFileFinder::isDigestFileName(QStringView fileName)
{
    return fileName.contains(u"_CloudTrail-Digest_")
        && fileName.endsWith(u".json.gz", Qt::CaseInsensitive);
}

bool TrailFileFinder::isLogFileName(QStringView fileName)
{
    static constexpr QStringView kSuffixes[] = {u".json", u".gz", u".jsonl", u".ndjson"};
    return std::any_of(std::begin(kSuffixes), std::end(kSuffixes), [&](QStringView suffix) {
        return fileName.size() > suffix.size() && fileName.endsWith(suffix, Qt::CaseInsensitive);
    });
}

bool TrailFileFinder::isDigestFolder(QStringView name)
{
    // CloudTrail's digests, and the manifests and checkpoints of Gatehouse's own archives.
    return name == u"CloudTrail-Digest" || name == u"Gatehouse-Digest";
}

bool TrailFileFinder::isDigest(QStringView path)
{
    if (path.contains(u"_CloudTrail-Digest_") || path.contains(u"_AuditArchive_")
        || path.contains(u"_AuditCheckpoint_")) {
        return true;
    }
    for (const QStringView part : path.split(u'/')) {
        if (isDigestFolder(part))
            return true;
    }
    return false;
}

} // namespace gatehouse::cloudtrail
