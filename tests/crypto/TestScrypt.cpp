#include "crypto/HugePageBuffer.h"
#include "crypto/Scrypt.h"

#include "TestSupport.h"

#include <QFile>
#include <QRandomGenerator>
#include <QRegularExpression>

#include <openssl/evp.h>

#include <atomic>
#include <limits>
#include <thread>
#include <vector>

using namespace gatehouse;
using namespace gatehouse::crypto;
using gatehouse::test::fromHex;

namespace {
constexpr quint64 kMiB = 1024 * 1024;
}

class TestScrypt : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Many threads deriving at once: never more at a time than there are cores, and the
    // results are the same as one at a time.
    void concurrencyIsBoundedByTheCores()
    {
        const ScryptCost cost{1 << 14, 8, 1};
        const QByteArray expected = scrypt("password", "salt", cost, 32, 64 * kMiB).valueOr({});
        QVERIFY(!expected.isEmpty());
        const int threads = 4 * scryptConcurrencyLimit();
        std::atomic<int> wrong{0};
        std::vector<std::thread> running;
        for (int i = 0; i < threads; ++i) {
            running.emplace_back([&] {
                if (scrypt("password", "salt", cost, 32, 64 * kMiB).valueOr({}) != expected)
                    ++wrong;
            });
        }
        for (std::thread &thread : running)
            thread.join();
        QCOMPARE(wrong.load(), 0);
        QVERIFY(scryptPeakConcurrency() >= 1);
        QVERIFY(scryptPeakConcurrency() <= scryptConcurrencyLimit());
    }

    void rfc7914_data()
    {
        QTest::addColumn<QByteArray>("password");
        QTest::addColumn<QByteArray>("salt");
        QTest::addColumn<quint64>("n");
        QTest::addColumn<quint32>("r");
        QTest::addColumn<quint32>("p");
        QTest::addColumn<QByteArray>("expected");

        QTest::newRow("1") << QByteArray() << QByteArray() << quint64{16} << 1u << 1u
                           << fromHex("77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3f"
                                      "ede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628"
                                      "cf35e20c38d18906");
        QTest::newRow("2") << QByteArray("password") << QByteArray("NaCl") << quint64{1024} << 8u
                           << 16u
                           << fromHex("fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e7737663"
                                      "4b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d"
                                      "8360cbdfa2cc0640");
        QTest::newRow("3") << QByteArray("pleaseletmein") << QByteArray("SodiumChloride")
                           << quint64{16384} << 8u << 1u
                           << fromHex("7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6"
                                      "545da1f2d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40"
                                      "dfcf017b45575887");
        // Needs 1 GiB and a few seconds.
        QTest::newRow("4") << QByteArray("pleaseletmein") << QByteArray("SodiumChloride")
                           << quint64{1048576} << 8u << 1u
                           << fromHex("2101cb9b6a511aaeaddbbe09cf70f881ec568d574a2ffd4dabe5ee98"
                                      "20adaa478e56fd8f4ba5d09ffa1c6d927c40f4c337304049e8a952fb"
                                      "cbf45c6fa77a41a4");
    }

    void rfc7914()
    {
        QFETCH(QByteArray, password);
        QFETCH(QByteArray, salt);
        QFETCH(quint64, n);
        QFETCH(quint32, r);
        QFETCH(quint32, p);
        QFETCH(QByteArray, expected);
        const ScryptCost cost{n, r, p};
        // Exactly the computed need must be enough: memoryBytes() mirrors OpenSSL's check.
        const auto key = scrypt(password, salt, cost, 64, cost.memoryBytes());
        GH_VERIFY_OK(key);
        QCOMPARE(*key, expected);
    }

    // Our ROMix gives OpenSSL's scrypt's bytes for any input: lengths, r, p and N around
    // the edges of the block layout.
    void agreesWithOpenSsl()
    {
        QRandomGenerator random(7914);
        const auto bytes = [&](int length) {
            QByteArray out(length, Qt::Uninitialized);
            for (char &c : out)
                c = char(random.bounded(256));
            return out;
        };
        for (int i = 0; i < 40; ++i) {
            const QByteArray password = bytes(int(random.bounded(80)));
            const QByteArray salt = bytes(int(random.bounded(40)));
            const ScryptCost cost{quint64{2} << random.bounded(9), 1 + random.bounded(9u),
                                  1 + random.bounded(3u)};
            const int length = 1 + int(random.bounded(100));
            const auto ours = scrypt(password, salt, cost, length, cost.memoryBytes());
            GH_VERIFY_OK(ours);
            QByteArray theirs(length, Qt::Uninitialized);
            QCOMPARE(EVP_PBE_scrypt(password.constData(), size_t(password.size()),
                                    reinterpret_cast<const unsigned char *>(salt.constData()),
                                    size_t(salt.size()), cost.n, cost.r, cost.p, cost.memoryBytes(),
                                    reinterpret_cast<unsigned char *>(theirs.data()),
                                    size_t(length)),
                     1);
            QCOMPARE(*ours, theirs);
        }
    }

    // The memory is on 2 MiB boundaries, whole huge pages, zero-filled, advised for huge pages
    // where the kernel has them, and kept out of core dumps.
    void bufferAsksForHugePages()
    {
        const size_t wanted = 5 * HugePageBuffer::kHugePageBytes + 1;
        HugePageBuffer buffer(wanted);
        QVERIFY(buffer.data());
        QCOMPARE(reinterpret_cast<quintptr>(buffer.data()) % HugePageBuffer::kHugePageBytes, 0u);
        QCOMPARE(buffer.size(), 6 * HugePageBuffer::kHugePageBytes);
        const auto *bytes = static_cast<const unsigned char *>(buffer.data());
        QVERIFY(std::all_of(bytes, bytes + buffer.size(), [](unsigned char b) { return b == 0; }));
        QFile setting(QStringLiteral("/sys/kernel/mm/transparent_hugepage/enabled"));
        const bool available =
            setting.open(QIODevice::ReadOnly) && !setting.readAll().contains("[never]");
        QCOMPARE(buffer.advised(), available);
        // The mapping's flags: hg (huge pages advised) and dd (not dumped).
        QFile maps(QStringLiteral("/proc/self/smaps"));
        QVERIFY(maps.open(QIODevice::ReadOnly));
        const QByteArray start =
            QByteArray::number(reinterpret_cast<quintptr>(buffer.data()), 16) + '-';
        bool found = false;
        bool inside = false;
        const QRegularExpression mapping(QStringLiteral("^[0-9a-f]+-[0-9a-f]+ "));
        for (const QByteArray &line : maps.readAll().split('\n')) {
            if (mapping.match(QString::fromLatin1(line)).hasMatch())
                inside = false;
            if (line.startsWith(start)) {
                found = inside = true;
            } else if (inside && line.startsWith("VmFlags:")) {
                QVERIFY(line.contains(" dd"));
                QCOMPARE(line.contains(" hg"), available);
            }
        }
        QVERIFY(found);
        QVERIFY(!HugePageBuffer(0).data());
    }

    void memoryBytesMatchesOpenSsl()
    {
        // B = 128*r*p plus V/X/T = 128*r*(N+2), as in OpenSSL's scrypt.c.
        QCOMPARE((ScryptCost{16, 1, 1}.memoryBytes()), quint64{128 + 128 * 18});
        QCOMPARE((ScryptCost{1u << 17, 8, 1}.memoryBytes()),
                 quint64{128 * 8 + 128 * 8 * ((1u << 17) + 2)});
        QCOMPARE((ScryptCost{1024, 8, 16}.memoryBytes()), quint64{128 * 8 * 16 + 128 * 8 * 1026});
        // Saturates instead of wrapping.
        QCOMPARE((ScryptCost{quint64{1} << 62, 0xffffffffu, 1}.memoryBytes()),
                 std::numeric_limits<quint64>::max());
    }

    void productionParametersNeedAnExplicitCap()
    {
        const ScryptCost owasp{1u << 17, 8, 1};
        QVERIFY(owasp.memoryBytes() > 32 * kMiB);
        // A cap below the need is refused before OpenSSL is asked.
        GH_VERIFY_ERROR(scrypt("pw", "salt", owasp, 32, 32 * kMiB), ErrorCode::Unavailable);
        GH_VERIFY_ERROR(scrypt("pw", "salt", owasp, 32, owasp.memoryBytes() - 1),
                        ErrorCode::Unavailable);
        GH_VERIFY_ERROR(scrypt("pw", "salt", owasp, 32, 0), ErrorCode::Unavailable);
        const auto exact = scrypt("pw", "salt", owasp, 32, owasp.memoryBytes());
        GH_VERIFY_OK(exact);
        QCOMPARE(exact->size(), 32);
        const auto roomy = scrypt("pw", "salt", owasp, 32, 256 * kMiB);
        GH_VERIFY_OK(roomy);
        QCOMPARE(*roomy, *exact);
    }

    // A cost whose memory does not fit a 64-bit count is refused whatever the cap, before any
    // size is computed from it.
    void uncountableMemoryIsRefused()
    {
        const ScryptCost huge{quint64{1} << 62, 8, 1};
        QCOMPARE(huge.memoryBytes(), std::numeric_limits<quint64>::max());
        GH_VERIFY_ERROR(scrypt("pw", "salt", huge, 32, std::numeric_limits<quint64>::max()),
                        ErrorCode::InvalidInput);
    }

    void capMessageIsClear()
    {
        const auto result = scrypt("pw", "salt", {1u << 17, 8, 1}, 32, kMiB);
        QVERIFY(!result.ok());
        QVERIFY(result.error().message.contains(QLatin1String("cap")));
    }

    void rejectsMalformedCosts_data()
    {
        QTest::addColumn<quint64>("n");
        QTest::addColumn<quint32>("r");
        QTest::addColumn<quint32>("p");
        QTest::addColumn<int>("keyLength");
        QTest::newRow("N not a power of two") << quint64{131071} << 8u << 1u << 32;
        QTest::newRow("N = 0") << quint64{0} << 8u << 1u << 32;
        QTest::newRow("N = 1") << quint64{1} << 8u << 1u << 32;
        QTest::newRow("N = 3") << quint64{3} << 8u << 1u << 32;
        QTest::newRow("r = 0") << quint64{1024} << 0u << 1u << 32;
        QTest::newRow("p = 0") << quint64{1024} << 8u << 0u << 32;
        QTest::newRow("r*p = 2^30") << quint64{2} << (1u << 15) << (1u << 15) << 32;
        QTest::newRow("N >= 2^(16r)") << quint64{65536} << 1u << 1u << 32;
        QTest::newRow("key length 0") << quint64{16} << 1u << 1u << 0;
        QTest::newRow("key length -1") << quint64{16} << 1u << 1u << -1;
        QTest::newRow("key length 1025") << quint64{16} << 1u << 1u << 1025;
    }

    void rejectsMalformedCosts()
    {
        QFETCH(quint64, n);
        QFETCH(quint32, r);
        QFETCH(quint32, p);
        QFETCH(int, keyLength);
        GH_VERIFY_ERROR(scrypt("pw", "salt", {n, r, p}, keyLength, 4096 * kMiB),
                        ErrorCode::InvalidInput);
    }

    void keyLengthBounds()
    {
        const ScryptCost cheap{16, 1, 1};
        const auto one = scrypt("pw", "salt", cheap, 1, cheap.memoryBytes());
        const auto max = scrypt("pw", "salt", cheap, 1024, cheap.memoryBytes());
        GH_VERIFY_OK(one);
        GH_VERIFY_OK(max);
        QCOMPARE(one->size(), 1);
        QCOMPARE(max->size(), 1024);
        QCOMPARE(max->left(1), *one);
    }

    void passwordIsBytesNotCString()
    {
        const ScryptCost cheap{16, 1, 1};
        const auto withNul =
            scrypt(QByteArrayView("abc\0def", 7), "salt", cheap, 32, cheap.memoryBytes());
        const auto truncated = scrypt("abc", "salt", cheap, 32, cheap.memoryBytes());
        GH_VERIFY_OK(withNul);
        GH_VERIFY_OK(truncated);
        QVERIFY(*withNul != *truncated);
    }
};

QTEST_GUILESS_MAIN(TestScrypt)
#include "TestScrypt.moc"
