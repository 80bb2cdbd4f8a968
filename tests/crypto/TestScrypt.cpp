#include "crypto/Scrypt.h"

#include "TestSupport.h"

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
