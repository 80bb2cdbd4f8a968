#include "OpenSslCli.h"

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

} // namespace gatehouse::test
