// Access points into gzip files (DeflateBlockFinder, GzipInflater::inflateFrom, WindowCodec):
// decompressing from every point found, with the text before it as its window, gives exactly
// the file's own text, for the streams that zlib (every strategy) and libdeflate (every kind
// of level) write; files a point cannot serve get none, and damage never crashes.
#include "audit/cloudtrail/DeflateBlockFinder.h"
#include "audit/cloudtrail/GzipDeflater.h"
#include "audit/cloudtrail/GzipInflater.h"
#include "audit/cloudtrail/PaddedText.h"
#include "audit/cloudtrail/WindowCodec.h"

#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTemporaryDir>

using namespace gatehouse;
using namespace gatehouse::cloudtrail;

namespace {

constexpr std::size_t kSpacing = 64 * 1024;

QByteArray gzip(const QByteArray &data, int level = GzipDeflater::kCloudTrailLevel)
{
    return GzipDeflater::compress(data, level).valueOr(QByteArray());
}

// About `size` bytes of CloudTrail-like JSON: repeated keys, varied values.
QByteArray records(qsizetype size, quint32 seed)
{
    QRandomGenerator random(seed);
    static const char *const kNames[] = {"GetObject", "ConsoleLogin", "AssumeRole",
                                         "DescribeInstances", "PutObject"};
    QByteArray json = "{\"Records\":[";
    for (int i = 0; json.size() < size; ++i) {
        if (i > 0)
            json += ',';
        json += "{\"eventVersion\":\"1.09\",\"eventTime\":\"2024-05-01T12:"
            + QByteArray::number(10 + i % 50) + ":00Z\",\"eventID\":\""
            + QByteArray::number(random.generate64(), 16) + "\",\"eventName\":\""
            + kNames[random.bounded(5)] + "\",\"sourceIPAddress\":\""
            + QByteArray::number(random.bounded(256)) + '.'
            + QByteArray::number(random.bounded(256))
            + ".0.1\",\"userIdentity\":{\"userName\":\"user-"
            + QByteArray::number(random.bounded(40)) + "\"}}";
    }
    return json + "]}";
}

// Bytes of a skewed distribution: many distinct symbols of very different frequency give
// Huffman codes longer than the finder's table (the bit-by-bit path).
QByteArray skewed(qsizetype size, quint32 seed)
{
    QRandomGenerator random(seed);
    QByteArray data(size, Qt::Uninitialized);
    for (char &c : data) {
        int symbol = 0;
        while (symbol < 255 && random.bounded(4) != 0)
            ++symbol;
        c = char(symbol);
    }
    return data;
}

// Runs a Python `script` on `data` (in the file `in` of the folder given as its argument)
// and gives the files it wrote there, by name; none when Python is missing or fails.
QList<QPair<QByteArray, QByteArray>> python(const QString &script, const QByteArray &data,
                                            const QList<QByteArray> &names)
{
    QList<QPair<QByteArray, QByteArray>> outputs;
    const QString python = QStandardPaths::findExecutable(QStringLiteral("python3"));
    QTemporaryDir dir;
    QFile input(dir.filePath(QStringLiteral("in")));
    if (python.isEmpty() || !input.open(QIODevice::WriteOnly) || input.write(data) != data.size())
        return outputs;
    input.close();
    if (QProcess::execute(python, {QStringLiteral("-c"), script, dir.path()}) != 0)
        return outputs;
    for (const QByteArray &name : names) {
        QFile file(dir.filePath(QString::fromLatin1(name)));
        if (file.open(QIODevice::ReadOnly))
            outputs.append({name, file.readAll()});
    }
    return outputs;
}

// `data` compressed by zlib, with each strategy and a few levels and memory levels (memLevel
// sets how many symbols a block holds: 1 makes many small blocks).
QList<QPair<QByteArray, QByteArray>> zlibVariants(const QByteArray &data)
{
    const QString script = QStringLiteral(R"(
import sys, zlib
data = open(sys.argv[1] + '/in', 'rb').read()
cases = [('level1', 1, 8, zlib.Z_DEFAULT_STRATEGY), ('level6', 6, 8, zlib.Z_DEFAULT_STRATEGY),
         ('level9', 9, 9, zlib.Z_DEFAULT_STRATEGY), ('memlevel1', 6, 1, zlib.Z_DEFAULT_STRATEGY),
         ('filtered', 6, 8, zlib.Z_FILTERED), ('huffman-only', 6, 8, zlib.Z_HUFFMAN_ONLY),
         ('rle', 6, 8, zlib.Z_RLE), ('fixed', 6, 8, zlib.Z_FIXED)]
for name, level, mem, strategy in cases:
    c = zlib.compressobj(level, zlib.DEFLATED, 31, mem, strategy)
    open(sys.argv[1] + '/' + name, 'wb').write(c.compress(data) + c.flush())
)");
    QList<QPair<QByteArray, QByteArray>> variants = python(
        script, data,
        {"level1", "level6", "level9", "memlevel1", "filtered", "huffman-only", "rle", "fixed"});
    for (auto &[name, gz] : variants)
        name.prepend("zlib ");
    return variants;
}

std::vector<GzipAccessPoint> find(const QByteArray &gz, qsizetype textSize,
                                  std::size_t spacing = kSpacing)
{
    return DeflateBlockFinder::find(reinterpret_cast<const unsigned char *>(gz.constData()),
                                    std::size_t(gz.size()), std::size_t(textSize), spacing);
}

} // namespace

class TestGzipAccessPoints : public QObject
{
    Q_OBJECT

private:
    // Every point of `gz` (whose text is `text`, gzip members starting at `members`) gives
    // the text from its window on, as far as asked and no different.
    void checkPoints(const char *name, const QByteArray &text, const QByteArray &gz,
                     const QList<qsizetype> &members = {0}, std::size_t spacing = kSpacing)
    {
        const std::vector<GzipAccessPoint> points = find(gz, text.size(), spacing);
        QVERIFY2(!points.empty(), name);
        QCOMPARE(points.front().textOffset, 0u);
        QCOMPARE(points.front().windowSize, 0u);
        // One point in each of the text's equal parts of about `spacing` bytes.
        const std::size_t parts =
            std::max<std::size_t>(1, (std::size_t(text.size()) + spacing / 2) / spacing);
        QVERIFY2(points.size() <= parts, name); // fewer when blocks are longer than a part
        GzipInflater inflater;
        PaddedText out;
        QRandomGenerator random(7);
        for (std::size_t i = 0; i < points.size(); ++i) {
            const GzipAccessPoint &point = points[i];
            const QByteArray what =
                QByteArray(name) + " point " + QByteArray::number(point.textOffset);
            if (i > 0) {
                QVERIFY2(point.textOffset >= std::size_t(text.size()) * i / parts,
                         what.constData());
                QVERIFY2(point.textOffset > points[i - 1].textOffset, what.constData());
            }
            qsizetype member = 0;
            for (const qsizetype start : members) {
                if (start <= qsizetype(point.textOffset))
                    member = start;
            }
            QCOMPARE(qsizetype(point.windowSize),
                     std::min<qsizetype>(32768, qsizetype(point.textOffset) - member));
            // The end of its member, or anywhere before it.
            qsizetype end = text.size();
            for (const qsizetype start : members) {
                if (start > qsizetype(point.textOffset))
                    end = std::min(end, start);
            }
            const qsizetype base = qsizetype(point.textOffset - point.windowSize);
            const QByteArray window = text.mid(base, point.windowSize);
            for (const qsizetype wanted :
                 {qsizetype(point.textOffset) + 1, qsizetype(point.textOffset) + 300,
                  qsizetype(point.textOffset) + 1
                      + random.bounded(end - qsizetype(point.textOffset)),
                  end}) {
                if (wanted > end)
                    continue;
                QVERIFY2(inflater.inflateFrom(gz.constData(), std::size_t(gz.size()), point,
                                              window.constData(), std::size_t(wanted), out),
                         what.constData());
                QVERIFY2(base + qsizetype(out.size()) >= wanted, what.constData());
                QVERIFY2(QByteArrayView(out.data(), qsizetype(out.size()))
                             == QByteArrayView(text).sliced(base, qsizetype(out.size())),
                         what.constData());
            }
        }
    }

private Q_SLOTS:
    void libdeflateLevels()
    {
        const QByteArray text = records(700000, 1);
        for (const int level : {1, 4, 6, 9, 12}) {
            const QByteArray name = "libdeflate level " + QByteArray::number(level);
            checkPoints(name.constData(), text, gzip(text, level));
            if (QTest::currentTestFailed())
                return;
        }
    }

    void zlibStrategies()
    {
        const QByteArray text = records(500000, 2);
        const auto variants = zlibVariants(text);
        QVERIFY2(variants.size() == 8, "python3 and its zlib module are test dependencies");
        for (const auto &[name, gz] : variants) {
            checkPoints(name.constData(), text, gz);
            if (QTest::currentTestFailed())
                return;
        }
    }

    void longCodes()
    {
        const QByteArray data = skewed(400000, 3);
        checkPoints("skewed, libdeflate", data, gzip(data, 6));
        const auto variants = zlibVariants(data);
        QVERIFY(!variants.isEmpty());
        checkPoints("skewed, zlib", data, variants.first().second);
    }

    // Points in a later member have no window from the one before; a point cannot serve text
    // past the end of its member (the reader then starts from the file's beginning).
    void members()
    {
        const QByteArray first = records(200000, 4);
        const QByteArray second = records(150000, 5);
        const QByteArray gz = gzip(first) + gzip(second, 9);
        checkPoints("two members", first + second, gz, {0, first.size()});
        const std::vector<GzipAccessPoint> points = find(gz, first.size() + second.size());
        GzipInflater inflater;
        PaddedText out;
        const GzipAccessPoint &inFirst = points.front();
        QVERIFY(!inflater.inflateFrom(gz.constData(), std::size_t(gz.size()), inFirst, nullptr,
                                      std::size_t(first.size() + 10), out));
    }

    // gzip headers with every optional field.
    void headerFields()
    {
        const QByteArray text = records(150000, 6);
        const QByteArray plain = gzip(text);
        QByteArray header = plain.left(10);
        header[3] = char(2 | 4 | 8 | 16); // FHCRC, FEXTRA, FNAME, FCOMMENT
        header += QByteArray("\x04\x00", 2) + "abcd" + "name.json" + '\0' + "comment" + '\0'
            + QByteArray("\x12\x34", 2);
        checkPoints("header fields", text, header + plain.mid(10));
    }

    // How many points: one at every block start with a spacing of 1, far fewer with a
    // spacing of many blocks (zlib's smallest memory level writes many small blocks).
    void spacing()
    {
        const QByteArray text = records(600000, 8);
        const auto variants = zlibVariants(text);
        QVERIFY(variants.size() == 8);
        const QByteArray &gz = variants.at(3).second;
        QCOMPARE(variants.at(3).first, QByteArray("zlib memlevel1"));
        const auto every = find(gz, text.size(), 1);
        const auto sparse = find(gz, text.size(), 64 * 1024);
        QVERIFY2(every.size() > 3 * sparse.size(),
                 qPrintable(QStringLiteral("%1 vs %2").arg(every.size()).arg(sparse.size())));
        QVERIFY(sparse.size() >= 8);
        for (std::size_t i = 1; i < every.size(); ++i)
            QVERIFY(every[i].textOffset > every[i - 1].textOffset);
    }

    // What no point can be found in: stored blocks (libdeflate may stop up to 64 KiB short of
    // the buffer before one), a size that is not the text's, data cut short, not gzip.
    void noPoints()
    {
        const QByteArray text = records(200000, 9);
        QCOMPARE(find(gzip(text, 0), text.size()).size(), std::size_t(0));
        QByteArray noise(100000, Qt::Uninitialized);
        QRandomGenerator random(10);
        for (char &c : noise)
            c = char(random.bounded(256));
        QCOMPARE(
            find(gzip(text) + gzip(noise, 0) + gzip(text), 2 * text.size() + noise.size()).size(),
            std::size_t(0));
        const QByteArray gz = gzip(text);
        QVERIFY(!find(gz, text.size()).empty());
        // A walk that reaches the end (a point wanted at every byte) checks the text's size.
        QVERIFY(!find(gz, text.size(), 1).empty());
        QCOMPARE(find(gz, text.size() + 1, 1).size(), std::size_t(0));
        QCOMPARE(find(gz, text.size() - 1, 1).size(), std::size_t(0));
        QCOMPARE(find(gz.left(gz.size() / 2), text.size()).size(), std::size_t(0));
        QCOMPARE(find(gz.left(12), text.size()).size(), std::size_t(0));
        QCOMPARE(find(text, text.size()).size(), std::size_t(0));
        QCOMPARE(find(QByteArray(), 0).size(), std::size_t(0));
    }

    // Damage anywhere: an answer, never a crash or a read past the data (run under valgrind
    // or a sanitizer to see the latter). The finder reads files libdeflate has checked, so
    // damage it cannot see (a flipped bit in the trailer, between two codes of one length,
    // or past where its walk stops) may still give points, but never one past the data.
    void damage()
    {
        const QByteArray text = records(100000, 11);
        const QByteArray gz = gzip(text);
        QVERIFY(!find(gz, text.size()).empty());
        QRandomGenerator random(12);
        for (int round = 0; round < 3000; ++round) {
            QByteArray damaged = gz;
            const int flips = 1 + int(random.bounded(8));
            for (int i = 0; i < flips; ++i) {
                const qsizetype at = 10 + qsizetype(random.bounded(quint32(gz.size() - 10)));
                damaged[at] = char(damaged[at] ^ (1 << random.bounded(8)));
            }
            if (round % 3 == 0)
                damaged.truncate(10 + qsizetype(random.bounded(quint32(damaged.size() - 10))));
            for (const GzipAccessPoint &point : find(damaged, text.size()))
                QVERIFY2(point.bit < std::uint64_t(damaged.size()) * 8,
                         qPrintable(QString::number(round)));
        }
    }

    // The walk stops at the last part's point, before the stored blocks that follow. Text
    // before them reads from every point.
    void walkStopsAtTheLastPoint()
    {
        // One gzip member: text, then incompressible bytes zlib writes as stored blocks.
        const QByteArray text = records(400000, 14);
        const QString script = QStringLiteral(R"(
import random, sys, zlib
data = open(sys.argv[1] + '/in', 'rb').read()
noise = random.Random(5).randbytes(30000)
c = zlib.compressobj(6, zlib.DEFLATED, 31)
open(sys.argv[1] + '/text', 'wb').write(data + noise)
open(sys.argv[1] + '/gz', 'wb').write(c.compress(data) + c.compress(noise) + c.flush())
)");
        const auto outputs = python(script, text, {"text", "gz"});
        QVERIFY2(outputs.size() == 2, "python3 and its zlib module are test dependencies");
        const QByteArray &all = outputs.at(0).second;
        const QByteArray &gz = outputs.at(1).second;
        QVERIFY2(find(gz, all.size(), 1).empty(), "the data holds a stored block");
        const std::vector<GzipAccessPoint> points = find(gz, all.size(), 128 * 1024);
        QCOMPARE(points.size(), std::size_t(3));
        QVERIFY(points.back().textOffset < std::uint32_t(text.size()));
        GzipInflater inflater;
        PaddedText out;
        for (const GzipAccessPoint &point : points) {
            const qsizetype base = qsizetype(point.textOffset - point.windowSize);
            const QByteArray window = all.mid(base, point.windowSize);
            const std::size_t before = points.back().textOffset + 1000;
            QVERIFY(inflater.inflateFrom(gz.constData(), std::size_t(gz.size()), point,
                                         window.constData(), before, out));
            QVERIFY(QByteArrayView(out.data(), qsizetype(out.size()))
                    == QByteArrayView(all).sliced(base, qsizetype(out.size())));
            // Past them: a point whose bits need no shift reads them as they are; after a
            // shifted one they are misread (the call usually fails, see inflateFrom), which
            // the callers' checks catch.
            if (point.bit % 8 == 0) {
                QVERIFY(inflater.inflateFrom(gz.constData(), std::size_t(gz.size()), point,
                                             window.constData(), std::size_t(all.size()), out));
                QVERIFY(QByteArrayView(out.data(), qsizetype(out.size()))
                        == QByteArrayView(all).sliced(base));
            }
        }
        // One part: no points, the file's start serves.
        QVERIFY(find(gzip(text), text.size(), text.size()).empty());
        QVERIFY(!find(gzip(text), text.size(), text.size() / 2).empty());
    }

    void windows()
    {
        const QByteArray text = records(32768, 13).left(32768);
        const QByteArray packed = WindowCodec::pack(text);
        QVERIFY(!packed.isEmpty());
        QVERIFY(packed.size() < text.size() / 2);
        QByteArray out(32768, '\0');
        QVERIFY(WindowCodec::unpack(packed, out.data(), std::size_t(out.size())));
        QCOMPARE(out, text);
        // The wrong size, or bytes that are not a packed window, fail.
        QVERIFY(!WindowCodec::unpack(packed, out.data(), std::size_t(out.size() - 1)));
        QByteArray bigger(40000, '\0');
        QVERIFY(!WindowCodec::unpack(packed, bigger.data(), std::size_t(bigger.size())));
        QVERIFY(!WindowCodec::unpack(QByteArray(100, '\xff'), out.data(), 32768));
        // Damage anywhere in a packed window (its CRC, or the LZ4 data: a changed literal
        // still unpacks to the right size) fails.
        for (qsizetype at = 0; at < packed.size(); at += 7) {
            QByteArray damaged = packed;
            damaged[at] = char(damaged[at] ^ 0x20);
            QVERIFY2(!WindowCodec::unpack(damaged, out.data(), std::size_t(out.size())),
                     qPrintable(QString::number(at)));
        }
        QVERIFY(WindowCodec::pack({}).isEmpty());
        QVERIFY(WindowCodec::unpack({}, out.data(), 0));
    }
};

QTEST_GUILESS_MAIN(TestGzipAccessPoints)
#include "TestGzipAccessPoints.moc"
