#include "audit/AuditChain.h"
#include "audit/AuditCheckpoints.h"
#include "audit/AuditRows.h"
#include "audit/AuditSigningKeys.h"
#include "audit/cloudtrail/TrailIndex.h"
#include "auth/AuditTrail.h"
#include "auth/ServiceTokens.h"
#include "auth/UserDirectory.h"
#include "crypto/Ed25519.h"
#include "model/Clock.h"

#include "TestStores.h"
#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QScopeGuard>
#include <QSqlQuery>
#include <QTemporaryDir>

#include <thread>

using namespace gatehouse;
namespace TestStores = gatehouse::test::TestStores;

namespace {

constexpr int kRecords = 1000; // written through the services before the first checkpoint

QString problemsText(const AuditVerification &verification)
{
    QStringList lines;
    for (const AuditProblem &problem : verification.problems)
        lines.append(
            QStringLiteral("%1 %2: %3").arg(problem.sequence).arg(problem.kind, problem.message));
    return lines.join(QLatin1Char('\n'));
}

} // namespace

// The tamper cases of SECURITY.md family F against a log of 1000 records written through the
// services and then signed: each case tampers with a copy of that store through a connection
// of its own, as someone with the database file (or the database's password) would, and runs
// verify.
class TestAuditChain : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    StoreInfo m_template; // the store as signed, never opened again after initTestCase
    StoreInfo m_info; // this test's copy
    QString m_keys; // its audit signing keys
    std::shared_ptr<ManualClock> m_clock;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<ServiceContext> m_context;
    std::unique_ptr<UserDirectory> m_users;
    std::unique_ptr<AuditTrail> m_trail;
    User m_owner;
    int m_copies = 0;
    int m_written = 0;

    void closeServices()
    {
        m_trail.reset();
        m_users.reset();
        m_context.reset();
        m_store.reset();
    }

    // Where the signing keys of a store are kept: beside a SQLite file (where the services
    // look by default), in the test's folder for a PostgreSQL database (which has no file).
    QString keysFor(const StoreInfo &info, const QString &name) const
    {
        return TestStores::postgres() ? m_dir.filePath(name + QStringLiteral(".audit-keys"))
                                      : AuditSigningKeys::defaultPathFor(info.location);
    }

    void openServices(const StoreInfo &info)
    {
        closeServices();
        auto store = TestStores::open(info);
        QVERIFY2(store, qPrintable(store ? QString() : store.error().message));
        m_store = std::move(*store);
        m_info = m_store->info();
        m_context = std::make_unique<ServiceContext>(*m_store, m_clock, std::nullopt, m_keys);
        m_users = std::make_unique<UserDirectory>(*m_context);
        m_trail = std::make_unique<AuditTrail>(*m_context);
    }

    void copyTemplate()
    {
        const QString name = QStringLiteral("copy-%1").arg(++m_copies);
        Result<StoreInfo> copied = TestStores::copy(m_template, m_dir.path(), name);
        QVERIFY2(copied, qPrintable(copied ? QString() : copied.error().message));
        const QString keys = keysFor(*copied, name);
        QVERIFY(QFile::copy(keysFor(m_template, QStringLiteral("template")), keys));
        m_keys = keys;
        openServices(*copied);
    }

    void tamper(const QString &statement, const QVariantMap &bindings = {})
    {
        const QString problem = TestStores::execByHand(m_info, statement, bindings);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }

    AuditVerification verify(const QList<AuditCheckpoint> &held = {},
                             const QList<QByteArray> &extraKeys = {})
    {
        Result<AuditVerification> verification =
            m_trail->verify(test::actorFor(m_owner), held, extraKeys);
        if (!verification)
            qWarning() << verification.error().message;
        return verification.valueOr(
            AuditVerification{0, 0, 0, {{-1, QStringLiteral("failed"), {}}}});
    }

    void expectFirst(const AuditVerification &verification, qint64 sequence, const QString &kind)
    {
        QVERIFY2(!verification.ok(), "verify found nothing");
        QVERIFY2(verification.problems.first().sequence == sequence
                     && verification.problems.first().kind == kind,
                 qPrintable(problemsText(verification)));
    }

    AuditRow row(qint64 seq)
    {
        return m_store
            ->transact<AuditRow>(Store::Access::Read,
                                 [&](SqlTransaction &tx) -> Result<AuditRow> {
                                     Result<QSqlQuery> query = tx.exec(
                                         QStringLiteral("SELECT ") + AuditRows::kColumns
                                             + QStringLiteral(" FROM audit_events WHERE seq = ?"),
                                         {seq});
                                     if (!query)
                                         return query.error();
                                     if (!query->next())
                                         return AuditRow{};
                                     return AuditRows::fromQuery(*query);
                                 })
            .valueOr(AuditRow{});
    }

    // Rewrites records from..to with correct hashes, as an attacker who knows the scheme
    // would after editing one: only a signed checkpoint can tell.
    void rehash(qint64 from, qint64 to, bool moveHead)
    {
        QByteArray previous = row(from - 1).entryHash;
        if (from == 1)
            previous = QByteArray(AuditChain::kHashLength, '\0');
        for (qint64 seq = from; seq <= to; ++seq) {
            AuditRow current = row(seq);
            const QByteArray hash = AuditChain::entryHash(seq, previous, current);
            tamper(QStringLiteral("UPDATE audit_events SET prev_hash = :p, entry_hash = :h"
                                  " WHERE seq = :s"),
                   {{QStringLiteral(":p"), previous},
                    {QStringLiteral(":h"), hash},
                    {QStringLiteral(":s"), seq}});
            previous = hash;
        }
        if (moveHead) {
            tamper(QStringLiteral("UPDATE audit_chain SET head_hash = :h"),
                   {{QStringLiteral(":h"), previous}});
        }
    }

    AuditCheckpoint checkpoint()
    {
        Result<AuditCheckpoint> made = m_trail->createCheckpoint(test::actorFor(m_owner));
        if (!made)
            qWarning() << made.error().message;
        return made.valueOr(AuditCheckpoint{});
    }

    void writeRecords(int count)
    {
        for (int i = 0; i < count; ++i) {
            m_clock->advance(1000);
            Result<User> user =
                m_users->create(test::actorFor(m_owner),
                                NewUser{QStringLiteral("more-%1").arg(++m_written), {}, {}, {}});
            QVERIFY(user);
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_clock = std::make_shared<ManualClock>(QDateTime(QDate(2026, 3, 1), QTime(9, 0), Qt::UTC));
        {
            auto store = TestStores::create(m_dir.path(), QStringLiteral("template"));
            QVERIFY2(store, qPrintable(store ? QString() : store.error().message));
            m_template = (*store)->info();
        }
        m_keys = keysFor(m_template, QStringLiteral("template"));
        openServices(m_template);
        Result<User> owner = m_users->createFirstOwner(
            Actor::localConsole(), NewUser{QStringLiteral("owner"), {}, {}, {Role::Owner}});
        QVERIFY2(owner, qPrintable(owner ? QString() : owner.error().message));
        m_owner = *owner;
        // The first owner's record, then 999 more.
        for (int i = 1; i < kRecords; ++i) {
            m_clock->advance(1000);
            Result<User> user = m_users->create(
                test::actorFor(m_owner),
                NewUser{QStringLiteral("user%1").arg(i, 4, 10, QLatin1Char('0')), {}, {}, {}});
            QVERIFY(user);
        }
        QCOMPARE(row(kRecords).seq, qint64(kRecords));
        const AuditCheckpoint signedLog = checkpoint();
        QCOMPARE(signedLog.size, qint64(kRecords));
        closeServices(); // the template stays as signed
    }

    void init() { copyTemplate(); }

    void intactLogVerifies()
    {
        const AuditVerification verification = verify();
        QVERIFY2(verification.ok(), qPrintable(problemsText(verification)));
        QCOMPARE(verification.firstSequence, qint64(1));
        QCOMPARE(verification.lastSequence, qint64(kRecords + 1)); // + the checkpoint's record
        QCOMPARE(verification.checkpointsChecked, qint64(1));
        // Verify is itself recorded, and the log stays whole after more activity.
        writeRecords(3);
        QVERIFY(verify().ok());
    }

    void editedField_data()
    {
        QTest::addColumn<qint64>("seq");
        QTest::addColumn<QString>("statement");
        for (qint64 k : {qint64(1), qint64(500), qint64(kRecords)}) {
            const QByteArray at = QByteArray::number(k);
            QTest::newRow(QByteArray("actor in record " + at).constData())
                << k
                << QStringLiteral(
                       "UPDATE audit_events SET record = replace(record,"
                       " '\"userIdentity\":{', '\"userIdentity\":{\"userName\":\"mallory\",')"
                       " WHERE seq = :k");
            QTest::newRow(QByteArray("action column " + at).constData())
                << k
                << QStringLiteral(
                       "UPDATE audit_events SET event_name = 'DeleteUser' WHERE seq = :k");
            QTest::newRow(QByteArray("result column " + at).constData())
                << k
                << QStringLiteral(
                       "UPDATE audit_events SET error_code = 'AccessDenied' WHERE seq = :k");
            QTest::newRow(QByteArray("actor column " + at).constData())
                << k
                << QStringLiteral("UPDATE audit_events SET username = 'mallory' WHERE seq = :k");
        }
    }

    // F1
    void editedField()
    {
        QFETCH(qint64, seq);
        QFETCH(QString, statement);
        const QByteArray before = row(seq).record;
        tamper(statement, {{QStringLiteral(":k"), seq}});
        const AuditRow after = row(seq);
        QVERIFY2(after.record != before || after.eventName == QLatin1String("DeleteUser")
                     || !after.errorCode.isEmpty() || after.username == QLatin1String("mallory"),
                 "the tamper statement changed nothing");
        const AuditVerification verification = verify();
        expectFirst(verification, seq, QStringLiteral("edited"));
        QCOMPARE(verification.problems.size(), 1);
    }

    void editedAndRehashed_data()
    {
        QTest::addColumn<qint64>("seq");
        for (qint64 k : {qint64(1), qint64(500), qint64(kRecords)})
            QTest::newRow(QByteArray::number(k).constData()) << k;
    }

    // F1 by someone who recomputes the edited record's hashes: the next record no longer
    // follows it.
    void editedAndRehashed()
    {
        QFETCH(qint64, seq);
        tamper(QStringLiteral("UPDATE audit_events SET event_name = 'DeleteUser' WHERE seq = :k"),
               {{QStringLiteral(":k"), seq}});
        rehash(seq, seq, false);
        expectFirst(verify(), seq, QStringLiteral("edited"));
    }

    // ... and who rewrites the whole rest of the chain and its head: the signed checkpoint
    // no longer matches.
    void chainRewrittenToTheEnd()
    {
        tamper(QStringLiteral("UPDATE audit_events SET username = 'mallory' WHERE seq = 500"));
        rehash(500, kRecords + 1, true);
        const AuditVerification verification = verify();
        expectFirst(verification, kRecords, QStringLiteral("checkpoint-mismatch"));
        QCOMPARE(verification.problems.size(), 1);
    }

    void deletedRecord_data() { editedAndRehashed_data(); }

    // F2
    void deletedRecord()
    {
        QFETCH(qint64, seq);
        tamper(QStringLiteral("DELETE FROM audit_events WHERE seq = :k"),
               {{QStringLiteral(":k"), seq}});
        const AuditVerification verification = verify();
        expectFirst(verification, seq, QStringLiteral("missing"));
        QCOMPARE(verification.problems.size(), 1);
    }

    void swappedRecords_data()
    {
        QTest::addColumn<qint64>("seq");
        for (qint64 k : {qint64(1), qint64(500), qint64(kRecords - 1)})
            QTest::newRow(QByteArray::number(k).constData()) << k;
    }

    // F3: rows k and k+1 exchange their contents (everything but the sequence number).
    void swappedRecords()
    {
        QFETCH(qint64, seq);
        const QString columns = AuditRows::kColumns.section(QLatin1Char(','), 1);
        // Made empty, then filled: PostgreSQL takes no parameters in CREATE TABLE AS.
        tamper(QStringLiteral("CREATE TABLE swap AS SELECT * FROM audit_events WHERE 0 = 1"));
        tamper(QStringLiteral("INSERT INTO swap SELECT * FROM audit_events WHERE seq IN (:a, :b)"),
               {{QStringLiteral(":a"), seq}, {QStringLiteral(":b"), seq + 1}});
        tamper(QStringLiteral("DELETE FROM audit_events WHERE seq IN (:a, :b)"),
               {{QStringLiteral(":a"), seq}, {QStringLiteral(":b"), seq + 1}});
        // The new numbers are cast: PostgreSQL reads untyped parameters in a CASE as text.
        tamper(
            QStringLiteral(
                "INSERT INTO audit_events (seq,%1) SELECT CASE seq WHEN :a THEN CAST(:b AS BIGINT)"
                " ELSE CAST(:a AS BIGINT) END,%1 FROM swap")
                .arg(columns),
            {{QStringLiteral(":a"), seq}, {QStringLiteral(":b"), seq + 1}});
        tamper(QStringLiteral("DROP TABLE swap"));
        const AuditVerification verification = verify();
        expectFirst(verification, seq, QStringLiteral("reordered"));
        QCOMPARE(verification.problems.at(1).sequence, seq + 1);
    }

    // Tail truncation: the last records deleted, with or without moving the chain's head back.
    void truncatedTail_data()
    {
        QTest::addColumn<bool>("headMovedBack");
        QTest::newRow("head left") << false;
        QTest::newRow("head moved back too") << true;
    }

    void truncatedTail()
    {
        QFETCH(bool, headMovedBack);
        tamper(QStringLiteral("DELETE FROM audit_events WHERE seq > 990"));
        if (headMovedBack) {
            const AuditRow last = row(990);
            tamper(QStringLiteral("UPDATE audit_chain SET head_seq = 990, head_hash = :h"),
                   {{QStringLiteral(":h"), last.entryHash}});
        }
        const AuditVerification verification = verify();
        expectFirst(verification, 991, QStringLiteral("truncated"));
    }

    // Someone appends a forged record behind the chain's back.
    void addedRecord()
    {
        AuditRow forged = row(kRecords);
        forged.seq = kRecords + 5;
        forged.eventId = QStringLiteral("forged");
        QVERIFY(m_store->transaction(Store::Access::Write, [&](SqlTransaction &tx) {
            return AuditRows::insert(tx, forged);
        }));
        expectFirst(verify(), kRecords + 5, QStringLiteral("extra"));
    }

    void hashesRemoved()
    {
        tamper(QStringLiteral(
            "UPDATE audit_events SET prev_hash = NULL, entry_hash = NULL WHERE seq = 7"));
        expectFirst(verify(), 7, QStringLiteral("unchained"));
        // Once the chain has started, emptied hashes are never filled in again.
        writeRecords(1);
        expectFirst(verify(), 7, QStringLiteral("unchained"));
    }

    // F5: the store replaced by an older copy of itself. Its own checkpoints agree with it;
    // a checkpoint held outside (exported after more activity) does not.
    void rolledBack()
    {
        writeRecords(5);
        const AuditCheckpoint later = checkpoint();
        QVERIFY(later.size > kRecords + 1);
        closeServices();
        const StoreInfo replaced = m_info;
        Result<void> restored = TestStores::overwrite(replaced, m_template);
        QVERIFY2(restored, qPrintable(restored ? QString() : restored.error().message));
        openServices(replaced);
        const AuditVerification verification = verify({later});
        expectFirst(verification, kRecords + 2, QStringLiteral("rollback"));
        QVERIFY(verify().ok()); // nothing inside the store can tell
    }

    // A held checkpoint the log extends is fine, even after a rotation of the key; one of
    // another store is reported.
    void heldCheckpoints()
    {
        const AuditCheckpoint first = checkpoint();
        writeRecords(3);
        QVERIFY(verify({first}).ok());
        AuditCheckpoint foreign = first;
        foreign.logId = QStringLiteral("another-store");
        expectFirst(verify({foreign}), first.size, QStringLiteral("checkpoint-other-log"));
    }

    // F7: a checkpoint signed with a key the store does not trust, or with flipped bytes.
    void forgedCheckpoints()
    {
        Result<AuditCheckpoint> stored = m_store->transact<AuditCheckpoint>(
            Store::Access::Read, [&](SqlTransaction &tx) -> Result<AuditCheckpoint> {
                Result<std::optional<AuditCheckpoint>> last =
                    AuditCheckpoints::latest(tx, m_store->info().storeId);
                if (!last)
                    return last.error();
                return **last;
            });
        QVERIFY(stored);
        // Round trip through the exported form first, as a verifier gets it.
        Result<AuditCheckpoint> exported =
            AuditCheckpoint::fromJson(QJsonDocument(stored->toJson()).toJson());
        QVERIFY(exported);
        QVERIFY(verify({*exported}).ok());

        Result<crypto::Ed25519KeyPair> attacker = crypto::Ed25519KeyPair::generate();
        QVERIFY(attacker);
        Result<AuditCheckpoint> forged = AuditCheckpoint::sign(*exported, *attacker);
        QVERIFY(forged);
        expectFirst(verify({*forged}), kRecords, QStringLiteral("checkpoint-untrusted-key"));
        // Trusting the attacker's key on the command line is what makes it pass.
        QVERIFY(verify({*forged}, {attacker->publicKey()}).ok());

        AuditCheckpoint flipped = *exported;
        flipped.signature[10] = char(flipped.signature.at(10) ^ 0x01);
        expectFirst(verify({flipped}), kRecords, QStringLiteral("checkpoint-signature"));
        AuditCheckpoint resized = *exported;
        resized.size -= 1;
        expectFirst(verify({resized}), kRecords - 1, QStringLiteral("checkpoint-signature"));

        tamper(QStringLiteral("UPDATE audit_checkpoints SET signature = :s"),
               {{QStringLiteral(":s"), flipped.signature}});
        expectFirst(verify(), kRecords, QStringLiteral("checkpoint-signature"));
    }

    // F8: checkpoints deleted from the table.
    void deletedCheckpoints()
    {
        writeRecords(2);
        const AuditCheckpoint second = checkpoint();
        writeRecords(2);
        const AuditCheckpoint third = checkpoint();
        QVERIFY(verify().ok());
        tamper(QStringLiteral("DELETE FROM audit_checkpoints WHERE size = :s"),
               {{QStringLiteral(":s"), second.size}});
        AuditVerification verification = verify();
        QVERIFY(!verification.ok());
        const QString text = problemsText(verification);
        QVERIFY2(text.contains(QStringLiteral("checkpoint-missing: Checkpoints between ")),
                 qPrintable(text));
        QVERIFY2(text.contains(third.time.toString(Qt::ISODateWithMs)), qPrintable(text));

        tamper(QStringLiteral("DELETE FROM audit_checkpoints"));
        verification = verify();
        QCOMPARE(verification.problems.size(), 3); // each announced checkpoint is missed
        for (const AuditProblem &problem : verification.problems)
            QCOMPARE(problem.kind, QStringLiteral("checkpoint-missing"));
        QCOMPARE(verification.problems.first().sequence, qint64(kRecords));
    }

    // F9: text that looks like another record stays one escaped field of one record.
    void injectedText()
    {
        Result<qint64> before = m_store->transact<qint64>(
            Store::Access::Read, [](SqlTransaction &tx) -> Result<qint64> {
                Result<QVariant> n = tx.scalar(QStringLiteral("SELECT count(*) FROM audit_events"));
                if (!n)
                    return n.error();
                return n->toLongLong();
            });
        QVERIFY(before);
        Actor actor = test::actorFor(m_owner);
        actor.userAgent = QStringLiteral("x\n{\"seq\":999,\"action\":\"grant_admin\"}\u202e");
        QVERIFY(m_users->create(actor, NewUser{QStringLiteral("injected"), {}, {}, {}}));
        const AuditRow written = row(*before + 1);
        QVERIFY(!written.record.contains('\n'));
        QVERIFY(written.record.contains("x\\n{\\\"seq\\\":999"));
        QCOMPARE(QJsonDocument::fromJson(written.record)[QStringLiteral("userAgent")].toString(),
                 actor.userAgent);
        QVERIFY(row(*before + 2).seq == 0);
        QVERIFY(verify().ok());
    }

    // F11: the signing key rotated between checkpoints; both verify, the old one only while
    // its public key is trusted.
    void rotatedKey()
    {
        const AuditCheckpoint before = checkpoint();
        Result<QString> rotated = m_trail->rotateSigningKey(test::actorFor(m_owner));
        QVERIFY(rotated);
        QVERIFY(*rotated != before.keyFingerprint);
        writeRecords(2);
        const AuditCheckpoint after = checkpoint();
        QCOMPARE(after.keyFingerprint, *rotated);
        QVERIFY(verify({before, after}).ok());

        // The retired key is what verifies the older checkpoints.
        QFile file(m_keys);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QByteArray content = file.readAll();
        file.close();
        const qsizetype retired = content.indexOf("retired ");
        QVERIFY(retired > 0);
        content.truncate(retired);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(content);
        file.close();
        expectFirst(verify({before}), kRecords, QStringLiteral("checkpoint-untrusted-key"));
    }

    // The key file gone after checkpoints were signed: no silent new key.
    void lostKeyFile()
    {
        QVERIFY(QFile::remove(m_keys));
        Result<AuditCheckpoint> refused = m_trail->createCheckpoint(test::actorFor(m_owner));
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::Unavailable);
        QVERIFY(refused.error().message.contains(QStringLiteral("Restore it")));
        QVERIFY(!QFile::exists(m_keys));
        // Verification without it trusts nothing the store holds, and says so.
        expectFirst(verify(), kRecords, QStringLiteral("checkpoint-untrusted-key"));
        // Rotation is the way out: a new key, and checkpoints again.
        QVERIFY(m_trail->rotateSigningKey(test::actorFor(m_owner)));
        QVERIFY(m_trail->createCheckpoint(test::actorFor(m_owner)));
    }

    void scheduledCheckpoints()
    {
        Actor system;
        system.kind = Actor::Kind::System;
        const qint64 head = row(kRecords + 1).seq;
        // Nothing since the last checkpoint but its own record: nothing to sign, no record.
        Result<std::optional<AuditCheckpoint>> idle = m_trail->createScheduledCheckpoint(system);
        QVERIFY(idle);
        QVERIFY(!*idle);
        QCOMPARE(row(head + 1).seq, qint64(0));
        writeRecords(1);
        Result<std::optional<AuditCheckpoint>> made = m_trail->createScheduledCheckpoint(system);
        QVERIFY(made && *made);
        QCOMPARE((*made)->size, head + 1);
        QVERIFY(verify().ok());
    }

    void refusedToOthers()
    {
        Result<User> auditor = m_users->create(
            test::actorFor(m_owner), NewUser{QStringLiteral("auditor"), {}, {}, {Role::Auditor}});
        QVERIFY(auditor);
        Result<User> plain =
            m_users->create(test::actorFor(m_owner), NewUser{QStringLiteral("plain"), {}, {}, {}});
        QVERIFY(plain);
        QVERIFY(m_trail->checkpoints(test::actorFor(*auditor)));
        for (const User &user : {*plain}) {
            QCOMPARE(m_trail->createCheckpoint(test::actorFor(user)).error().code,
                     ErrorCode::PermissionDenied);
            QCOMPARE(m_trail->verify(test::actorFor(user), {}, {}).error().code,
                     ErrorCode::PermissionDenied);
            QCOMPARE(m_trail->rotateSigningKey(test::actorFor(user)).error().code,
                     ErrorCode::PermissionDenied);
            QCOMPARE(m_trail->checkpoints(test::actorFor(user)).error().code,
                     ErrorCode::PermissionDenied);
        }
        QVERIFY(verify().ok()); // the refusals are recorded in the chain too
    }

    // Retention: the oldest records move to CloudTrail-format files and what remains still
    // verifies; the files read back as a trail, record for record.
    void archivedRecords()
    {
        const AuditRow kept = row(501);
        const qint64 age =
            QDateTime::fromString(kept.eventTime, Qt::ISODateWithMs).secsTo(m_clock->now());
        const QString folder = m_dir.filePath(QStringLiteral("archive-%1").arg(m_copies));
        Result<AuditArchive::Outcome> archived =
            m_trail->archive(test::actorFor(m_owner), age, folder);
        QVERIFY2(archived, qPrintable(archived ? QString() : archived.error().message));
        QCOMPARE(archived->firstSequence, qint64(1));
        QCOMPARE(archived->lastSequence, qint64(500));
        QCOMPARE(row(500).seq, qint64(0));
        QCOMPARE(row(501).seq, qint64(501));
        const AuditVerification verification = verify();
        QVERIFY2(verification.ok(), qPrintable(problemsText(verification)));
        QCOMPARE(verification.firstSequence, qint64(501));

        // The files hold exactly the 500 records, as trail files.
        auto index = cloudtrail::TrailIndex::open(
            m_dir.filePath(QStringLiteral("archive-%1.idx").arg(m_copies)));
        QVERIFY(index);
        Result<cloudtrail::TrailImportReport> imported = (*index)->import({folder});
        QVERIFY(imported);
        QCOMPARE(imported->records, 500);
        QVERIFY(imported->malformed.isEmpty());
        EventLookup lookup;
        lookup.conditions.append({LookupAttribute::EventId, kept.eventId});
        QCOMPARE((*index)->lookup(lookup)->events.size(), 0);
        lookup.conditions.first().value = row(1000).eventId;
        QCOMPARE((*index)->lookup(lookup)->events.size(), 0);
        const QString manifest = QDir(folder).filePath(archived->manifest);
        QFile file(manifest);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject described = QJsonDocument::fromJson(file.readAll()).object();
        QCOMPARE(described[QStringLiteral("lastSequence")].toInteger(), 500);
        QVERIFY(
            described[QStringLiteral("checkpoint")][QStringLiteral("signature")].toString().size()
            == 128);

        // Nothing more is old enough; a second archive moves nothing.
        Result<AuditArchive::Outcome> again =
            m_trail->archive(test::actorFor(m_owner), age + 3600, folder);
        QVERIFY(again);
        QCOMPARE(again->lastSequence, qint64(0));

        // Deleting more and moving the base to match is not an archive.
        tamper(QStringLiteral("DELETE FROM audit_events WHERE seq <= 600"));
        const AuditRow base = row(601);
        tamper(QStringLiteral("UPDATE audit_chain SET base_seq = 600, base_hash = :h"),
               {{QStringLiteral(":h"), base.prevHash}});
        expectFirst(verify(), 1, QStringLiteral("missing"));
    }

    // A tampered record is never archived: nothing moves.
    void archiveRefusesATamperedLog()
    {
        tamper(QStringLiteral("UPDATE audit_events SET event_name = 'X' WHERE seq = 10"));
        Result<AuditArchive::Outcome> refused =
            m_trail->archive(test::actorFor(m_owner), 0, m_dir.filePath(QStringLiteral("refused")));
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::Integrity);
        QVERIFY(refused.error().message.contains(QStringLiteral("Record 10 does not verify")));
        QCOMPARE(row(1).seq, qint64(1));
    }

    // F10: the audit insert fails while an API key is created: an error, and neither a key
    // nor a record of one.
    void failedAuditInsertCreatesNothing()
    {
        if (TestStores::postgres()) {
            tamper(QStringLiteral(
                "CREATE FUNCTION refuse_token_audit() RETURNS trigger"
                " LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$"));
            tamper(QStringLiteral("CREATE TRIGGER refuse_token_audit BEFORE INSERT ON audit_events"
                                  " FOR EACH ROW WHEN (NEW.event_name = 'CreateServiceToken')"
                                  " EXECUTE FUNCTION refuse_token_audit()"));
        } else {
            tamper(QStringLiteral("CREATE TRIGGER refuse_token_audit BEFORE INSERT ON audit_events"
                                  " WHEN NEW.event_name = 'CreateServiceToken'"
                                  " BEGIN SELECT RAISE(ABORT, 'disk full'); END"));
        }
        ServiceTokens tokens(*m_context);
        Result<ServiceTokenSecret> refused = tokens.create(
            test::actorFor(m_owner),
            NewServiceToken{{}, QStringLiteral("deploy"), {ServiceTokenScope::Introspect}, 0});
        QVERIFY(!refused);
        QVERIFY(refused.error().code == ErrorCode::Unavailable
                || refused.error().code == ErrorCode::Internal);
        QVERIFY(!refused.error().message.contains(QStringLiteral("disk full"))); // no internals
        const auto count = [&](const QString &sql) {
            return m_store
                ->transact<QVariant>(Store::Access::Read,
                                     [&](SqlTransaction &tx) { return tx.scalar(sql); })
                .valueOr(QVariant(-1))
                .toInt();
        };
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM service_tokens")), 0);
        QCOMPARE(count(QStringLiteral(
                     "SELECT count(*) FROM audit_events WHERE event_name = 'CreateServiceToken'")),
                 0);
        QVERIFY(verify().ok());
    }

    // Records written before the chain existed (no hashes, the chain never started, nothing
    // signed) are chained by the first record appended after the upgrade.
    void recordsFromBeforeTheChain()
    {
        StoreInfo upgraded;
        {
            auto store = TestStores::create(m_dir.path(), QStringLiteral("upgraded"));
            QVERIFY2(store, qPrintable(store ? QString() : store.error().message));
            upgraded = (*store)->info();
        }
        m_keys = keysFor(upgraded, QStringLiteral("upgraded"));
        openServices(upgraded);
        Result<User> owner = m_users->createFirstOwner(
            Actor::localConsole(), NewUser{QStringLiteral("owner"), {}, {}, {Role::Owner}});
        QVERIFY(owner);
        const auto restoreOwner =
            qScopeGuard([this, templateOwner = m_owner] { m_owner = templateOwner; });
        m_owner = *owner;
        writeRecords(4);
        tamper(QStringLiteral("UPDATE audit_events SET prev_hash = NULL, entry_hash = NULL"));
        tamper(QStringLiteral("UPDATE audit_chain SET head_seq = 0, head_hash = :z"),
               {{QStringLiteral(":z"), QByteArray(AuditChain::kHashLength, '\0')}});
        expectFirst(verify(), 1, QStringLiteral("unchained"));
        writeRecords(1); // after the verify's own record: 7 records in all
        const AuditVerification verification = verify();
        QVERIFY2(verification.ok(), qPrintable(problemsText(verification)));
        QCOMPARE(verification.lastSequence, qint64(7));
    }

    // Writers on several connections at once still make one linear chain.
    void concurrentWriters()
    {
        auto writer = [&](int id) {
            ServiceContext context(*m_store, m_clock);
            UserDirectory users(context);
            for (int i = 0; i < 100; ++i)
                (void)users.create(test::actorFor(m_owner),
                                   NewUser{QStringLiteral("w%1-%2").arg(id).arg(i), {}, {}, {}});
        };
        std::thread a(writer, 1);
        std::thread b(writer, 2);
        a.join();
        b.join();
        const AuditVerification verification = verify();
        QVERIFY2(verification.ok(), qPrintable(problemsText(verification)));
        QCOMPARE(verification.lastSequence, qint64(kRecords + 1 + 200));
    }
};

QTEST_GUILESS_MAIN(TestAuditChain)
#include "TestAuditChain.moc"
