#pragma once

#include "crypto/SecretBox.h"
#include "model/Actor.h"
#include "model/Result.h"
#include "model/User.h"

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QTest>
#include <QVariantMap>

#include <memory>

namespace gatehouse::test {

// A signed-in user as the services see one (from 127.0.0.1, request "req-1"), signed in with
// both factors, so the MFA policy does not stand between a test and what it is about.
Actor actorFor(const User &user, const QString &sessionId = {});

// Stores an MFA policy requiring a second factor for no role, through the product's own
// policy code, in a store no other connection of this process holds: for suites that drive
// gatehousectl with password-only session tokens and are not about MFA.
bool requireMfaForNoRole(const QString &storePath);

// A data key of fresh random bytes, as `init` makes one for a store.
Result<crypto::SecretBox> newDataKey();

// Runs one SQL statement on a connection of its own to the store file, with foreign keys on,
// as another program (or someone at the sqlite3 prompt) would; `:hash`-style placeholders are
// bound from `bindings`. Empty on success, else SQLite's message.
QString execByHand(const QString &storePath, const QString &statement,
                   const QVariantMap &bindings = {});

// RFC 4648 base32 (upper case, unpadded), as a user types a TOTP secret into an authenticator
// app; empty for anything else.
QByteArray base32Decode(const QString &text);

// Hex helpers for test vectors.
QByteArray fromHex(const char *hex);
QString toHex(const QByteArray &bytes);

// SHA-256 of a file's bytes, to prove a refused operation left the file untouched.
QByteArray fileDigest(const QString &path);

// Writes bytes to a new file with the given mode; fails the test on error.
bool writeFile(const QString &path, const QByteArray &bytes, int mode = 0600);

// A lock on a SQLite file held by a separate process (gatehouse_lockholder) for as long as
// this object lives. A lock taken in this process would not do: SQLite shares locks between a
// process's own connections, and closing any descriptor of the file drops them.
class LockHolderProcess
{
public:
    enum class Mode { Write, Change, Exclusive }; // as gatehouse_lockholder's modes
    LockHolderProcess(const QString &path, Mode mode);
    ~LockHolderProcess();
    bool locked() const { return m_locked; }
    // Releases the lock and waits for the holder to exit; true if it committed cleanly.
    bool release();

private:
    std::unique_ptr<QProcess> m_process;
    bool m_locked = false;
};

} // namespace gatehouse::test

// QVERIFY for Result: prints the error's code and message when it is not ok.
#define GH_VERIFY_OK(expr)                                                                         \
    do {                                                                                           \
        const auto &gh_result_ = (expr);                                                           \
        if (!gh_result_.ok()) {                                                                    \
            QFAIL(qPrintable(QStringLiteral("%1 failed: %2: %3")                                   \
                                 .arg(QStringLiteral(#expr),                                       \
                                      gatehouse::errorCodeName(gh_result_.error().code),           \
                                      gh_result_.error().message)));                               \
        }                                                                                          \
    } while (false)

// Verifies that a Result failed with the given code.
#define GH_VERIFY_ERROR(expr, expectedCode)                                                        \
    do {                                                                                           \
        const auto &gh_result_ = (expr);                                                           \
        QVERIFY2(!gh_result_.ok(), #expr " unexpectedly succeeded");                               \
        QCOMPARE(gatehouse::errorCodeName(gh_result_.error().code),                                \
                 gatehouse::errorCodeName(expectedCode));                                          \
    } while (false)
