#include "PasswordPolicy.h"

#include "PolicyJson.h"

#include "PasswordBlocklist.h"

#include <QChar>
#include <QJsonValue>
#include <QStringList>

#include <algorithm>
#include <cmath>
#include <optional>

namespace gatehouse {

namespace {

// Context words shorter than this are ignored (see the header).
constexpr int MinContextWordLength = 4;

Error refusal(QString message)
{
    return makeError(ErrorCode::InvalidInput, std::move(message));
}

Error badPolicy(QString message)
{
    return makeError(ErrorCode::InvalidInput, QString(u"Password policy: " + message));
}

// The code point at text[i], advancing i past a surrogate pair; nullopt for an unpaired
// surrogate (i still advances).
std::optional<char32_t> nextCodePoint(QStringView text, qsizetype &i)
{
    const QChar c = text[i++];
    if (!c.isSurrogate())
        return c.unicode();
    if (c.isHighSurrogate() && i < text.size() && text[i].isLowSurrogate())
        return QChar::surrogateToUcs4(c, text[i++]);
    return std::nullopt;
}

// Bytes of the UTF-8 encoding; an unpaired surrogate counts as 3, like U+FFFD.
qsizetype utf8Length(QStringView text)
{
    qsizetype bytes = 0;
    for (qsizetype i = 0; i < text.size();) {
        const char32_t cp = nextCodePoint(text, i).value_or(0xFFFD);
        bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }
    return bytes;
}

bool isValidUtf16(QStringView text)
{
    for (qsizetype i = 0; i < text.size();) {
        if (!nextCodePoint(text, i))
            return false;
    }
    return true;
}

// Only valid UTF-16 reaches here, so every high surrogate starts a pair.
qsizetype codePointCount(QStringView text)
{
    return text.size()
        - std::count_if(text.begin(), text.end(), [](QChar c) { return c.isHighSurrogate(); });
}

Result<void> checkCharacters(QStringView password)
{
    for (qsizetype i = 0; i < password.size();) {
        const std::optional<char32_t> cp = nextCodePoint(password, i);
        if (!cp)
            return refusal(QStringLiteral("Password is not valid text (it contains an unpaired "
                                          "UTF-16 surrogate)."));
        const QChar::Category category = QChar::category(*cp);
        if (category == QChar::Other_Control) {
            return refusal(QStringLiteral("Password contains a control character (such as NUL, "
                                          "a tab or a line break), which is not allowed."));
        }
        if (category == QChar::Other_NotAssigned) {
            return refusal(QStringLiteral("Password contains a character that is not assigned "
                                          "in the Unicode version Gatehouse uses (14)."));
        }
    }
    return {};
}

// Lower case, upper case, digits, anything else (marks add no kind of their own).
int characterKinds(QStringView nfc)
{
    bool lower = false, upper = false, digit = false, other = false;
    for (qsizetype i = 0; i < nfc.size();) {
        switch (QChar::category(nextCodePoint(nfc, i).value_or(0xFFFD))) {
        case QChar::Letter_Lowercase:
            lower = true;
            break;
        case QChar::Letter_Uppercase:
        case QChar::Letter_Titlecase:
            upper = true;
            break;
        case QChar::Number_DecimalDigit:
            digit = true;
            break;
        case QChar::Mark_NonSpacing:
        case QChar::Mark_SpacingCombining:
        case QChar::Mark_Enclosing:
            break;
        default:
            other = true;
        }
    }
    return int(lower) + int(upper) + int(digit) + int(other);
}

// What people append or prepend to a common word: digits, punctuation, symbols, spaces.
bool isDecoration(char32_t cp)
{
    switch (QChar::category(cp)) {
    case QChar::Number_DecimalDigit:
    case QChar::Separator_Space:
        return true;
    default:
        return QChar::isPunct(cp) || QChar::isSymbol(cp);
    }
}

QStringView stripTrailingDecoration(QStringView text)
{
    while (!text.isEmpty()) {
        const bool pair = text.size() >= 2 && text.back().isLowSurrogate()
            && text[text.size() - 2].isHighSurrogate();
        const qsizetype units = pair ? 2 : 1;
        const char32_t cp = pair ? QChar::surrogateToUcs4(text[text.size() - 2], text.back())
                                 : char32_t(text.back().unicode());
        if (!isDecoration(cp))
            break;
        text.chop(units);
    }
    return text;
}

QStringView stripLeadingDecoration(QStringView text)
{
    while (!text.isEmpty()) {
        qsizetype next = 0;
        if (!isDecoration(nextCodePoint(text, next).value_or(0xFFFD)))
            break;
        text = text.sliced(next);
    }
    return text;
}

bool isRepeatedCharacter(QStringView lowered)
{
    const QList<uint> codePoints = lowered.toUcs4();
    return std::all_of(codePoints.begin(), codePoints.end(),
                       [&](uint cp) { return cp == codePoints.front(); });
}

// A run along the alphabet, the digits or a keyboard's letter rows read one after the other,
// forwards or backwards, wrapping around at the end.
bool isStraightRun(const QString &lowered)
{
    static const QStringList runs = {
        QStringLiteral("abcdefghijklmnopqrstuvwxyz"), QStringLiteral("0123456789"),
        QStringLiteral("qwertyuiopasdfghjklzxcvbnm"), QStringLiteral("qwertzuiopasdfghjklyxcvbnm"),
        QStringLiteral("azertyuiopqsdfghjklmwxcvbn"),
    };
    for (const QString &run : runs) {
        QString reversed = run;
        std::reverse(reversed.begin(), reversed.end());
        const qsizetype copies = lowered.size() / run.size() + 2;
        if (run.repeated(copies).contains(lowered) || reversed.repeated(copies).contains(lowered))
            return true;
    }
    return false;
}

Result<void> checkCommon(const QString &lowered, const PasswordBlocklist &blocklist)
{
    const QStringView trailing = stripTrailingDecoration(lowered);
    const QStringView both = stripLeadingDecoration(trailing);
    const auto listed = [&](QStringView word) {
        return !word.isEmpty() && blocklist.contains(word);
    };
    if (listed(lowered) || listed(trailing) || listed(both)) {
        return refusal(QStringLiteral("Password is too common: it is a commonly used password "
                                      "or a simple variation of one."));
    }
    if (isRepeatedCharacter(lowered) || isStraightRun(lowered)) {
        return refusal(QStringLiteral("Password is too common: it is a commonly used password "
                                      "pattern (one repeated character or a run of keys, "
                                      "letters or digits)."));
    }
    return {};
}

bool isWordCharacter(char32_t cp)
{
    return QChar::isLetterOrNumber(cp) || QChar::isMark(cp);
}

void addContextWord(QStringList &words, QStringView word)
{
    if (codePointCount(word) >= MinContextWordLength)
        words.append(PasswordBlocklist::comparisonForm(word));
}

// The whole text and its words (runs of letters, marks and digits).
void addContextWords(QStringList &words, QStringView text)
{
    if (!isValidUtf16(text))
        return;
    addContextWord(words, text);
    qsizetype start = 0;
    for (qsizetype i = 0; i < text.size();) {
        const qsizetype at = i;
        if (!isWordCharacter(nextCodePoint(text, i).value_or(0xFFFD))) {
            addContextWord(words, text.sliced(start, at - start));
            start = i;
        }
    }
    addContextWord(words, text.sliced(start));
}

Result<void> checkAccountWords(const QString &lowered, const PasswordContext &context)
{
    QStringList words;
    addContextWords(words, context.username);
    addContextWords(words, context.email);
    const qsizetype at = context.email.lastIndexOf(u'@');
    if (at > 0)
        addContextWords(words, QStringView(context.email).first(at));
    addContextWords(words, context.displayName);
    const auto inPassword = [&](const QString &word) {
        return lowered.contains(word);
    };
    if (std::any_of(words.cbegin(), words.cend(), inPassword))
        return refusal(QStringLiteral("Password contains your account name (your username, "
                                      "e-mail address or a part of your name)."));

    static const QStringList productWords = {QStringLiteral("gatehouse"), QStringLiteral("admin")};
    if (std::any_of(productWords.cbegin(), productWords.cend(), inPassword))
        return refusal(QStringLiteral("Password contains the product name or the word "
                                      "\"admin\"."));
    return {};
}

const QString keyMinLength = QStringLiteral("minLength");
const QString keyMinLengthWithMfa = QStringLiteral("minLengthWithMfa");
const QString keyMaxBytes = QStringLiteral("maxBytes");
const QString keyRequireComplexity = QStringLiteral("requireComplexity");
const QString keyCheckBlocklist = QStringLiteral("checkBlocklist");
const QString keyCheckContext = QStringLiteral("checkContext");

} // namespace

QJsonObject PasswordPolicy::toJson() const
{
    return QJsonObject{
        {keyMinLength, minLength},
        {keyMinLengthWithMfa, minLengthWithMfa},
        {keyMaxBytes, maxBytes},
        {keyRequireComplexity, requireComplexity},
        {keyCheckBlocklist, checkBlocklist},
        {keyCheckContext, checkContext},
    };
}

Result<PasswordPolicy> PasswordPolicy::fromJson(const QJsonObject &json)
{
    const QStringList known = {keyMinLength,         keyMinLengthWithMfa, keyMaxBytes,
                               keyRequireComplexity, keyCheckBlocklist,   keyCheckContext};
    const QString name = QStringLiteral("Password policy");
    if (Result<void> keys = PolicyJson::checkKeys(json, known, name); !keys)
        return keys.error();
    PasswordPolicy policy;
    for (Result<void> read :
         {PolicyJson::readInt(json, keyMinLength, policy.minLength, name),
          PolicyJson::readInt(json, keyMinLengthWithMfa, policy.minLengthWithMfa, name),
          PolicyJson::readInt(json, keyMaxBytes, policy.maxBytes, name),
          PolicyJson::readBool(json, keyRequireComplexity, policy.requireComplexity, name),
          PolicyJson::readBool(json, keyCheckBlocklist, policy.checkBlocklist, name),
          PolicyJson::readBool(json, keyCheckContext, policy.checkContext, name)}) {
        if (!read)
            return read.error();
    }
    if (Result<void> valid = policy.validate(); !valid)
        return valid.error();
    return policy;
}

QByteArray PasswordPolicy::normalize(QStringView password)
{
    if (!isValidUtf16(password))
        return {};
    return password.toString().normalized(QString::NormalizationForm_C).toUtf8();
}

Result<void> PasswordPolicy::validate() const
{
    if (minLength < MinLengthFloor || minLength > MinLengthCeiling)
        return badPolicy(QStringLiteral("minLength must be between %1 and %2.")
                             .arg(MinLengthFloor)
                             .arg(MinLengthCeiling));
    if (minLengthWithMfa < MinLengthWithMfaFloor || minLengthWithMfa > minLength)
        return badPolicy(QStringLiteral("minLengthWithMfa must be between %1 and minLength (%2).")
                             .arg(MinLengthWithMfaFloor)
                             .arg(minLength));
    if (maxBytes < MaxBytesFloor || maxBytes > MaxBytesCeiling)
        return badPolicy(QStringLiteral("maxBytes must be between %1 and %2.")
                             .arg(MaxBytesFloor)
                             .arg(MaxBytesCeiling));
    // A code point takes at most 4 UTF-8 bytes.
    if (maxBytes < 4 * minLength)
        return badPolicy(QStringLiteral("maxBytes must be at least 4 * minLength (%1), so a "
                                        "password of the minimum length always fits.")
                             .arg(4 * minLength));
    return {};
}

Result<void> PasswordPolicy::checkSize(QStringView password) const
{
    // Every UTF-16 unit takes at least one byte, so oversized input is refused unread.
    if (password.size() > maxBytes || utf8Length(password) > maxBytes)
        return refusal(QStringLiteral("Password is longer than %1 bytes (UTF-8).").arg(maxBytes));
    return {};
}

Result<void> PasswordPolicy::check(QStringView password, const PasswordContext &context,
                                   bool mfaEnforced, const PasswordBlocklist *blocklist) const
{
    if (Result<void> valid = validate(); !valid)
        return makeError(ErrorCode::Internal, valid.error().message);
    if (Result<void> size = checkSize(password); !size)
        return size;
    if (Result<void> characters = checkCharacters(password); !characters)
        return characters;

    const QString nfc = password.toString().normalized(QString::NormalizationForm_C);
    const int required = mfaEnforced ? minLengthWithMfa : minLength;
    if (codePointCount(nfc) < required) {
        return refusal(mfaEnforced
                           ? QStringLiteral("Password is too short: at least %1 characters (MFA "
                                            "is on).")
                                 .arg(required)
                           : QStringLiteral("Password is too short: at least %1 characters (%2 "
                                            "when MFA is on).")
                                 .arg(minLength)
                                 .arg(minLengthWithMfa));
    }
    if (requireComplexity && characterKinds(nfc) < 3) {
        return refusal(QStringLiteral("Password needs at least 3 of these 4 kinds of characters: "
                                      "lower-case letters, upper-case letters, digits, others."));
    }

    const QString lowered = PasswordBlocklist::comparisonForm(nfc);
    if (checkBlocklist) {
        if (!blocklist) {
            return makeError(ErrorCode::Unavailable,
                             QStringLiteral("The common-password list is not loaded. Install the "
                                            "john-data package or configure another list."));
        }
        if (Result<void> common = checkCommon(lowered, *blocklist); !common)
            return common;
    }
    if (checkContext) {
        if (Result<void> personal = checkAccountWords(lowered, context); !personal)
            return personal;
    }
    return {};
}

} // namespace gatehouse
