#include "OpenSslCli.h"
#include "ServerProcess.h"
#include "TestSupport.h"

#include <QCryptographicHash>
#include <QProcess>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace gatehouse;
using namespace gatehouse::test;

// gatehouse-server over real TLS on loopback, with a CA and certificates made for this run:
// the chain verifies for 127.0.0.1, TLS below 1.2 and plain HTTP are refused, a replaced
// certificate is served after SIGHUP, and a bad certificate or key stops the start with a
// clear message.
class TestServerTls : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        if (OpenSslCli::program().isEmpty())
            QSKIP("the openssl program is not installed (packaging/install-deps.sh test)");
        QVERIFY(m_dir.isValid());
        GH_VERIFY_OK(OpenSslCli::makeCa(m_dir.path()));
        GH_VERIFY_OK(OpenSslCli::makeCertificate(m_dir.path(), QStringLiteral("first"),
                                                 QStringLiteral("IP:127.0.0.1")));
        GH_VERIFY_OK(OpenSslCli::makeCertificate(m_dir.path(), QStringLiteral("second"),
                                                 QStringLiteral("IP:127.0.0.1")));
        m_database =
            ServerProcess::initStore(m_dir.filePath(QStringLiteral("store.db")),
                                     QStringLiteral("root"), "correct horse battery staple 42");
        QVERIFY(!m_database.isEmpty());
        // The server reads these paths again on SIGHUP: start with the first pair there.
        QVERIFY(QFile::copy(path(QStringLiteral("first.crt")), path(QStringLiteral("live.crt"))));
        QVERIFY(QFile::copy(path(QStringLiteral("first.key")), path(QStringLiteral("live.key"))));
        m_server = start(path(QStringLiteral("live.crt")), path(QStringLiteral("live.key")));
        QVERIFY2(m_server->started(), qPrintable(m_server->error()));
    }

    void servesOverVerifiedTls()
    {
        QSslSocket socket;
        QVERIFY2(connectVerified(socket), qPrintable(socket.errorString()));
        QVERIFY(socket.sessionProtocol() == QSsl::TlsV1_3
                || socket.sessionProtocol() == QSsl::TlsV1_2);
        QCOMPARE(fingerprint(socket.peerCertificate()),
                 fileFingerprint(QStringLiteral("first.crt")));
        socket.write(httpRequest("GET", "/healthz"));
        QByteArray response;
        while (socket.waitForReadyRead(3000))
            response += socket.readAll();
        QVERIFY2(response.startsWith("HTTP/1.1 200"), response.constData());
    }

    void refusesOldTlsAndPlainHttp()
    {
        // A client that offers TLS 1.1 only (without the system's OpenSSL configuration, which
        // would stop it from offering that at all) gets the protocol_version alert (70).
        QProcess client;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("OPENSSL_CONF"), QStringLiteral("/dev/null"));
        client.setProcessEnvironment(env);
        client.setProcessChannelMode(QProcess::MergedChannels);
        client.start(OpenSslCli::program(),
                     {QStringLiteral("s_client"), QStringLiteral("-connect"),
                      QStringLiteral("127.0.0.1:%1").arg(m_server->port()),
                      QStringLiteral("-tls1_1"), QStringLiteral("-cipher"),
                      QStringLiteral("ALL@SECLEVEL=0")});
        client.closeWriteChannel();
        QVERIFY(client.waitForFinished(10000));
        const QByteArray output = client.readAll();
        QVERIFY2(output.contains("alert protocol version"), output.constData());
        const RawExchange plain =
            rawExchange(m_server->port(), httpRequest("GET", "/healthz"), 3000);
        QVERIFY(!plain.response.startsWith("HTTP/1.1 200"));
        QVERIFY(plain.closedByServer);
    }

    void reloadsTheCertificateOnSighup()
    {
        QFile::remove(path(QStringLiteral("live.crt")));
        QFile::remove(path(QStringLiteral("live.key")));
        QVERIFY(QFile::copy(path(QStringLiteral("second.crt")), path(QStringLiteral("live.crt"))));
        QVERIFY(QFile::copy(path(QStringLiteral("second.key")), path(QStringLiteral("live.key"))));
        ::kill(pid_t(m_server->process().processId()), SIGHUP);
        QTRY_VERIFY_WITH_TIMEOUT(
            servedFingerprint() == fileFingerprint(QStringLiteral("second.crt")), 5000);

        // A broken pair is refused and the working one stays.
        QVERIFY(writeText(QStringLiteral("live.key"), "not a key"));
        ::kill(pid_t(m_server->process().processId()), SIGHUP);
        QTest::qWait(500);
        QCOMPARE(servedFingerprint(), fileFingerprint(QStringLiteral("second.crt")));
        QVERIFY(m_server->process().state() == QProcess::Running);
    }

    void badFilesStopTheStart()
    {
        std::unique_ptr<ServerProcess> mismatched =
            start(path(QStringLiteral("first.crt")), path(QStringLiteral("second.key")));
        QVERIFY(!mismatched->started());
        QVERIFY2(mismatched->error().contains(QStringLiteral("does not belong")),
                 qPrintable(mismatched->error()));
        std::unique_ptr<ServerProcess> missing =
            start(path(QStringLiteral("nowhere.crt")), path(QStringLiteral("first.key")));
        QVERIFY(!missing->started());
        QVERIFY(missing->error().contains(QStringLiteral("certificate")));
    }

    void cleanupTestCase()
    {
        if (m_server)
            QVERIFY(m_server->terminate());
    }

private:
    QString path(const QString &name) const { return m_dir.filePath(name); }

    bool writeText(const QString &name, const QByteArray &text)
    {
        QFile file(path(name));
        return file.open(QIODevice::WriteOnly | QIODevice::Truncate)
            && file.write(text) == text.size();
    }

    std::unique_ptr<ServerProcess> start(const QString &certificate, const QString &key)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("GATEHOUSE_DATABASE"), m_database);
        env.insert(QStringLiteral("GATEHOUSE_TLS_CERT"), certificate);
        env.insert(QStringLiteral("GATEHOUSE_TLS_KEY"), key);
        return std::make_unique<ServerProcess>(env, QStringList(), path(QStringLiteral("tls.log")));
    }

    bool connectVerified(QSslSocket &socket)
    {
        QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
        configuration.setCaCertificates(QSslCertificate::fromPath(path(QStringLiteral("ca.crt"))));
        configuration.setPeerVerifyMode(QSslSocket::VerifyPeer);
        socket.setSslConfiguration(configuration);
        socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), m_server->port());
        return socket.waitForEncrypted(5000);
    }

    QByteArray servedFingerprint()
    {
        QSslSocket socket;
        return connectVerified(socket) ? fingerprint(socket.peerCertificate()) : QByteArray();
    }

    static QByteArray fingerprint(const QSslCertificate &certificate)
    {
        return certificate.digest(QCryptographicHash::Sha256);
    }

    QByteArray fileFingerprint(const QString &name) const
    {
        const QList<QSslCertificate> certificates = QSslCertificate::fromPath(path(name));
        return certificates.isEmpty() ? QByteArray() : fingerprint(certificates.first());
    }

    QTemporaryDir m_dir;
    QString m_database;
    std::unique_ptr<ServerProcess> m_server;
};

QTEST_GUILESS_MAIN(TestServerTls)
#include "TestServerTls.moc"
