#pragma once

#include "model/Result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringView>

namespace gatehouse {

class PasswordBlocklist;

// What the password is checked against besides the lists: the account it belongs to.
struct PasswordContext {
    QString username;
    QString email;
    QString displayName;
};

// The rules a new password must meet (SECURITY.md SEC-04..SEC-08, SEC-13, A6..A10), as a plain
// value stored as JSON. There is no expiry setting on purpose: passwords never expire on a
// schedule, a change is forced only on evidence of compromise (SEC-08).
//
// Normalisation (SEC-13, SEC-06, A9, A10): one form, normalize(), applied identically when a
// password is set and when it is verified: the UTF-8 bytes of the NFC form of exactly what was
// received, like the RFC 8265 OpaqueString profile but with NFC only. Nothing is trimmed, case
// is kept and spaces (ASCII or not) stay as typed, so " Secret" and "secret" are different
// passwords. A password set in NFD and typed in NFC (or the other way) matches.
//
// check() runs these rules in order on set or change; the first failure is returned as
// InvalidInput whose message states the reason and never contains the password:
//   1. Size cap: more than maxBytes UTF-8 bytes of the input as received is refused before any
//      other work, so a 1 MiB password costs a length comparison. The verifier applies the
//      same cap (checkSize()) before hashing. NFC may grow a capped input at most threefold.
//   2. Characters: control characters (Unicode Cc: NUL, TAB, CR, LF, DEL, C1 controls) are
//      refused, never cut: they are invisible, differ between keyboards and a NUL could be
//      truncated by C code downstream. TAB is refused too, as form fields use it to move focus.
//      Unpaired surrogates (invalid UTF-16) are refused, and so are code points unassigned in
//      Qt's Unicode version (14): NFC of an assigned code point is stable across Unicode
//      versions, but a later version could give an unassigned one a decomposition or combining
//      class and so change the bytes after an upgrade, locking the user out. Everything else is
//      allowed: printable ASCII, spaces, emoji, any script, format characters such as ZWJ.
//   3. Length in code points of the NFC form (not UTF-16 units, not bytes: an astral emoji is
//      1, "e" + U+0301 composes to one "é", "q" + U+0303 stays 2): at least minLength, or
//      minLengthWithMfa when MFA is enforced for the account.
//   4. Composition, only when requireComplexity is set (off by default, as NIST and ASVS
//      advise against it): code points from at least 3 of lower case (Ll), upper case (Lu, Lt),
//      decimal digits (Nd) and anything else (including caseless letters such as Han).
//   5. Common passwords, when checkBlocklist is set; a blocklist must then be given, otherwise
//      check() fails closed with Unavailable. The comparison form (NFC, lower case) is looked up
//      as a whole, with trailing digits, punctuation, symbols and spaces stripped, and with
//      those stripped from both ends ("password1234567" and "!!Password2024!" hit "password").
//      Under the same rule, passwords that are one repeated character or a straight run along
//      the alphabet, the digits or a QWERTY/QWERTZ/AZERTY letter row (forwards or backwards,
//      wrapping, "qwertyuiopasdfg", "123456789012345") are refused as commonly used.
//   6. Context, when checkContext is set: the comparison form must not contain the username,
//      the e-mail address, the e-mail local part, or any word of 4 or more code points of
//      those and of the display name (words split at anything not a letter, mark or digit, so
//      the e-mail domain's labels count too: "example" for alice@example.com), nor "gatehouse"
//      or "admin". Shorter words are ignored: they occur inside ordinary words ("ann" in
//      "planning") and would refuse good passphrases. So "hello@example.com12345" is refused
//      for the account hello@example.com, but "bobcat lantern" is fine for user "bob".
struct PasswordPolicy {
    int minLength = 15;
    int minLengthWithMfa = 8;
    int maxBytes = 1024;
    bool requireComplexity = false;
    bool checkBlocklist = true;
    bool checkContext = true;

    // Limits fromJson() and validate() enforce.
    static constexpr int MinLengthFloor = 15; // single factor: NIST 800-63B-4 SHALL
    static constexpr int MinLengthWithMfaFloor = 8;
    static constexpr int MinLengthCeiling = 128;
    static constexpr int MaxBytesFloor = 64;
    static constexpr int MaxBytesCeiling = 4096;

    static PasswordPolicy defaults() { return PasswordPolicy{}; }

    // Keys are the member names. fromJson() is strict: unknown keys, wrong types, fractions
    // and out-of-range values are InvalidInput; a missing key keeps its default.
    QJsonObject toJson() const;
    static Result<PasswordPolicy> fromJson(const QJsonObject &json);

    // minLength 15..128, minLengthWithMfa 8..minLength, maxBytes 64..4096 and at least
    // 4 * minLength so a password of minLength code points always fits.
    Result<void> validate() const;

    // The bytes that are hashed on set and on verify (see above). Input that is not valid
    // UTF-16 (an unpaired surrogate) gives an empty array: check() refuses such a password, so
    // it matches nothing, and no replacement character can collide with a real password.
    // Control characters are kept, so "abc\0def" never verifies as "abc".
    static QByteArray normalize(QStringView password);

    // Rule 1 alone, for the verify path: refuse an oversized password before hashing it.
    Result<void> checkSize(QStringView password) const;

    // All rules, on set or change. An invalid policy (validate()) fails with Internal.
    Result<void> check(QStringView password, const PasswordContext &context, bool mfaEnforced,
                       const PasswordBlocklist *blocklist) const;

    friend bool operator==(const PasswordPolicy &, const PasswordPolicy &) = default;
};

} // namespace gatehouse
