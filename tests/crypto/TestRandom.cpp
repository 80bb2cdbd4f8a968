#include "crypto/Random.h"

#include "TestSupport.h"

using namespace gatehouse;
using namespace gatehouse::crypto;

class TestRandom : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void givesTheRequestedCount()
    {
        for (const qsizetype count : {0, 1, 16, 32, 1000}) {
            const auto bytes = randomBytes(count);
            GH_VERIFY_OK(bytes);
            QCOMPARE(bytes->size(), count);
        }
    }

    void differsAcrossCalls()
    {
        const auto a = randomBytes(32);
        const auto b = randomBytes(32);
        GH_VERIFY_OK(a);
        GH_VERIFY_OK(b);
        QVERIFY(*a != *b);
    }

    void refusesNegativeCount() { GH_VERIFY_ERROR(randomBytes(-1), ErrorCode::InvalidInput); }

    void secureZeroClearsOwnedBytes()
    {
        QByteArray owned(16, 'x');
        owned.detach();
        secureZero(owned);
        QVERIFY(owned.isEmpty());
    }

    void secureZeroLeavesOtherHoldersIntact()
    {
        // A shared buffer is not overwritten under the other holder's feet: the last owner
        // wipes it.
        QByteArray secret(14, 'k');
        const QByteArray otherHolder = secret;
        secureZero(secret);
        QVERIFY(secret.isEmpty());
        QCOMPARE(otherHolder, QByteArray(14, 'k'));
    }
};

QTEST_GUILESS_MAIN(TestRandom)
#include "TestRandom.moc"
