#include "model/Error.h"

#include "TestSupport.h"

using namespace gatehouse;

class TestError : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void mapsEveryCodeToItsStatusAndName_data()
    {
        QTest::addColumn<ErrorCode>("code");
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("status");
        QTest::newRow("InvalidInput")
            << ErrorCode::InvalidInput << QStringLiteral("InvalidInput") << 400;
        QTest::newRow("NotFound") << ErrorCode::NotFound << QStringLiteral("NotFound") << 404;
        QTest::newRow("Conflict") << ErrorCode::Conflict << QStringLiteral("Conflict") << 409;
        QTest::newRow("Unauthenticated")
            << ErrorCode::Unauthenticated << QStringLiteral("Unauthenticated") << 401;
        QTest::newRow("PermissionDenied")
            << ErrorCode::PermissionDenied << QStringLiteral("PermissionDenied") << 403;
        QTest::newRow("RateLimited")
            << ErrorCode::RateLimited << QStringLiteral("RateLimited") << 429;
        QTest::newRow("Unavailable")
            << ErrorCode::Unavailable << QStringLiteral("Unavailable") << 503;
        QTest::newRow("Integrity") << ErrorCode::Integrity << QStringLiteral("Integrity") << 500;
        QTest::newRow("Internal") << ErrorCode::Internal << QStringLiteral("Internal") << 500;
    }

    void mapsEveryCodeToItsStatusAndName()
    {
        QFETCH(ErrorCode, code);
        QFETCH(QString, name);
        QFETCH(int, status);
        QCOMPARE(errorCodeName(code), name);
        QCOMPARE(errorCodeFromName(name), std::optional<ErrorCode>(code));
        QCOMPARE(httpStatus(code), status);
        // Both backends must fail identically: the status maps back to the same code, except
        // that Integrity and Internal share 500 (the body's code name tells them apart).
        const std::optional<ErrorCode> back = errorCodeFromHttpStatus(status);
        QVERIFY(back.has_value());
        if (code == ErrorCode::Integrity)
            QCOMPARE(*back, ErrorCode::Internal);
        else
            QCOMPARE(*back, code);
    }

    void unknownNamesAndStatuses()
    {
        QCOMPARE(errorCodeFromName(u"invalidinput"), std::nullopt);
        QCOMPARE(errorCodeFromName(u""), std::nullopt);
        QCOMPARE(errorCodeFromHttpStatus(418), std::optional<ErrorCode>(ErrorCode::InvalidInput));
        QCOMPARE(errorCodeFromHttpStatus(502), std::optional<ErrorCode>(ErrorCode::Internal));
        QCOMPARE(errorCodeFromHttpStatus(200), std::nullopt);
        QCOMPARE(errorCodeFromHttpStatus(302), std::nullopt);
        QCOMPARE(errorCodeFromHttpStatus(-1), std::nullopt);
    }
};

QTEST_GUILESS_MAIN(TestError)
#include "TestError.moc"
