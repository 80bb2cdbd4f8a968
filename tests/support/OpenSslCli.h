#pragma once

#include "model/Result.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace gatehouse::test {

// The `openssl` command line: keys and signatures made by a program other than ours, so a
// test of core/crypto (or of what uses it) does not check our code against itself.
class OpenSslCli
{
public:
    // The program's path; empty when it is not installed (packaging/install-deps.sh test).
    static QString program();

    // Runs `openssl <arguments>` with `input` on stdin: its standard output, or Internal with
    // its standard error.
    static Result<QByteArray> run(const QStringList &arguments, const QByteArray &input = {});

    // `openssl genrsa -out <path> <bits>`: a PEM private key.
    static Result<void> generateRsaKey(const QString &path, int bits);
    // The public half of a private key file: SubjectPublicKeyInfo, or PKCS#1 RSAPublicKey
    // with `pkcs1`, as DER or PEM.
    static Result<QByteArray> publicKey(const QString &privateKeyPath, bool pkcs1, bool der);
    // A test certificate authority in `folder`: ca.key and ca.crt (P-256, valid one day).
    static Result<void> makeCa(const QString &folder);
    // <name>.key and <name>.crt in `folder`, signed by its CA, for `subjectAltName` (such as
    // "IP:127.0.0.1" or "DNS:other.test").
    static Result<void> makeCertificate(const QString &folder, const QString &name,
                                        const QString &subjectAltName);
    // `openssl dgst -sha256 -sign`: RSASSA-PKCS1-v1_5 with SHA-256, raw bytes.
    static Result<QByteArray> signSha256(const QString &privateKeyPath, const QByteArray &message);
};

} // namespace gatehouse::test
