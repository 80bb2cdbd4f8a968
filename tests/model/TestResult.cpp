#include "model/Result.h"

#include "TestSupport.h"

#include <memory>

using namespace gatehouse;

namespace {

Result<int> parsePort(const QString &text)
{
    bool ok = false;
    const int port = text.toInt(&ok);
    if (!ok || port < 1 || port > 65535)
        return makeError(ErrorCode::InvalidInput, QStringLiteral("not a port"));
    return port;
}

} // namespace

class TestResult : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void holdsAValueOrAnError()
    {
        const Result<int> good = parsePort(QStringLiteral("443"));
        QVERIFY(good.ok());
        QVERIFY(bool(good));
        QCOMPARE(good.value(), 443);
        QCOMPARE(*good, 443);

        const Result<int> bad = parsePort(QStringLiteral("70000"));
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().code, ErrorCode::InvalidInput);
        QCOMPARE(bad.error().message, QStringLiteral("not a port"));
        QCOMPARE(bad.valueOr(8443), 8443);
        QCOMPARE(good.valueOr(8443), 443);
    }

    void carriesMoveOnlyValues()
    {
        Result<std::unique_ptr<int>> owned = std::make_unique<int>(7);
        QVERIFY(owned.ok());
        std::unique_ptr<int> taken = std::move(owned).value();
        QCOMPARE(*taken, 7);
    }

    void voidResult()
    {
        const Result<void> fine;
        QVERIFY(fine.ok());
        const Result<void> failed = makeError(ErrorCode::Unavailable, QStringLiteral("busy"));
        QVERIFY(!failed.ok());
        QCOMPARE(failed.error().code, ErrorCode::Unavailable);
        QCOMPARE(failed.error(), (Error{ErrorCode::Unavailable, QStringLiteral("busy")}));
    }
};

QTEST_GUILESS_MAIN(TestResult)
#include "TestResult.moc"
