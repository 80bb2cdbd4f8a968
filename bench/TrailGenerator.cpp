#include "TrailGenerator.h"

#include "TrailJsonText.h"
#include "TrailRandom.h"
#include "TrailRecordGenerator.h"

#include <QDir>
#include <QFile>
#include <QSet>
#include <QThread>

#include <libdeflate.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace gatehouse::bench {

namespace {

using namespace trailjson;

constexpr std::int64_t kLastDeliveryMs = 1795996800000; // 2026-11-30T00:00:00Z
constexpr std::int64_t kSpanMs = 30LL * 24 * 3600 * 1000;
constexpr int kCompressionLevel = 6; // gzip's default, and what CloudTrail's files look like

struct Slot {
    std::uint64_t index; // record number: the record is a function of it and its context
    std::uint32_t origin; // the file whose context made the record (differs for duplicates)
};

struct PlannedFile {
    TrailFileContext context;
    std::vector<Slot> slots;
    QString directory;
    QString path;
};

std::vector<PlannedFile> plan(const TrailGeneratorOptions &options,
                              const TrailRecordGenerator &generator, qint64 &duplicates)
{
    TrailRandom random(options.seed, 0x91a2u);
    std::vector<PlannedFile> files;
    std::uint64_t written = 0;
    std::uint64_t nextIndex = 0;
    const auto accounts = static_cast<std::uint32_t>(generator.accountIds().size());
    while (written < options.records) {
        PlannedFile file;
        const std::uint32_t draw = random.below(100);
        // The first account is the busy production account.
        file.context.account = accounts == 1 || draw < 60 ? 0 : 1 + random.below(accounts - 1);
        file.context.region = TrailRecordGenerator::pickRegion(random.next());
        const std::uint64_t left = options.records - written;
        const std::uint64_t unique = std::min<std::uint64_t>(150 + random.below(500), left);
        for (std::uint64_t i = 0; i < unique; ++i)
            file.slots.push_back({nextIndex++, static_cast<std::uint32_t>(files.size())});
        if (files.size() >= 2) {
            const std::uint32_t copies = random.below(3);
            for (std::uint32_t i = 0; i < copies && file.slots.size() < left; ++i) {
                const auto origin = static_cast<std::uint32_t>(files.size() - 1 - random.below(2));
                const std::vector<Slot> &source = files[origin].slots;
                Slot copy = source[random.below(static_cast<std::uint32_t>(source.size()))];
                const std::size_t at = random.below(static_cast<std::uint32_t>(file.slots.size()));
                file.slots.insert(file.slots.begin() + static_cast<std::ptrdiff_t>(at), copy);
                ++duplicates;
            }
        }
        written += file.slots.size();
        files.push_back(std::move(file));
    }
    const auto count = static_cast<std::int64_t>(files.size());
    const std::int64_t firstMs = kLastDeliveryMs - kSpanMs;
    for (std::int64_t f = 0; f < count; ++f) {
        PlannedFile &file = files[static_cast<std::size_t>(f)];
        // Delivery minutes spread evenly over the span, whole minutes as in the file names.
        file.context.deliveryMs = (firstMs + (f + 1) * kSpanMs / count) / 60000 * 60000;
        const CivilTime t = civilOf(file.context.deliveryMs);
        const std::string &account = generator.accountIds()[file.context.account];
        const std::string &region = TrailRecordGenerator::regions()[file.context.region];
        std::string directory = "AWSLogs/" + account + "/CloudTrail/" + region + "/"
            + std::to_string(t.year) + "/" + twoDigits(static_cast<std::uint32_t>(t.month)) + "/"
            + twoDigits(static_cast<std::uint32_t>(t.day));
        std::string name = account + "_CloudTrail_" + region + "_" + std::to_string(t.year)
            + twoDigits(static_cast<std::uint32_t>(t.month))
            + twoDigits(static_cast<std::uint32_t>(t.day)) + "T"
            + twoDigits(static_cast<std::uint32_t>(t.hour))
            + twoDigits(static_cast<std::uint32_t>(t.minute)) + "Z_";
        appendBase62(name, random, 16);
        name += ".json.gz";
        file.directory = QDir(options.outDir).filePath(QString::fromStdString(directory));
        file.path = QDir(file.directory).filePath(QString::fromStdString(name));
    }
    return files;
}

struct Compressor {
    Compressor()
        : handle(libdeflate_alloc_compressor(kCompressionLevel))
    {}
    ~Compressor() { libdeflate_free_compressor(handle); }
    Compressor(const Compressor &) = delete;
    Compressor &operator=(const Compressor &) = delete;
    libdeflate_compressor *handle;
};

} // namespace

TrailGenerator::TrailGenerator(TrailGeneratorOptions options)
    : m_options(std::move(options))
{}

Result<TrailGeneratorSummary> TrailGenerator::run() const
{
    const auto started = std::chrono::steady_clock::now();
    if (m_options.outDir.isEmpty())
        return makeError(ErrorCode::InvalidInput, QStringLiteral("no output directory given"));
    const TrailRecordGenerator generator(m_options.seed, m_options.accounts);
    TrailGeneratorSummary summary;
    const std::vector<PlannedFile> files = plan(m_options, generator, summary.duplicates);

    QSet<QString> directories;
    for (const PlannedFile &file : files)
        directories.insert(file.directory);
    for (const QString &directory : std::as_const(directories)) {
        if (!QDir().mkpath(directory))
            return makeError(ErrorCode::Unavailable,
                             QStringLiteral("cannot create %1").arg(directory));
    }

    std::atomic<std::size_t> next{0};
    std::atomic<qint64> jsonBytes{0}, gzipBytes{0}, records{0};
    std::atomic<bool> failed{false};
    QString failure;
    std::mutex failureLock;
    auto work = [&] {
        Compressor compressor;
        std::string json;
        std::vector<char> gz;
        for (std::size_t f = next++; f < files.size() && !failed; f = next++) {
            const PlannedFile &file = files[f];
            json.assign("{\"Records\":[");
            for (const Slot &slot : file.slots)
                generator.append(json, slot.index, files[slot.origin].context);
            closeArray(json);
            json.back() = '}';
            gz.resize(libdeflate_gzip_compress_bound(compressor.handle, json.size()));
            const std::size_t size = libdeflate_gzip_compress(compressor.handle, json.data(),
                                                              json.size(), gz.data(), gz.size());
            QFile out(file.path);
            if (size == 0 || !out.open(QIODevice::WriteOnly | QIODevice::Truncate)
                || out.write(gz.data(), qint64(size)) != qint64(size) || !out.flush()) {
                const std::lock_guard lock(failureLock);
                failure = QStringLiteral("cannot write %1").arg(file.path);
                failed = true;
                return;
            }
            jsonBytes += qint64(json.size());
            gzipBytes += qint64(size);
            records += qint64(file.slots.size());
        }
    };
    const int threads =
        m_options.threads > 0 ? m_options.threads : std::max(1, QThread::idealThreadCount());
    std::vector<std::thread> pool;
    for (int i = 0; i < threads; ++i)
        pool.emplace_back(work);
    for (std::thread &thread : pool)
        thread.join();
    if (failed)
        return makeError(ErrorCode::Unavailable, failure);

    summary.files = qint64(files.size());
    summary.records = records;
    summary.jsonBytes = jsonBytes;
    summary.gzipBytes = gzipBytes;
    for (const PlannedFile &file : files)
        summary.paths.append(file.path);
    summary.paths.sort();
    summary.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return summary;
}

} // namespace gatehouse::bench
