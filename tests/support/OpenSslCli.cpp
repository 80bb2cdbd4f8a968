#include "OpenSslCli.h"

#include <QDir>
#include <QFile>

#include <QProcess>
#include <QStandardPaths>

namespace gatehouse::test {

QString OpenSslCli::program()
{
    return QStandardPaths::findExecutable(QStringLiteral("openssl"));
}

Result<QByteArray> OpenSslCli::run(const QStringList &arguments, const QByteArray &input)
{
    const QString path = program();
    if (path.isEmpty())
        return makeError(ErrorCode::Unavailable, QStringLiteral("openssl is not installed"));
    QProcess process;
    process.start(path, arguments);
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(120000)) {
        process.kill();
        process.waitForFinished();
        return makeError(ErrorCode::Internal, QStringLiteral("openssl timed out"));
    }
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        return makeError(
            ErrorCode::Internal,
            QStringLiteral("openssl %1 failed: %2")
                .arg(arguments.join(u' '), QString::fromLocal8Bit(process.readAllStandardError())));
    }
    return process.readAllStandardOutput();
}

Result<void> OpenSslCli::generateRsaKey(const QString &path, int bits)
{
    Result<QByteArray> done =
        run({QStringLiteral("genrsa"), QStringLiteral("-out"), path, QString::number(bits)});
    if (!done)
        return done.error();
    return {};
}

Result<QByteArray> OpenSslCli::publicKey(const QString &privateKeyPath, bool pkcs1, bool der)
{
    return run({QStringLiteral("rsa"), QStringLiteral("-in"), privateKeyPath,
                pkcs1 ? QStringLiteral("-RSAPublicKey_out") : QStringLiteral("-pubout"),
                QStringLiteral("-outform"), der ? QStringLiteral("DER") : QStringLiteral("PEM")});
}

Result<QByteArray> OpenSslCli::signSha256(const QString &privateKeyPath, const QByteArray &message)
{
    return run({QStringLiteral("dgst"), QStringLiteral("-sha256"), QStringLiteral("-sign"),
                privateKeyPath},
               message);
}

Result<void> OpenSslCli::makeCa(const QString &folder)
{
    const QDir dir(folder);
    Result<QByteArray> made = run(
        {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
         QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
         QStringLiteral("ec_paramgen_curve:P-256"), QStringLiteral("-nodes"),
         QStringLiteral("-keyout"), dir.filePath(QStringLiteral("ca.key")), QStringLiteral("-out"),
         dir.filePath(QStringLiteral("ca.crt")), QStringLiteral("-days"), QStringLiteral("1"),
         QStringLiteral("-subj"), QStringLiteral("/CN=Gatehouse test CA")});
    return made ? Result<void>() : Result<void>(made.error());
}

Result<void> OpenSslCli::makeCertificate(const QString &folder, const QString &name,
                                         const QString &subjectAltName)
{
    const QDir dir(folder);
    const QString extensions = dir.filePath(name + QStringLiteral(".ext"));
    QFile file(extensions);
    if (!file.open(QIODevice::WriteOnly)
        || file.write(QByteArray("subjectAltName=") + subjectAltName.toUtf8() + '\n') < 0)
        return makeError(ErrorCode::Internal, QStringLiteral("cannot write %1").arg(extensions));
    file.close();
    const QString request = dir.filePath(name + QStringLiteral(".csr"));
    Result<QByteArray> requested =
        run({QStringLiteral("req"), QStringLiteral("-newkey"), QStringLiteral("ec"),
             QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:P-256"),
             QStringLiteral("-nodes"), QStringLiteral("-keyout"),
             dir.filePath(name + QStringLiteral(".key")), QStringLiteral("-out"), request,
             QStringLiteral("-subj"), QStringLiteral("/CN=") + name});
    if (!requested)
        return requested.error();
    Result<QByteArray> signedCertificate = run(
        {QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"), request,
         QStringLiteral("-CA"), dir.filePath(QStringLiteral("ca.crt")), QStringLiteral("-CAkey"),
         dir.filePath(QStringLiteral("ca.key")), QStringLiteral("-CAcreateserial"),
         QStringLiteral("-days"), QStringLiteral("1"), QStringLiteral("-extfile"), extensions,
         QStringLiteral("-out"), dir.filePath(name + QStringLiteral(".crt"))});
    return signedCertificate ? Result<void>() : Result<void>(signedCertificate.error());
}

} // namespace gatehouse::test
