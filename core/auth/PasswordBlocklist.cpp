#include "PasswordBlocklist.h"

#include <QFile>

namespace gatehouse {

namespace {

const QByteArray commentPrefix = QByteArrayLiteral("#!comment:");

Error unavailable(const QString &path, const QString &reason)
{
    return makeError(ErrorCode::Unavailable,
                     QStringLiteral("The common-password list %1 %2. Install the john-data "
                                    "package or configure another list.")
                         .arg(path, reason));
}

} // namespace

Result<PasswordBlocklist> PasswordBlocklist::load(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return unavailable(path, QStringLiteral("cannot be read (%1)").arg(file.errorString()));

    PasswordBlocklist list;
    while (!file.atEnd()) {
        QByteArray line = file.readLine();
        if (line.endsWith('\n'))
            line.chop(1);
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.isEmpty() || line.startsWith(commentPrefix))
            continue;
        list.add(QString::fromUtf8(line));
    }
    if (file.error() != QFileDevice::NoError)
        return unavailable(path, QStringLiteral("cannot be read (%1)").arg(file.errorString()));
    if (list.size() == 0)
        return unavailable(path, QStringLiteral("contains no passwords"));
    return list;
}

QString PasswordBlocklist::defaultPath()
{
    return QStringLiteral("/usr/share/john/password.lst");
}

PasswordBlocklist PasswordBlocklist::fromWords(const QStringList &words)
{
    PasswordBlocklist list;
    for (const QString &word : words)
        list.add(word);
    return list;
}

bool PasswordBlocklist::contains(QStringView lowered) const
{
    return m_words.contains(lowered.toString());
}

QString PasswordBlocklist::comparisonForm(QStringView text)
{
    // NFC again after lower-casing, which can leave a composable pair behind.
    return text.toString()
        .normalized(QString::NormalizationForm_C)
        .toLower()
        .normalized(QString::NormalizationForm_C);
}

void PasswordBlocklist::add(QStringView word)
{
    if (!word.isEmpty())
        m_words.insert(comparisonForm(word));
}

} // namespace gatehouse
