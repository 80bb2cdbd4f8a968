#include "TrailFileReader.h"

#include "DeflateBlockFinder.h"
#include "GzipInflater.h"
#include "PaddedText.h"
#include "TrailBatchStorage.h"
#include "TrailDocumentParser.h"
#include "WindowCodec.h"

#include <QFile>
#include <QFileInfo>
#include <QLocale>

#include <algorithm>
#include <cstring>
#include <utility>

namespace gatehouse::cloudtrail {

namespace {

QString bytesText(qint64 bytes)
{
    return QLocale(QLocale::English).toString(bytes);
}

} // namespace

TrailFileReader::TrailFileReader(qint64 maxTextBytes)
    : m_maxTextBytes(maxTextBytes),
      m_inflater(std::make_unique<GzipInflater>()),
      m_parser(std::make_unique<TrailDocumentParser>()),
      m_compressed(std::make_unique<PaddedText>()),
      m_tried(std::make_unique<PaddedText>())
{}

TrailFileReader::~TrailFileReader() = default;

Result<TrailBatch> TrailFileReader::read(const QString &path)
{
    TrailBatch batch;
    const Result<void> result = read(path, batch);
    if (!result)
        return result.error();
    return batch;
}

Result<void> TrailFileReader::read(const QString &path, TrailBatch &batch)
{
    batch.clear();
    batch.m_file = path;
    // Unbuffered: the bytes go straight into the batch, not through QFile's buffer.
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Unbuffered)) {
        const bool missing = !QFileInfo::exists(path);
        return makeError(missing ? ErrorCode::NotFound : ErrorCode::Unavailable,
                         QStringLiteral("cannot open %1: %2").arg(path, file.errorString()));
    }
    const qint64 size = file.size();
    batch.m_fileBytes = size;
    if (size > m_maxTextBytes) {
        batch.m_problems.append(TrailProblem{
            path, 0,
            QStringLiteral("file is larger than %1 bytes, the most a trail file may have")
                .arg(bytesText(m_maxTextBytes))});
        return {};
    }
    PaddedText &text = batch.storage().text;
    if (!text.reserve(std::size_t(size)))
        return makeError(ErrorCode::Unavailable,
                         QStringLiteral("not enough memory to read %1").arg(path));
    qint64 done = 0;
    while (done < size) {
        const qint64 got = file.read(text.data() + done, size - done);
        if (got < 0)
            return makeError(ErrorCode::Unavailable,
                             QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
        if (got == 0)
            break; // the file shrank meanwhile: read what is there
        done += got;
    }
    text.resize(std::size_t(done));
    decode(batch);
    return {};
}

TrailBatch TrailFileReader::parse(QByteArrayView bytes, const QString &name)
{
    TrailBatch batch;
    parse(bytes, name, batch);
    return batch;
}

void TrailFileReader::parse(QByteArrayView bytes, const QString &name, TrailBatch &batch)
{
    batch.clear();
    batch.m_file = name;
    batch.m_fileBytes = bytes.size();
    if (bytes.size() > m_maxTextBytes) {
        batch.m_problems.append(TrailProblem{
            name, 0,
            QStringLiteral("file is larger than %1 bytes, the most a trail file may have")
                .arg(bytesText(m_maxTextBytes))});
        return;
    }
    PaddedText &text = batch.storage().text;
    if (!text.reserve(std::size_t(bytes.size()))) {
        batch.m_problems.append(
            TrailProblem{name, 0, QStringLiteral("not enough memory to read the file")});
        return;
    }
    if (!bytes.isEmpty())
        std::memcpy(text.data(), bytes.data(), std::size_t(bytes.size()));
    text.resize(std::size_t(bytes.size()));
    decode(batch);
}

void TrailFileReader::decode(TrailBatch &batch)
{
    TrailBatchStorage &storage = batch.storage();
    if (GzipInflater::isGzip(storage.text.data(), storage.text.size())) {
        // The compressed bytes move aside (a swap, no copy) and the text is inflated into
        // the batch, where the records will point.
        std::swap(storage.text, *m_compressed);
        const Result<void> inflated = m_inflater->inflate(
            m_compressed->data(), m_compressed->size(), storage.text, std::size_t(m_maxTextBytes));
        if (!inflated) {
            storage.text.clear();
            batch.m_problems.append(TrailProblem{batch.m_file, 0, inflated.error().message});
            return;
        }
        if (m_accessPointSpacing > 0)
            addAccessPoints(batch);
    }
    m_parser->parse(batch);
}

void TrailFileReader::addAccessPoints(TrailBatch &batch)
{
    const PaddedText &text = batch.storage().text;
    std::vector<GzipAccessPoint> points =
        DeflateBlockFinder::find(reinterpret_cast<const unsigned char *>(m_compressed->data()),
                                 m_compressed->size(), text.size(), m_accessPointSpacing);
    // Each point (within the text, its window after its member's start: DeflateBlockFinder
    // says so) is tried on a little text, which must be the file's own: a point is only kept
    // (with those before it) when reading from it gives the text decompressing the whole file
    // gave. 16 KiB of compressed data hold far more than the text tried.
    constexpr std::size_t kTried = 256;
    constexpr std::size_t kTriedInput = 16 * 1024;
    for (std::size_t i = 0; i < points.size(); ++i) {
        const GzipAccessPoint &point = points[i];
        const char *window = text.data() + point.textOffset - point.windowSize;
        const std::size_t wanted = std::min(text.size(), std::size_t(point.textOffset) + kTried);
        const std::size_t compared = wanted - point.textOffset + point.windowSize;
        if (!m_inflater->inflateFrom(m_compressed->data(), m_compressed->size(), point, window,
                                     wanted, *m_tried, point.textOffset, kTriedInput)
            || m_tried->size() < compared || std::memcmp(m_tried->data(), window, compared) != 0) {
            points.resize(i);
            break;
        }
    }
    for (GzipAccessPoint &point : points)
        point.packedWindow = WindowCodec::pack(QByteArrayView(
            text.data() + point.textOffset - point.windowSize, qsizetype(point.windowSize)));
    batch.m_accessPoints = std::move(points);
}

} // namespace gatehouse::cloudtrail
