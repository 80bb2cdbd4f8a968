#include "RequestLog.h"

#include "TestSupport.h"

#include <QElapsedTimer>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

using namespace gatehouse::server;

namespace {

// Everything readable from `fd` until its writing end closes.
QByteArray readAll(int fd)
{
    QByteArray all;
    char chunk[65536];
    for (;;) {
        const ssize_t n = ::read(fd, chunk, sizeof chunk);
        if (n <= 0)
            return all;
        all.append(chunk, n);
    }
}

} // namespace

class TestRequestLog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Lines from many threads arrive whole, each once, and the last ones are written when the
    // log goes.
    void everyLineArrivesWhole()
    {
        FILE *out = std::tmpfile();
        QVERIFY(out);
        {
            RequestLog log(out);
            std::vector<std::thread> threads;
            for (int t = 0; t < 8; ++t) {
                threads.emplace_back([&log, t] {
                    for (int i = 0; i < 2000; ++i) {
                        const QByteArray line = QByteArray("{\"thread\":") + QByteArray::number(t)
                            + ",\"line\":" + QByteArray::number(i) + '}';
                        log.add(line);
                    }
                });
            }
            for (std::thread &thread : threads)
                thread.join();
        }
        std::rewind(out);
        QByteArray text;
        char chunk[65536];
        for (size_t n; (n = std::fread(chunk, 1, sizeof chunk, out)) > 0;)
            text.append(chunk, qsizetype(n));
        std::fclose(out);
        QVERIFY(text.endsWith('\n'));
        const QByteArrayList lines = text.chopped(1).split('\n');
        QCOMPARE(lines.size(), 16000);
        QSet<QByteArray> distinct(lines.begin(), lines.end());
        QCOMPARE(distinct.size(), 16000);
        for (const QByteArray &line : lines)
            QVERIFY2(line.startsWith("{\"thread\":") && line.endsWith('}'), line.constData());
    }

    // A quiet server's lines are written within moments, not held for a full batch.
    void aLoneLineIsWrittenSoon()
    {
        int fds[2];
        QVERIFY(::pipe(fds) == 0);
        FILE *out = ::fdopen(fds[1], "w");
        QVERIFY(out);
        {
            RequestLog log(out);
            log.add("{\"alone\":true}");
            QElapsedTimer waited;
            waited.start();
            char line[32] = {};
            QCOMPARE(::read(fds[0], line, sizeof line), qsizetype(15));
            QCOMPARE(QByteArray(line), QByteArray("{\"alone\":true}\n"));
            QVERIFY2(waited.elapsed() < 5000, "a line waited for a full batch");
        }
        std::fclose(out);
        ::close(fds[0]);
    }

    // An output that stops taking lines (a pipe nobody reads) holds no request up: lines
    // past the bound are dropped and counted, and the count is written once it moves again.
    void aStuckOutputDropsAndCounts()
    {
        int fds[2];
        QVERIFY(::pipe(fds) == 0);
        FILE *out = ::fdopen(fds[1], "w");
        QVERIFY(out);
        const QByteArray line(199, 'x');
        const qint64 added = 2 * RequestLog::kMaxPendingBytes / (line.size() + 1);
        QByteArray written;
        std::thread reader;
        {
            RequestLog log(out);
            QElapsedTimer adding;
            adding.start();
            for (qint64 i = 0; i < added; ++i)
                log.add(line);
            QVERIFY2(adding.elapsed() < 20000, "adding lines waited for the output");
            // Reads until the pipe closes, below, once the log has written everything.
            reader = std::thread([&] { written = readAll(fds[0]); });
        }
        std::fclose(out);
        reader.join();
        QVERIFY(written.endsWith("\n"));
        const QByteArrayList lines = written.chopped(1).split('\n');
        qint64 kept = 0;
        qint64 dropped = 0;
        for (const QByteArray &each : lines) {
            if (each == line) {
                ++kept;
            } else {
                QVERIFY2(each.startsWith("{\"dropped\":"), each.left(80).constData());
                dropped += each.mid(11, each.indexOf(',') - 11).toLongLong();
            }
        }
        QVERIFY(dropped > 0);
        QCOMPARE(kept + dropped, added);
        ::close(fds[0]);
    }

    // A stopping server whose log output takes nothing waits kFinalFlushLimit for it, no
    // longer.
    void aStuckOutputDoesNotHoldTheStop()
    {
        int fds[2];
        QVERIFY(::pipe(fds) == 0);
        FILE *out = ::fdopen(fds[1], "w");
        QVERIFY(out);
        QElapsedTimer stopping;
        {
            RequestLog log(out);
            // More than the pipe holds, so the writer is left waiting on it.
            const QByteArray line(1023, 'x');
            for (int i = 0; i < 1024; ++i)
                log.add(line);
            QTest::qWait(200);
            stopping.start();
        }
        const auto limit = std::chrono::milliseconds(RequestLog::kFinalFlushLimit).count();
        QVERIFY2(stopping.elapsed() >= limit - 200, "gave up before the limit");
        QVERIFY2(stopping.elapsed() < limit + 3000, "waited past the limit");
        std::fclose(out);
        ::close(fds[0]);
    }

    // An output that went away (the reader closed its end) fails the writes; the log drops
    // the lines and stops at once.
    void aClosedOutputIsDropped()
    {
        std::signal(SIGPIPE, SIG_IGN); // as gatehouse-server does
        int fds[2];
        QVERIFY(::pipe(fds) == 0);
        ::close(fds[0]);
        FILE *out = ::fdopen(fds[1], "w");
        QVERIFY(out);
        QElapsedTimer stopping;
        {
            RequestLog log(out);
            for (int i = 0; i < 1000; ++i)
                log.add("{\"line\":true}");
            QTest::qWait(200);
            stopping.start();
        }
        QVERIFY(stopping.elapsed() < 2000);
        std::fclose(out);
    }
};

QTEST_GUILESS_MAIN(TestRequestLog)
#include "TestRequestLog.moc"
