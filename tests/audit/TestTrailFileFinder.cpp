// TrailFileFinder on a local copy of a trail bucket built in a temporary folder.
#include "audit/cloudtrail/TrailFileFinder.h"

#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

using namespace gatehouse;
using namespace gatehouse::cloudtrail;

namespace {

const QString kRegionDay = QStringLiteral("AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/01");
const QString kOtherRegionDay =
    QStringLiteral("AWSLogs/111122223333/CloudTrail/eu-west-1/2024/05/01");
const QString kDigestDay =
    QStringLiteral("AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/05/01");

bool makeFile(const QDir &root, const QString &relative, const QByteArray &bytes)
{
    const QString path = root.filePath(relative);
    return QDir().mkpath(QFileInfo(path).path()) && test::writeFile(path, bytes);
}

QStringList relative(const QDir &root, const QList<TrailFile> &files)
{
    QStringList list;
    for (const TrailFile &file : files)
        list.append(root.relativeFilePath(file.path));
    return list;
}

} // namespace

class TestTrailFileFinder : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QDir m_root;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_root = QDir(m_dir.path());
        const QString name = QStringLiteral("111122223333_CloudTrail_us-east-1_20240501T%1Z_"
                                            "abcdefghijklmnop.json.gz");
        QVERIFY(makeFile(m_root, kRegionDay + u'/' + name.arg(u"1205"), "gz 1"));
        QVERIFY(makeFile(m_root, kRegionDay + u'/' + name.arg(u"0005"), "gz 22"));
        QVERIFY(makeFile(m_root, kOtherRegionDay + u"/b.json", "[]"));
        QVERIFY(makeFile(m_root, kOtherRegionDay + u"/c.JSON", "[]"));
        QVERIFY(makeFile(m_root, QStringLiteral("exports/events.jsonl"), "{}"));
        QVERIFY(makeFile(m_root, QStringLiteral("exports/events.ndjson"), "{}"));
        QVERIFY(makeFile(m_root, QStringLiteral("exports/old.gz"), "x"));
        // Not logs: digests (by folder and by name), hidden files and folders, other files.
        QVERIFY(makeFile(m_root,
                         kDigestDay
                             + u"/111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_"
                               u"20240501T120000Z.json.gz",
                         "digest"));
        QVERIFY(makeFile(m_root,
                         kRegionDay
                             + u"/111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_"
                               u"20240501T130000Z.json.gz",
                         "digest"));
        QVERIFY(makeFile(m_root, kRegionDay + u"/.hidden.json", "[]"));
        QVERIFY(makeFile(m_root, QStringLiteral(".sync/state.json"), "[]"));
        QVERIFY(makeFile(m_root, QStringLiteral("exports/README.txt"), "readme"));
        QVERIFY(makeFile(m_root, QStringLiteral("exports/.json"), "[]"));
        // A link back up the tree must not loop; a link to a file is a file.
        QVERIFY(QFile::link(m_root.path(), m_root.filePath(QStringLiteral("exports/loop"))));
        QVERIFY(QFile::link(m_root.filePath(QStringLiteral("exports/events.jsonl")),
                            m_root.filePath(QStringLiteral("exports/linked.json"))));
    }

    void findsLogFilesInOrder()
    {
        const auto found = TrailFileFinder::find({m_root.path()});
        GH_VERIFY_OK(found);
        const QString name = QStringLiteral("111122223333_CloudTrail_us-east-1_20240501T%1Z_"
                                            "abcdefghijklmnop.json.gz");
        QCOMPARE(
            relative(m_root, *found),
            QStringList(
                {kOtherRegionDay + u"/b.json", kOtherRegionDay + u"/c.JSON",
                 kRegionDay + u'/' + name.arg(u"0005"), kRegionDay + u'/' + name.arg(u"1205"),
                 QStringLiteral("exports/events.jsonl"), QStringLiteral("exports/events.ndjson"),
                 QStringLiteral("exports/linked.json"), QStringLiteral("exports/old.gz")}));
        for (const TrailFile &file : *found) {
            QVERIFY(QFileInfo(file.path).isAbsolute());
            QCOMPARE(file.path, QDir::cleanPath(file.path));
        }
        // Asked again: the same list.
        const auto again = TrailFileFinder::find({m_root.path()});
        GH_VERIFY_OK(again);
        QCOMPARE(*again, *found);
    }

    void reportsSizeAndModificationTime()
    {
        const QString path = m_root.filePath(kRegionDay
                                             + u"/111122223333_CloudTrail_us-east-1_20240501T0005Z_"
                                               u"abcdefghijklmnop.json.gz");
        const QDateTime when(QDate(2024, 5, 1), QTime(0, 5, 7, 250), Qt::UTC);
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::ReadWrite));
            QVERIFY(file.setFileTime(when, QFileDevice::FileModificationTime));
        }
        const auto found = TrailFileFinder::find({path});
        GH_VERIFY_OK(found);
        QCOMPARE(found->size(), 1);
        QCOMPARE(found->first().size, 5);
        QCOMPARE(found->first().modifiedMs, when.toMSecsSinceEpoch());

        // A rewritten file shows as changed.
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
            QCOMPARE(file.write("gz 333"), 6);
        }
        const auto later = TrailFileFinder::find({path});
        GH_VERIFY_OK(later);
        QCOMPARE(later->first().size, 6);
        QVERIFY(later->first().modifiedMs != when.toMSecsSinceEpoch());
    }

    void namedFilesAreListedOnce()
    {
        // A file named directly is listed whatever its name, once even if a folder has it too.
        const QString readme = m_root.filePath(QStringLiteral("exports/README.txt"));
        const QString events = m_root.filePath(QStringLiteral("exports/events.jsonl"));
        const auto found = TrailFileFinder::find(
            {readme, m_root.filePath(QStringLiteral("exports")), events,
             m_root.filePath(QStringLiteral("exports/../exports/events.jsonl"))});
        GH_VERIFY_OK(found);
        QCOMPARE(relative(m_root, *found),
                 QStringList(
                     {QStringLiteral("exports/README.txt"), QStringLiteral("exports/events.jsonl"),
                      QStringLiteral("exports/events.ndjson"),
                      QStringLiteral("exports/linked.json"), QStringLiteral("exports/old.gz")}));
    }

    void findsDigests()
    {
        // Wherever they lie (the one in a log folder too), hidden ones and links left out.
        QVERIFY(makeFile(m_root,
                         kDigestDay
                             + u"/.111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_"
                               u"20240501T140000Z.json.gz",
                         "hidden"));
        const auto found = TrailFileFinder::findDigests({m_root.path()});
        GH_VERIFY_OK(found);
        const QString name =
            QStringLiteral("/111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_%1.json.gz");
        QCOMPARE(relative(m_root, *found),
                 QStringList({kDigestDay + name.arg(u"20240501T120000Z"),
                              kRegionDay + name.arg(u"20240501T130000Z")}));
        // A file named directly is listed whatever its name.
        const QString readme = m_root.filePath(QStringLiteral("exports/README.txt"));
        const auto named = TrailFileFinder::findDigests({readme});
        GH_VERIFY_OK(named);
        QCOMPARE(relative(m_root, *named), QStringList{QStringLiteral("exports/README.txt")});
        GH_VERIFY_ERROR(TrailFileFinder::findDigests({m_root.filePath(QStringLiteral("nope"))}),
                        ErrorCode::NotFound);
        QVERIFY(TrailFileFinder::isDigestFileName(
            u"1_CloudTrail-Digest_us-east-1_t_us-east-1_2.JSON.GZ"));
        QVERIFY(!TrailFileFinder::isDigestFileName(u"1_CloudTrail_us-east-1_t.json.gz"));
        QVERIFY(!TrailFileFinder::isDigestFileName(u"1_CloudTrail-Digest_x.json"));
    }

    void missingPathIsAnError()
    {
        GH_VERIFY_ERROR(TrailFileFinder::find({m_root.filePath(QStringLiteral("nope"))}),
                        ErrorCode::NotFound);
    }

    void namesAndDigests()
    {
        QVERIFY(TrailFileFinder::isLogFileName(u"a.json"));
        QVERIFY(TrailFileFinder::isLogFileName(u"a.JSON.GZ"));
        QVERIFY(TrailFileFinder::isLogFileName(u"a.jsonl"));
        QVERIFY(TrailFileFinder::isLogFileName(u"a.ndjson"));
        QVERIFY(TrailFileFinder::isLogFileName(u"a.gz"));
        QVERIFY(!TrailFileFinder::isLogFileName(u"a.json.bak"));
        QVERIFY(!TrailFileFinder::isLogFileName(u"a.zip"));
        QVERIFY(!TrailFileFinder::isLogFileName(u".json"));
        QVERIFY(TrailFileFinder::isDigest(u"x/CloudTrail-Digest/us-east-1/a.json.gz"));
        QVERIFY(TrailFileFinder::isDigest(u"1_CloudTrail-Digest_us-east-1_t_us-east-1_2.json.gz"));
        QVERIFY(!TrailFileFinder::isDigest(u"x/CloudTrail/us-east-1/1_CloudTrail_us-east-1.json"));
        QVERIFY(!TrailFileFinder::isDigest(u"x/CloudTrail-Digests/a.json"));
    }
};

QTEST_GUILESS_MAIN(TestTrailFileFinder)
#include "TestTrailFileFinder.moc"
