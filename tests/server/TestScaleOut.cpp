#include "ApiClient.h"
#include "PostgresCluster.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace gatehouse;
using namespace gatehouse::test;

namespace {

const auto json = ApiClient::json;
const auto j = ApiClient::j;
const auto bearer = ApiClient::bearer;
const QByteArray kPassword = "correct horse battery staple 42";

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

} // namespace

// Several instances, one database, for real: a throwaway PostgreSQL cluster, two
// gatehouse-server instances on their own loopback ports, and nginx in front balancing between
// them. A session made through one instance works through the other; revoked through either,
// it stops on both at the next request; an account's lockout and an address's sign-in throttle
// hold whichever instance is asked, since their state is in the database.
class TestScaleOut : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        if (!QFile::exists(QStringLiteral("/usr/sbin/nginx")))
            QSKIP("nginx is not installed (packaging/install-deps.sh test)");
        QVERIFY(m_dir.isValid());
        m_cluster = std::make_unique<PostgresCluster>();
        QVERIFY2(m_cluster->started(), qPrintable(m_cluster->error()));
        m_database = m_cluster->createDatabase(QStringLiteral("gatehouse"));
        QVERIFY(!m_database.isEmpty());
        const QString dataKey = m_dir.filePath(QStringLiteral("data.key"));
        QVERIFY(!ServerProcess::initStore(m_database, QStringLiteral("root"), kPassword,
                                          {{QStringLiteral("GATEHOUSE_DATA_KEY_FILE"), dataKey}})
                     .isEmpty());
        // Sign-up on, so the test makes its users as an application's would.
        QVERIFY(!m_cluster
                     ->psql(QStringLiteral("gatehouse"),
                            QStringLiteral("INSERT INTO policies (name, document, updated_at, "
                                           "updated_by) VALUES ('signup', '{\"enabled\":true}', "
                                           "'2026-01-01T00:00:00.000Z', 'test')"))
                     .isEmpty());

        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("GATEHOUSE_DATABASE"), m_database);
        env.insert(QStringLiteral("GATEHOUSE_DATA_KEY_FILE"), dataKey);
        env.insert(QStringLiteral("GATEHOUSE_RATE_LIMIT"), QStringLiteral("0"));
        env.insert(QStringLiteral("GATEHOUSE_TRUSTED_PROXIES"), QStringLiteral("127.0.0.1"));
        for (const char *name : {"a", "b"}) {
            m_servers.push_back(std::make_unique<ServerProcess>(
                env, QStringList{QStringLiteral("--insecure-http")},
                m_dir.filePath(QStringLiteral("server-%1.log").arg(QLatin1String(name)))));
            QVERIFY2(m_servers.back()->started(), qPrintable(m_servers.back()->error()));
        }
        QVERIFY(startNginx());
        m_a = std::make_unique<ApiClient>(m_servers[0]->port());
        m_b = std::make_unique<ApiClient>(m_servers[1]->port());
        m_lb = std::make_unique<ApiClient>(m_nginxPort);
    }

    void theBalancerReachesBothInstances()
    {
        QCOMPARE(m_lb->call("GET", "/readyz").status(), 200);
        const QByteArray session = bearer(m_lb->login("root", kPassword));
        QVERIFY(!session.isEmpty());
        for (int i = 0; i < 6; ++i)
            QCOMPARE(m_lb->call("GET", "/auth/user", {}, session).status(), 200);
        // Round robin: both instances answered some of these (their logs are written in
        // batches, within moments).
        for (const char *name : {"a", "b"}) {
            const QString path =
                m_dir.filePath(QStringLiteral("server-%1.log").arg(QLatin1String(name)));
            const auto logged = [&path] {
                QFile log(path);
                return log.open(QIODevice::ReadOnly)
                    && log.readAll().contains(R"("route":"GET /auth/user","status":200)");
            };
            QTRY_VERIFY(logged());
        }
    }

    void aSessionFromOneInstanceIsValidOnTheOther()
    {
        const QByteArray session = bearer(m_a->login("root", kPassword));
        QVERIFY(!session.isEmpty());
        QCOMPARE(m_b->call("GET", "/auth/user", {}, session).status(), 200);
        QCOMPARE(json(m_b->call("GET", "/auth/user", {}, session))[u"username"].toString(),
                 QStringLiteral("root"));
    }

    void revocationThroughEitherEndsItOnBoth()
    {
        const QByteArray first = bearer(m_a->login("root", kPassword));
        QCOMPARE(m_b->call("GET", "/auth/user", {}, first).status(), 200);
        QCOMPARE(m_a->call("GET", "/auth/user", {}, first).status(), 200);
        QCOMPARE(m_b->call("POST", "/auth/logout", {}, first).status(), 204);
        QCOMPARE(m_a->call("GET", "/auth/user", {}, first).status(), 401);
        QCOMPARE(m_b->call("GET", "/auth/user", {}, first).status(), 401);

        const QByteArray second = bearer(m_b->login("root", kPassword));
        const QByteArray keeper = bearer(m_b->login("root", kPassword));
        QCOMPARE(m_a->call("GET", "/auth/user", {}, second).status(), 200);
        const QJsonArray sessions =
            json(m_b->call("GET", "/auth/sessions", {}, second))[u"sessions"].toArray();
        QByteArray id;
        for (const QJsonValue &session : sessions) {
            if (session[u"current"].toBool())
                id = session[u"id"].toString().toLatin1();
        }
        QVERIFY(!id.isEmpty());
        QCOMPARE(m_a->call("DELETE", "/auth/sessions/" + id, {}, keeper).status(), 200);
        QCOMPARE(m_b->call("GET", "/auth/user", {}, second).status(), 401);
        QCOMPARE(m_a->call("GET", "/auth/user", {}, second).status(), 401);
        QCOMPARE(m_lb->call("GET", "/auth/user", {}, keeper).status(), 200);
    }

    // The per-account lockout (5 failures) counts failures on every instance together.
    void lockoutsHoldAcrossInstances()
    {
        QCOMPARE(m_lb->call("POST", "/auth/signup",
                            j("{'username':'lou','password':'purple elephants dance at noon'}"))
                     .status(),
                 201);
        for (int i = 0; i < 5; ++i) {
            ApiClient &instance = i % 2 == 0 ? *m_a : *m_b;
            QCOMPARE(
                instance
                    .call("POST", "/auth/login", j("{'username':'lou','password':'not it at all'}"))
                    .status(),
                401);
        }
        QVERIFY(m_a->login("lou", "purple elephants dance at noon").isEmpty());
        QVERIFY(m_b->login("lou", "purple elephants dance at noon").isEmpty());
        QVERIFY(m_lb->login("lou", "purple elephants dance at noon").isEmpty());
    }

    // The per-address throttle (20 failures) too: an address sprayed over both instances is
    // refused with 429 by both. The address is the one the trusted proxy (here: the test,
    // on 127.0.0.1) forwards.
    void theAddressThrottleHoldsAcrossInstances()
    {
        const QList<QPair<QByteArray, QByteArray>> from{{"X-Forwarded-For", "203.0.113.77"}};
        int refused = 0;
        for (int i = 0; i < 24; ++i) {
            ApiClient &instance = i % 2 == 0 ? *m_a : *m_b;
            const RawExchange answer =
                instance.call("POST", "/auth/login",
                              QByteArray("{\"username\":\"nobody") + QByteArray::number(i)
                                  + "\",\"password\":\"guess\"}",
                              {}, from);
            refused += answer.status() == 429 ? 1 : 0;
            if (answer.status() == 429)
                QVERIFY(!answer.header("retry-after").isEmpty());
        }
        QVERIFY(refused >= 3);
        for (ApiClient *instance : {m_a.get(), m_b.get()}) {
            QCOMPARE(
                instance
                    ->call("POST", "/auth/login",
                           j("{'username':'root','password':'correct horse battery staple 42'}"),
                           {}, from)
                    .status(),
                429);
        }
        // Another address is not affected.
        QVERIFY(!m_a->login("root", kPassword).isEmpty());
    }

    void cleanupTestCase()
    {
        if (m_nginx && m_nginx->state() != QProcess::NotRunning) {
            ::kill(pid_t(m_nginx->processId()), SIGQUIT);
            if (!m_nginx->waitForFinished(10000)) {
                m_nginx->kill();
                m_nginx->waitForFinished(5000);
            }
        }
        for (auto &server : m_servers)
            QVERIFY(server->terminate());
    }

private:
    bool startNginx()
    {
        m_nginxPort = freePort();
        const QString prefix = m_dir.path();
        const QByteArray config =
            QStringLiteral(
                "daemon off;\n"
                "worker_processes 1;\n"
                "pid %1/nginx.pid;\n"
                "error_log %1/nginx-error.log;\n"
                "events { worker_connections 256; }\n"
                "http {\n"
                "  access_log off;\n"
                "  client_body_temp_path %1/body; proxy_temp_path %1/proxy;\n"
                "  fastcgi_temp_path %1/fastcgi; uwsgi_temp_path %1/uwsgi; scgi_temp_path "
                "%1/scgi;\n"
                "  upstream gatehouse { server 127.0.0.1:%2; server 127.0.0.1:%3; keepalive 8; }\n"
                "  server {\n"
                "    listen 127.0.0.1:%4;\n"
                "    location / {\n"
                "      proxy_pass http://gatehouse;\n"
                "      proxy_http_version 1.1;\n"
                "      proxy_set_header Connection \"\";\n"
                "      proxy_set_header Host $host;\n"
                "      # The edge: the client's own address, never one it claims.\n"
                "      proxy_set_header X-Forwarded-For $remote_addr;\n"
                "    }\n"
                "  }\n"
                "}\n")
                .arg(prefix)
                .arg(m_servers[0]->port())
                .arg(m_servers[1]->port())
                .arg(m_nginxPort)
                .toUtf8();
        QFile file(m_dir.filePath(QStringLiteral("nginx.conf")));
        if (!file.open(QIODevice::WriteOnly) || file.write(config) != config.size())
            return false;
        file.close();
        m_nginx = std::make_unique<QProcess>();
        m_nginx->setProcessChannelMode(QProcess::MergedChannels);
        m_nginx->start(QStringLiteral("/usr/sbin/nginx"),
                       {QStringLiteral("-p"), prefix, QStringLiteral("-c"), file.fileName(),
                        QStringLiteral("-e"), m_dir.filePath(QStringLiteral("nginx-start.log"))});
        QDeadlineTimer deadline(10000);
        while (!deadline.hasExpired() && m_nginx->state() != QProcess::NotRunning) {
            if (rawExchange(m_nginxPort, httpRequest("GET", "/healthz"), 1000).status() == 200)
                return true;
            QTest::qWait(100);
        }
        qWarning() << "nginx did not start:" << m_nginx->readAll();
        return false;
    }

    QTemporaryDir m_dir;
    std::unique_ptr<PostgresCluster> m_cluster;
    QString m_database;
    std::vector<std::unique_ptr<ServerProcess>> m_servers;
    std::unique_ptr<QProcess> m_nginx;
    quint16 m_nginxPort = 0;
    std::unique_ptr<ApiClient> m_a;
    std::unique_ptr<ApiClient> m_b;
    std::unique_ptr<ApiClient> m_lb;
};

QTEST_GUILESS_MAIN(TestScaleOut)
#include "TestScaleOut.moc"
