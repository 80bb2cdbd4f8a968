#include "ApiClient.h"
#include "TestSupport.h"
#include "crypto/Base64.h"
#include "crypto/Otp.h"

#include <QFile>
#include <QJsonArray>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace gatehouse;
using namespace gatehouse::test;

namespace {

const auto json = ApiClient::json;
const auto j = ApiClient::j;
const auto bearer = ApiClient::bearer;
const QByteArray kPassword = "correct horse battery staple 42";

QByteArray jwtPart(const QByteArray &text)
{
    return crypto::base64UrlEncode(text);
}

} // namespace

// The rows of the hostile-input catalogue that a server meets, sent to a real gatehouse-server
// over HTTP: tokens (C1, C2, C4, C8, C9, C12, C13), sessions (D1, D5, D7, D9), API requests
// (E8, E11, E18, E19) and storage faults (G4, G6, G7).
class TestServerCatalogue : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_database = ServerProcess::initStore(m_dir.filePath(QStringLiteral("store.db")),
                                              QStringLiteral("root"), kPassword);
        QVERIFY(!m_database.isEmpty());
        QVERIFY(requireMfaForNoRole(m_database));
        m_server = start(m_database, QStringLiteral("catalogue.log"));
        QVERIFY2(m_server->started(), qPrintable(m_server->error()));
        m_api = std::make_unique<ApiClient>(m_server->port());
        m_root = bearer(m_api->login("root", kPassword));
        QVERIFY(!m_root.isEmpty());
        QCOMPARE(
            m_api->call("PUT", "/admin/v1/policies/signup", j("{'enabled':true}"), m_root).status(),
            200);
        QCOMPARE(m_api->call("POST", "/admin/v1/keys/rotate", {}, m_root).status(), 201);
    }

    // C1, C2, C4: a service token stops at once when revoked, rotated (no grace) or when its
    // owner is disabled; revoking again is not an error; of two rotations at once one wins.
    void serviceTokens()
    {
        const QByteArray owner =
            m_api->createUserWithPassword(m_root, "token-owner", "admin", kPassword);
        QVERIFY(!owner.isEmpty());
        const auto issue = [&] {
            return json(m_api->call("POST", "/admin/v1/tokens",
                                    "{\"name\":\"ci\",\"scopes\":[\"admin:read\"],\"ownerId\":\""
                                        + owner + "\"}",
                                    m_root));
        };
        const auto works = [&](const QJsonValue &secret) {
            return m_api
                ->call("GET", "/admin/v1/users?pageSize=1", {},
                       bearer(secret.toString().toLatin1()))
                .status();
        };
        QJsonObject revoked = issue();
        QCOMPARE(works(revoked[u"secret"]), 200);
        const QByteArray id = revoked[u"token"][u"id"].toString().toLatin1();
        QCOMPARE(m_api->call("DELETE", "/admin/v1/tokens/" + id, {}, m_root).status(), 200);
        QCOMPARE(works(revoked[u"secret"]), 401);
        QCOMPARE(m_api->call("DELETE", "/admin/v1/tokens/" + id, {}, m_root).status(), 200);

        QJsonObject rotated = issue();
        const QByteArray rotatedId = rotated[u"token"][u"id"].toString().toLatin1();
        const RawExchange next = m_api->call("POST", "/admin/v1/tokens/" + rotatedId + "/rotate",
                                             j("{'expectedGeneration':1}"), m_root);
        QCOMPARE(next.status(), 200);
        QCOMPARE(works(rotated[u"secret"]), 401);
        QCOMPARE(works(json(next)[u"secret"]), 200);
        // Two rotations from the same generation: exactly one succeeds, the other is 409.
        std::vector<std::unique_ptr<QTcpSocket>> racing;
        const QByteArray request = httpRequest(
            "POST", "/admin/v1/tokens/" + rotatedId + "/rotate", j("{'expectedGeneration':2}"),
            {{"Authorization", m_root}, {"Content-Type", "application/json"}});
        for (int i = 0; i < 2; ++i) {
            racing.push_back(std::make_unique<QTcpSocket>());
            racing.back()->connectToHost(QStringLiteral("127.0.0.1"), m_server->port());
            QVERIFY(racing.back()->waitForConnected(2000));
        }
        for (auto &socket : racing)
            socket->write(request);
        QList<int> statuses;
        for (auto &socket : racing) {
            QByteArray answer;
            while (!answer.contains("\r\n\r\n") && socket->waitForReadyRead(10000))
                answer += socket->readAll();
            statuses.append(answer.mid(9, 3).toInt());
        }
        std::sort(statuses.begin(), statuses.end());
        QCOMPARE(statuses, (QList<int>{200, 409}));

        QJsonObject disabled = issue();
        QCOMPARE(works(disabled[u"secret"]), 200);
        QCOMPARE(m_api
                     ->call("PUT", "/admin/v1/users/" + owner + "/status",
                            j("{'status':'disabled'}"), m_root)
                     .status(),
                 200);
        QCOMPARE(works(disabled[u"secret"]), 401);
    }

    // C8, C9, C12, C13: introspection says "active": false for an unsecured JWT (any case of
    // "none"), a tampered or stripped one, and one whose key is to be fetched from a URL, which
    // it never connects to.
    void jwtShapedTokens()
    {
        const QJsonObject introspector =
            json(m_api->call("POST", "/admin/v1/tokens",
                             j("{'name':'resource server','scopes':['introspect']}"), m_root));
        const QByteArray resourceServer = bearer(introspector[u"secret"].toString().toLatin1());
        const QByteArray session = m_api->login("root", kPassword);
        const QByteArray jwt =
            json(m_api->call("POST", "/auth/token", {}, bearer(session)))[u"accessToken"]
                .toString()
                .toLatin1();
        QVERIFY(jwt.count('.') == 2);
        const auto active = [&](const QByteArray &token) {
            const RawExchange answer = m_api->call(
                "POST", "/auth/introspect",
                ApiClient::compact({{QStringLiteral("token"), QString::fromLatin1(token)}}),
                resourceServer);
            return answer.status() == 200 ? json(answer)[u"active"].toBool() : true;
        };
        QVERIFY(active(jwt));
        QVERIFY(active(session));

        QTcpServer listener;
        QVERIFY(listener.listen(QHostAddress::LocalHost));
        const QList<QByteArray> parts = jwt.split('.');
        const QByteArray payload = crypto::base64UrlDecode(parts[1]).valueOr({});
        QByteArray richer = payload;
        richer.replace("\"sub\":", "\"admin\":true,\"sub\":");
        const QByteArray jku = "{\"alg\":\"EdDSA\",\"jku\":\"http://127.0.0.1:"
            + QByteArray::number(listener.serverPort()) + "/keys\",\"kid\":\"x\"}";
        for (const QByteArray &forged : QByteArrayList{
                 jwtPart("{\"alg\":\"none\"}") + '.' + parts[1] + '.',
                 jwtPart("{\"alg\":\"None\"}") + '.' + parts[1] + '.',
                 jwtPart("{\"alg\":\"NONE\"}") + '.' + parts[1] + '.',
                 jwtPart("{\"alg\":\"nOnE\"}") + '.' + parts[1] + '.',
                 parts[0] + '.' + jwtPart(richer) + '.' + parts[2],
                 parts[0] + '.' + parts[1] + '.',
                 parts[0] + '.' + parts[1],
                 jwtPart(jku) + '.' + parts[1] + '.' + parts[2],
             }) {
            QVERIFY2(!active(forged), forged.constData());
            QCOMPARE(m_api->call("GET", "/auth/user", {}, bearer(forged)).status(), 401);
        }
        QTest::qWait(200);
        QVERIFY(!listener.hasPendingConnections());
    }

    // D5, D7, D9: a password change ends the other sessions but not the changer's; the MFA
    // challenge is no session; a stored token hash is no token.
    void sessions()
    {
        const QByteArray id = m_api->createUserWithPassword(m_root, "dana", "user", kPassword);
        const QByteArray deviceA = bearer(m_api->login("dana", kPassword));
        const QByteArray deviceB = bearer(m_api->login("dana", kPassword));
        QCOMPARE(m_api
                     ->call("POST", "/auth/password",
                            j("{'currentPassword':'correct horse battery staple "
                              "42','newPassword':'seven quiet herons by the lake'}"),
                            deviceA)
                     .status(),
                 204);
        QCOMPARE(m_api->call("GET", "/auth/user", {}, deviceB).status(), 401);
        QCOMPARE(m_api->call("GET", "/auth/user", {}, deviceA).status(), 200);

        // Every stored hash presented as a token, in the token's own form: refused.
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("d9"));
        db.setDatabaseName(m_database);
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
        QVERIFY(db.open());
        {
            QSqlQuery hashes(db);
            QVERIFY(
                hashes.exec(QStringLiteral("SELECT token_hash FROM sessions WHERE user_id = '%1'")
                                .arg(QString::fromLatin1(id))));
            int tried = 0;
            while (hashes.next()) {
                const QByteArray hash = hashes.value(0).toByteArray();
                for (const QByteArray &presented :
                     QByteArrayList{QByteArray("gh_s_" + crypto::base64UrlEncode(hash)),
                                    hash.toHex(), crypto::base64UrlEncode(hash)}) {
                    QCOMPARE(m_api->call("GET", "/auth/user", {}, bearer(presented)).status(), 401);
                    ++tried;
                }
            }
            QVERIFY(tried >= 3);
        }
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("d9"));

        // With MFA on, the password step yields a challenge, which opens nothing but the TOTP step.
        const QByteArray secret = enrolMfa(deviceA, "seven quiet herons by the lake");
        QVERIFY(!secret.isEmpty());
        const RawExchange step =
            m_api->call("POST", "/auth/login",
                        j("{'username':'dana','password':'seven quiet herons by the lake'}"));
        QVERIFY(json(step)[u"mfaRequired"].toBool());
        const QByteArray challenge = bearer(json(step)[u"challenge"].toString().toLatin1());
        QCOMPARE(m_api->call("GET", "/auth/user", {}, challenge).status(), 401);
        QCOMPARE(m_api->call("GET", "/auth/sessions", {}, challenge).status(), 401);
        QCOMPARE(m_api->call("GET", "/admin/v1/sessions", {}, challenge).status(), 401);
        QCOMPARE(m_api->call("POST", "/auth/token", {}, challenge).status(), 401);
    }

    // E8: another user's objects are not found, exactly like missing ones.
    void othersObjectsAreNotFound()
    {
        m_api->createUserWithPassword(m_root, "erin", "user", kPassword);
        m_api->createUserWithPassword(m_root, "frank", "user", kPassword);
        const QByteArray erin = bearer(m_api->login("erin", kPassword));
        const QByteArray frank = bearer(m_api->login("frank", kPassword));
        const QByteArray franksSession =
            json(m_api->call("GET", "/auth/sessions", {}, frank))[u"sessions"][0][u"id"]
                .toString()
                .toLatin1();
        const QByteArray franksToken =
            json(m_api->call("POST", "/admin/v1/tokens",
                             j("{'name':'mine','scopes':['admin:read']}"), frank))[u"token"][u"id"]
                .toString()
                .toLatin1();
        QVERIFY(!franksSession.isEmpty() && !franksToken.isEmpty());
        const RawExchange foreign =
            m_api->call("DELETE", "/auth/sessions/" + franksSession, {}, erin);
        const RawExchange missing =
            m_api->call("DELETE", "/auth/sessions/00000000-0000-4000-8000-000000000000", {}, erin);
        QCOMPARE(foreign.status(), 404);
        QCOMPARE(missing.status(), 404);
        QCOMPARE(json(foreign)[u"error"][u"message"], json(missing)[u"error"][u"message"]);
        QCOMPARE(m_api->call("GET", "/admin/v1/tokens/" + franksToken, {}, erin).status(), 404);
        QCOMPARE(m_api->call("DELETE", "/admin/v1/tokens/" + franksToken, {}, erin).status(), 404);
        QCOMPARE(m_api->call("GET", "/auth/user", {}, frank).status(), 200);
    }

    // E11, E18, E19: names and addresses that would be ambiguous, or that would break a log
    // line or a header, are refused or meet the account they collide with.
    void namesAndAddresses()
    {
        const auto signUp = [&](const QString &username, const QString &email = {}) {
            QJsonObject body{
                {QStringLiteral("username"), username},
                {QStringLiteral("password"), QStringLiteral("a quite long passphrase 77")}};
            if (!email.isEmpty())
                body.insert(QStringLiteral("email"), email);
            return m_api->call("POST", "/auth/signup", ApiClient::compact(body)).status();
        };
        QCOMPARE(signUp(QStringLiteral("gina"), QStringLiteral("Gina@Example.COM")), 201);
        QCOMPARE(signUp(QStringLiteral("Gina")), 409);
        QCOMPARE(signUp(QString::fromUtf8("\xEF\xBD\x87\xEF\xBD\x89\xEF\xBD\x8E\xEF\xBD\x81")),
                 409); // ｇｉｎａ
        QCOMPARE(signUp(QStringLiteral("gina2"), QStringLiteral("gina@example.com")), 409);
        QCOMPARE(signUp(QString::fromUtf8("gina\xE2\x80\x8B")), 400); // zero-width space
        QCOMPARE(signUp(QString::fromUtf8("evil\xE2\x80\xAEnimda")), 400); // right-to-left override
        QCOMPARE(signUp(QStringLiteral("line\r\nbreak")), 400);
        QCOMPARE(signUp(QStringLiteral("hal"), QStringLiteral("a@b@c")), 400);
        QCOMPARE(signUp(QStringLiteral("ian"), QString(65, u'x') + QStringLiteral("@example.com")),
                 400);
        QFile log(m_dir.filePath(QStringLiteral("catalogue.log")));
        QVERIFY(log.open(QIODevice::ReadOnly));
        for (const QByteArray &line : log.readAll().split('\n'))
            QVERIFY(line.isEmpty() || line.startsWith('{'));
    }

    // G4, G7: a store that is damaged or readable by others stops the start with a clear
    // message, and is left as it was.
    void badStoresStopTheStart()
    {
        const QString damaged = m_dir.filePath(QStringLiteral("damaged.db"));
        QVERIFY(writeFile(damaged, QByteArray("SQLite format 3") + QByteArray(4096, '\x5a')));
        const QByteArray before = fileDigest(damaged);
        std::unique_ptr<ServerProcess> refused = start(damaged, QStringLiteral("damaged.log"));
        QVERIFY(!refused->started());
        QVERIFY2(refused->error().contains(QStringLiteral("damaged.db")),
                 qPrintable(refused->error()));
        QCOMPARE(refused->process().exitCode() == 0, false);
        QCOMPARE(fileDigest(damaged), before);

        const QString shared = m_dir.filePath(QStringLiteral("shared.db"));
        QVERIFY(!ServerProcess::initStore(shared, QStringLiteral("root"), kPassword).isEmpty());
        QVERIFY(QFile::setPermissions(
            shared, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther));
        std::unique_ptr<ServerProcess> exposed = start(shared, QStringLiteral("shared.log"));
        QVERIFY(!exposed->started());
        QVERIFY2(exposed->error().contains(QStringLiteral("chmod 600")),
                 qPrintable(exposed->error()));
    }

    // G6: while another process holds the store's write lock, a write waits the busy timeout
    // and fails with 503 "busy", nothing half done; once the lock goes, it works again.
    void lockedStoreIsBusyThenRecovers()
    {
        LockHolderProcess holder(m_database, LockHolderProcess::Mode::Write);
        QVERIFY(holder.locked());
        QElapsedTimer timer;
        timer.start();
        const RawExchange busy =
            rawExchange(m_server->port(),
                        httpRequest("POST", "/auth/login",
                                    j("{'username':'root','password':'wrong password here'}"),
                                    {{"Content-Type", "application/json"}}),
                        20000);
        QCOMPARE(busy.status(), 503);
        QVERIFY(json(busy)[u"error"][u"message"].toString().contains(QStringLiteral("busy")));
        QVERIFY(timer.elapsed() >= 4000);
        QVERIFY(holder.release());
        QVERIFY(!m_api->login("root", kPassword).isEmpty());
    }

    void cleanupTestCase()
    {
        if (m_server)
            QVERIFY(m_server->terminate());
    }

private:
    std::unique_ptr<ServerProcess> start(const QString &database, const QString &log)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("GATEHOUSE_DATABASE"), database);
        env.insert(QStringLiteral("GATEHOUSE_RATE_LIMIT"), QStringLiteral("0"));
        return std::make_unique<ServerProcess>(env, QStringList{QStringLiteral("--insecure-http")},
                                               m_dir.filePath(log));
    }

    QByteArray enrolMfa(const QByteArray &session, const QByteArray &password)
    {
        const QJsonObject enrolment = json(m_api->call(
            "POST", "/auth/mfa/enroll",
            ApiClient::compact({{QStringLiteral("password"), QString::fromUtf8(password)}}),
            session));
        const QByteArray secret = base32Decode(enrolment[u"secret"].toString());
        const QString code = crypto::totp(secret, QDateTime::currentSecsSinceEpoch());
        const RawExchange confirmed =
            m_api->call("POST", "/auth/mfa/confirm",
                        ApiClient::compact({{QStringLiteral("code"), code}}), session);
        return confirmed.status() == 200 ? secret : QByteArray();
    }

    QTemporaryDir m_dir;
    QString m_database;
    std::unique_ptr<ServerProcess> m_server;
    std::unique_ptr<ApiClient> m_api;
    QByteArray m_root;
};

QTEST_GUILESS_MAIN(TestServerCatalogue)
#include "TestServerCatalogue.moc"
