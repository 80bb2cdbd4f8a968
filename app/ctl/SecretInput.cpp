#include "SecretInput.h"

#include <QFile>

#include <cstdio>
#include <termios.h>
#include <unistd.h>

namespace gatehouse::ctl::SecretInput {

namespace {

Result<QString> decode(QByteArray bytes, const QString &from)
{
    if (bytes.size() > kMaxSecretBytes) {
        return makeError(
            ErrorCode::InvalidInput,
            QStringLiteral("The secret read from %1 is larger than 64 KiB.").arg(from));
    }
    if (bytes.endsWith("\r\n"))
        bytes.chop(2);
    else if (bytes.endsWith('\n'))
        bytes.chop(1);
    const QString text = QString::fromUtf8(bytes);
    if (text.toUtf8() != bytes) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("The secret read from %1 is not valid UTF-8.").arg(from));
    }
    return text;
}

Result<QString> readTerminal(const QString &prompt)
{
    std::fprintf(stderr, "%s", qUtf8Printable(prompt));
    std::fflush(stderr);
    termios saved{};
    const bool haveTerminal = ::tcgetattr(STDIN_FILENO, &saved) == 0;
    if (haveTerminal) {
        termios quiet = saved;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    QByteArray line;
    for (int c = std::fgetc(stdin); c != EOF && c != '\n'; c = std::fgetc(stdin)) {
        line.append(char(c));
        if (line.size() > kMaxSecretBytes)
            break;
    }
    if (haveTerminal)
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    std::fprintf(stderr, "\n");
    return decode(line, QStringLiteral("the terminal"));
}

} // namespace

Result<QString> read(const QString &prompt, const QString &file)
{
    if (!file.isEmpty()) {
        QFile source(file);
        if (!source.open(QIODevice::ReadOnly)) {
            return makeError(ErrorCode::InvalidInput,
                             QStringLiteral("Cannot read %1: %2.").arg(file, source.errorString()));
        }
        return decode(source.read(kMaxSecretBytes + 1), file);
    }
    if (::isatty(STDIN_FILENO))
        return readTerminal(prompt);
    QFile input;
    if (!input.open(stdin, QIODevice::ReadOnly))
        return makeError(ErrorCode::InvalidInput, QStringLiteral("Cannot read standard input."));
    return decode(input.read(kMaxSecretBytes + 1), QStringLiteral("standard input"));
}

} // namespace gatehouse::ctl::SecretInput
