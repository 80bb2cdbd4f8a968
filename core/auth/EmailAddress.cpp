#include "EmailAddress.h"

#include "UsernameProfile.h"

#include <QChar>
#include <QList>
#include <QUrl>

#include <algorithm>

namespace gatehouse {

namespace {

Error refusal(QString message)
{
    return makeError(ErrorCode::InvalidInput, std::move(message));
}

QString tooLongMessage()
{
    return QStringLiteral("E-mail address is longer than 254 characters.");
}

bool isAscii(QStringView text)
{
    return std::all_of(text.begin(), text.end(), [](QChar c) { return c.unicode() < 0x80; });
}

bool isAsciiLetterOrDigit(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || (u >= u'0' && u <= u'9');
}

// RFC 5322 §3.2.3 atext.
bool isAtext(QChar c)
{
    return isAsciiLetterOrDigit(c) || QStringView(u"!#$%&'*+-/=?^_`{|}~").contains(c);
}

// Whitespace, controls and invisible code points, checked first so that a CR/LF or a bidi
// override gets its own clear refusal wherever it sits.
Result<void> checkCharacters(QStringView input)
{
    for (qsizetype i = 0; i < input.size(); ++i) {
        const QChar c = input[i];
        char32_t cp = c.unicode();
        if (c.isHighSurrogate() && i + 1 < input.size() && input[i + 1].isLowSurrogate()) {
            cp = QChar::surrogateToUcs4(c, input[++i]);
        } else if (c.isSurrogate()) {
            return refusal(QStringLiteral("E-mail address contains an invalid character."));
        }
        const QChar::Category category = QChar::category(cp);
        if (category == QChar::Other_Control || category == QChar::Separator_Space
            || category == QChar::Separator_Line || category == QChar::Separator_Paragraph) {
            return refusal(
                QStringLiteral("E-mail address contains a space, line break or control character "
                               "(including at the start or end)."));
        }
        if (UsernameProfile::isInvisible(cp)) {
            return refusal(QStringLiteral("E-mail address contains invisible formatting or "
                                          "text-direction characters."));
        }
    }
    return {};
}

Result<void> checkLocalPart(QStringView local)
{
    if (local.isEmpty())
        return refusal(QStringLiteral("E-mail address has nothing before the @ sign."));
    if (!isAscii(local)) {
        return refusal(QStringLiteral("E-mail addresses with non-ASCII characters before the @ "
                                      "sign are not supported."));
    }
    if (!std::all_of(local.begin(), local.end(), [](QChar c) { return isAtext(c) || c == u'.'; }))
        return refusal(
            QStringLiteral("E-mail address contains a character that is not allowed before the "
                           "@ sign."));
    if (local.startsWith(u'.') || local.endsWith(u'.') || local.contains(u"..")) {
        return refusal(QStringLiteral("E-mail address has a dot at the start or end of the part "
                                      "before the @ sign, or two dots in a row."));
    }
    if (local.size() > EmailAddress::MaxLocalPartOctets) {
        return refusal(
            QStringLiteral("The part of the e-mail address before the @ sign is longer than 64 "
                           "characters."));
    }
    return {};
}

// An xn-- label must be real punycode for a non-ASCII label that encodes back to itself, or two
// spellings could name one domain (or one spelling none).
bool isValidAceLabel(QStringView label)
{
    const QByteArray ace = label.toLatin1();
    const QString decoded = QUrl::fromAce(ace, QUrl::IgnoreIDNWhitelist);
    return !isAscii(decoded) && QUrl::toAce(decoded) == ace;
}

Result<void> checkLabel(QStringView label)
{
    if (label.isEmpty()) {
        return refusal(QStringLiteral("E-mail domain has an empty part (a dot at the start or two "
                                      "dots in a row)."));
    }
    if (label.size() > EmailAddress::MaxLabelOctets) {
        return refusal(QStringLiteral("A part of the e-mail domain is longer than 63 characters."));
    }
    if (!std::all_of(label.begin(), label.end(),
                     [](QChar c) { return isAsciiLetterOrDigit(c) || c == u'-'; })) {
        return refusal(QStringLiteral("E-mail domain may contain only letters, digits, hyphens "
                                      "and dots."));
    }
    if (label.startsWith(u'-') || label.endsWith(u'-')) {
        return refusal(QStringLiteral("A part of the e-mail domain starts or ends with a "
                                      "hyphen."));
    }
    if (label.size() >= 4 && label.sliced(2, 2) == u"--") {
        if (!label.startsWith(u"xn--")) {
            return refusal(QStringLiteral("A part of the e-mail domain has two hyphens in third "
                                          "and fourth position, which is reserved."));
        }
        if (!isValidAceLabel(label)) {
            return refusal(QStringLiteral("E-mail domain contains an invalid internationalised "
                                          "(xn--) part."));
        }
    }
    return {};
}

Result<QString> normalizeDomain(QStringView domain)
{
    if (domain.isEmpty())
        return refusal(QStringLiteral("E-mail address has no domain after the @ sign."));
    QString ace;
    if (isAscii(domain)) {
        ace = domain.toString().toLower();
    } else {
        const QByteArray encoded = QUrl::toAce(domain.toString());
        if (encoded.isEmpty()) {
            return refusal(QStringLiteral("E-mail domain is not a valid internationalised "
                                          "domain name."));
        }
        ace = QString::fromLatin1(encoded).toLower();
    }
    if (ace.endsWith(u'.'))
        return refusal(QStringLiteral("E-mail domain ends with a dot; remove it."));
    const QList<QStringView> labels = QStringView(ace).split(u'.');
    if (labels.size() < 2) {
        return refusal(QStringLiteral("E-mail domain needs at least two parts (such as "
                                      "example.com)."));
    }
    for (const QStringView label : labels) {
        if (const Result<void> checked = checkLabel(label); !checked)
            return checked.error();
    }
    const QStringView topLevel = labels.last();
    if (std::all_of(topLevel.begin(), topLevel.end(), [](QChar c) { return c.isDigit(); }))
        return refusal(QStringLiteral("E-mail domain must not end in an all-digit part."));
    return ace;
}

} // namespace

Result<QString> EmailAddress::normalize(QStringView input)
{
    if (input.isEmpty())
        return refusal(QStringLiteral("E-mail address is empty."));
    if (input.size() > MaxInputUnits)
        return refusal(tooLongMessage());
    // Unsupported syntax first, so '"a b"@x.io' is told about quoting rather than the space.
    if (input.contains(u'"'))
        return refusal(QStringLiteral("E-mail addresses with quoted parts are not supported."));
    if (input.contains(u'(') || input.contains(u')'))
        return refusal(QStringLiteral("E-mail addresses with comments are not supported."));
    if (input.contains(u'[') || input.contains(u']')) {
        return refusal(QStringLiteral("E-mail addresses with an IP address instead of a domain "
                                      "are not supported."));
    }
    if (const Result<void> checked = checkCharacters(input); !checked)
        return checked.error();
    if (input.count(u'@') != 1)
        return refusal(QStringLiteral("E-mail address must contain exactly one @ sign."));

    const qsizetype at = input.indexOf(u'@');
    const QStringView local = input.first(at);
    if (const Result<void> checked = checkLocalPart(local); !checked)
        return checked.error();
    const Result<QString> domain = normalizeDomain(input.sliced(at + 1));
    if (!domain)
        return domain.error();

    QString address = QString(local.toString() + u'@' + domain.value());
    if (address.size() > MaxAddressOctets) // all ASCII by now: one unit is one octet
        return refusal(tooLongMessage());
    return address;
}

Result<QString> EmailAddress::uniquenessKey(QStringView address)
{
    const Result<QString> normalized = normalize(address);
    if (!normalized)
        return normalized.error();
    return normalized.value().toLower(); // ASCII only, so this is a plain A-Z to a-z
}

} // namespace gatehouse
