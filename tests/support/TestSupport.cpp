#include "TestSupport.h"

#include <QCryptographicHash>
#include <QFile>

namespace gatehouse::test {

QByteArray fromHex(const char *hex)
{
    return QByteArray::fromHex(QByteArray(hex));
}

QString toHex(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes.toHex());
}

QByteArray fileDigest(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&file);
    return hash.result();
}

bool writeFile(const QString &path, const QByteArray &bytes, int mode)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly))
        return false;
    if (file.write(bytes) != bytes.size())
        return false;
    file.close();
    QFile::Permissions permissions;
    if (mode & 0400) permissions |= QFile::ReadOwner;
    if (mode & 0200) permissions |= QFile::WriteOwner;
    if (mode & 0040) permissions |= QFile::ReadGroup;
    if (mode & 0020) permissions |= QFile::WriteGroup;
    if (mode & 0004) permissions |= QFile::ReadOther;
    if (mode & 0002) permissions |= QFile::WriteOther;
    return QFile::setPermissions(path, permissions);
}

} // namespace gatehouse::test
