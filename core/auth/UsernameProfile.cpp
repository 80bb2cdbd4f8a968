#include "UsernameProfile.h"

#include <QChar>
#include <QList>

#include <algorithm>
#include <bit>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse {

namespace {

// Why a code point or a whole name is refused. Valid and Contextual are the two verdicts that
// let a code point through (Contextual only where RFC 5892 Appendix A allows it).
enum class Rule {
    Valid,
    Contextual,
    Empty,
    TooLong,
    InvalidCodePoint,
    SpaceOrControl,
    Invisible,
    Direction,
    Compatibility,
    Symbol,
    PrivateUse,
    HangulJamo,
    Context,
    Bidi,
    MixedScripts,
};

// Plain words only: the input itself is never part of the message (SECURITY.md E11).
QString messageFor(Rule rule)
{
    switch (rule) {
    case Rule::Empty:
        return QStringLiteral("Username is empty.");
    case Rule::TooLong:
        return QStringLiteral("Username is longer than 64 characters.");
    case Rule::InvalidCodePoint:
        return QStringLiteral(
            "Username contains a character that is invalid or not yet assigned in Unicode.");
    case Rule::SpaceOrControl:
        return QStringLiteral("Username contains a space or control character.");
    case Rule::Invisible:
        return QStringLiteral("Username contains invisible formatting characters (such as a "
                              "zero-width space or joiner).");
    case Rule::Direction:
        return QStringLiteral("Username contains invisible text-direction control characters.");
    case Rule::Compatibility:
        return QStringLiteral("Username contains a compatibility form of a character (such as a "
                              "ligature, superscript or styled letter); type the plain character.");
    case Rule::Symbol:
        return QStringLiteral("Username contains a symbol, emoji or punctuation mark that is not "
                              "allowed; use letters, digits and ASCII punctuation.");
    case Rule::PrivateUse:
        return QStringLiteral("Username contains a private-use character.");
    case Rule::HangulJamo:
        return QStringLiteral("Username contains Hangul jamo that do not form a whole syllable.");
    case Rule::Context:
        return QStringLiteral("Username contains a character that is allowed only next to certain "
                              "others (such as a middle dot that is not between two l's).");
    case Rule::Bidi:
        return QStringLiteral("Username mixes right-to-left and left-to-right text, or starts or "
                              "ends with a character not allowed in right-to-left text.");
    case Rule::MixedScripts:
        return QStringLiteral("Username contains characters from several scripts (for example "
                              "Latin and Cyrillic); use one alphabet.");
    case Rule::Valid:
    case Rule::Contextual:
        break;
    }
    return QStringLiteral("Username is not allowed.");
}

Error refusal(Rule rule)
{
    return makeError(ErrorCode::InvalidInput, messageFor(rule));
}

bool inRange(char32_t cp, char32_t first, char32_t last)
{
    return cp >= first && cp <= last;
}

// Unpaired surrogates cannot be named by any code point, so they end the preparation.
std::optional<std::u32string> toCodePoints(QStringView text)
{
    std::u32string out;
    out.reserve(static_cast<size_t>(text.size()));
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (c.isHighSurrogate() && i + 1 < text.size() && text[i + 1].isLowSurrogate()) {
            out.push_back(QChar::surrogateToUcs4(c, text[i + 1]));
            ++i;
        } else if (c.isSurrogate()) {
            return std::nullopt;
        } else {
            out.push_back(c.unicode());
        }
    }
    return out;
}

// Not QString::fromUcs4: it takes a leading U+FEFF for a byte-order mark and drops it, which
// would let "\uFEFFadmin" through as "admin" instead of refusing it.
QString fromCodePoints(std::u32string_view codePoints)
{
    QString out;
    out.reserve(static_cast<qsizetype>(codePoints.size()));
    for (const char32_t cp : codePoints) {
        if (QChar::requiresSurrogates(cp)) {
            out += QChar(QChar::highSurrogate(cp));
            out += QChar(QChar::lowSurrogate(cp));
        } else {
            out += QChar(static_cast<char16_t>(cp));
        }
    }
    return out;
}

void append(std::u32string &out, const QString &text)
{
    for (const char32_t cp : text.toUcs4())
        out.push_back(cp);
}

bool isBidiControl(char32_t cp)
{
    return cp == 0x061C || cp == 0x200E || cp == 0x200F || inRange(cp, 0x202A, 0x202E)
        || inRange(cp, 0x2066, 0x2069);
}

// Hangul_Syllable_Type L, V or T (RFC 8264 OldHangulJamo). NFC has already composed modern
// jamo sequences into syllables by the time this is asked.
bool isConjoiningJamo(char32_t cp)
{
    return inRange(cp, 0x1100, 0x11FF) || inRange(cp, 0xA960, 0xA97F)
        || inRange(cp, 0xD7B0, 0xD7FF);
}

// RFC 8264 HasCompat: toNFKC(cp) != cp. Canonical singletons (KELVIN SIGN) count too.
bool hasCompatibilityForm(char32_t cp)
{
    if (cp < 0x80)
        return false;
    const QString single = fromCodePoints(std::u32string_view(&cp, 1));
    return single.normalized(QString::NormalizationForm_KC) != single;
}

// The RFC 5892 §2.6 exceptions, which take precedence over the general categories.
std::optional<Rule> exceptionRule(char32_t cp)
{
    switch (cp) {
    case 0x00DF: // ß
    case 0x03C2: // final sigma
    case 0x06FD:
    case 0x06FE:
    case 0x0F0B:
    case 0x3007:
        return Rule::Valid;
    case 0x00B7: // middle dot
    case 0x0375: // Greek keraia
    case 0x05F3: // Hebrew geresh
    case 0x05F4: // Hebrew gershayim
    case 0x30FB: // katakana middle dot
        return Rule::Contextual;
    case 0x0640: // Arabic tatweel
    case 0x07FA:
    case 0x302E:
    case 0x302F:
    case 0x303B:
        return Rule::Symbol;
    default:
        break;
    }
    if (inRange(cp, 0x3031, 0x3035))
        return Rule::Symbol;
    if (inRange(cp, 0x0660, 0x0669) || inRange(cp, 0x06F0, 0x06F9))
        return Rule::Contextual;
    return std::nullopt;
}

bool isLetterOrDigit(QChar::Category category)
{
    switch (category) {
    case QChar::Letter_Lowercase:
    case QChar::Letter_Uppercase:
    case QChar::Letter_Other:
    case QChar::Letter_Modifier:
    case QChar::Number_DecimalDigit:
    case QChar::Mark_NonSpacing:
    case QChar::Mark_SpacingCombining:
        return true;
    default:
        return false;
    }
}

bool isSymbolOrPunctuation(QChar::Category category)
{
    return (category >= QChar::Punctuation_Connector && category <= QChar::Punctuation_Other)
        || (category >= QChar::Symbol_Math && category <= QChar::Symbol_Other);
}

// The RFC 8264 §8 derived property for IdentifierClass, in its order of precedence. Anything
// but PVALID (Valid) or CONTEXTO (Contextual) is refused, with the reason a user can act on.
Rule classify(char32_t cp)
{
    if (const std::optional<Rule> rule = exceptionRule(cp))
        return *rule;
    const QChar::Category category = QChar::category(cp);
    if (category == QChar::Other_NotAssigned || category == QChar::Other_Surrogate)
        return Rule::InvalidCodePoint;
    if (inRange(cp, 0x21, 0x7E))
        return Rule::Valid;
    if (cp == 0x200C || cp == 0x200D) // CONTEXTJ rules are not implemented: always refused
        return Rule::Invisible;
    if (isConjoiningJamo(cp))
        return Rule::HangulJamo;
    if (isBidiControl(cp))
        return Rule::Direction;
    if (UsernameProfile::isInvisible(cp))
        return Rule::Invisible;
    if (category == QChar::Other_Control)
        return Rule::SpaceOrControl;
    if (hasCompatibilityForm(cp)) {
        if (category == QChar::Separator_Space)
            return Rule::SpaceOrControl;
        return isSymbolOrPunctuation(category) ? Rule::Symbol : Rule::Compatibility;
    }
    if (isLetterOrDigit(category))
        return Rule::Valid;
    switch (category) {
    case QChar::Separator_Space:
    case QChar::Separator_Line:
    case QChar::Separator_Paragraph:
        return Rule::SpaceOrControl;
    case QChar::Other_Format:
        return Rule::Invisible;
    case QChar::Other_PrivateUse:
        return Rule::PrivateUse;
    default:
        return Rule::Symbol; // FREE_PVAL (Lt Nl No Me, symbols, punctuation) or DISALLOWED
    }
}

std::u32string mapWidth(const std::u32string &codePoints)
{
    std::u32string out;
    out.reserve(codePoints.size());
    for (const char32_t cp : codePoints) {
        const QChar::Decomposition tag = QChar::decompositionTag(cp);
        if (tag == QChar::Wide || tag == QChar::Narrow)
            append(out, QChar::decomposition(cp));
        else
            out.push_back(cp);
    }
    return out;
}

// Unicode's Cased and Case_Ignorable properties, approximated from what Qt exposes, for the
// Final_Sigma condition of toLowerCase() (Unicode §3.13), which QString::toLower() lacks.
bool isCased(char32_t cp)
{
    const QChar::Category category = QChar::category(cp);
    return category == QChar::Letter_Uppercase || category == QChar::Letter_Lowercase
        || category == QChar::Letter_Titlecase || QChar::toLower(cp) != cp
        || QChar::toUpper(cp) != cp;
}

bool isCaseIgnorable(char32_t cp)
{
    switch (QChar::category(cp)) {
    case QChar::Mark_NonSpacing:
    case QChar::Mark_Enclosing:
    case QChar::Other_Format:
    case QChar::Letter_Modifier:
    case QChar::Symbol_Modifier:
        return true;
    default:
        break;
    }
    // Word_Break MidLetter, MidNumLet and Single_Quote.
    static constexpr char32_t wordMiddles[] = {0x0027, 0x002E, 0x003A, 0x00B7, 0x0387, 0x055F,
                                               0x05F4, 0x2018, 0x2019, 0x2024, 0x2027, 0xFE13,
                                               0xFE52, 0xFE55, 0xFF07, 0xFF0E, 0xFF1A};
    return std::find(std::begin(wordMiddles), std::end(wordMiddles), cp) != std::end(wordMiddles);
}

bool isFinalSigma(const std::u32string &codePoints, size_t index)
{
    size_t before = index;
    while (before > 0 && isCaseIgnorable(codePoints[before - 1]))
        --before;
    if (before == 0 || !isCased(codePoints[before - 1]))
        return false;
    size_t after = index + 1;
    while (after < codePoints.size() && isCaseIgnorable(codePoints[after]))
        ++after;
    return after == codePoints.size() || !isCased(codePoints[after]);
}

std::u32string toLowerCase(const std::u32string &codePoints)
{
    std::u32string out;
    out.reserve(codePoints.size());
    for (size_t i = 0; i < codePoints.size(); ++i) {
        const char32_t cp = codePoints[i];
        if (cp == 0x03A3 && isFinalSigma(codePoints, i))
            out.push_back(0x03C2);
        else // full mapping: U+0130 becomes two code points
            append(out, fromCodePoints(std::u32string_view(&cp, 1)).toLower());
    }
    return out;
}

bool hasScript(const std::u32string &codePoints, std::initializer_list<QChar::Script> scripts)
{
    return std::any_of(codePoints.begin(), codePoints.end(), [scripts](char32_t cp) {
        return std::find(scripts.begin(), scripts.end(), QChar::script(cp)) != scripts.end();
    });
}

bool isArabicIndicDigit(char32_t cp)
{
    return inRange(cp, 0x0660, 0x0669);
}

bool isExtendedArabicIndicDigit(char32_t cp)
{
    return inRange(cp, 0x06F0, 0x06F9);
}

// RFC 5892 Appendix A.3-A.9 for the CONTEXTO code point at index.
bool contextAllows(const std::u32string &codePoints, size_t index)
{
    const char32_t cp = codePoints[index];
    const char32_t before = index > 0 ? codePoints[index - 1] : 0;
    const char32_t after = index + 1 < codePoints.size() ? codePoints[index + 1] : 0;
    switch (cp) {
    case 0x00B7:
        return before == U'l' && after == U'l';
    case 0x0375:
        return after != 0 && QChar::script(after) == QChar::Script_Greek;
    case 0x05F3:
    case 0x05F4:
        return before != 0 && QChar::script(before) == QChar::Script_Hebrew;
    case 0x30FB:
        return hasScript(codePoints,
                         {QChar::Script_Hiragana, QChar::Script_Katakana, QChar::Script_Han});
    default:
        break;
    }
    if (isArabicIndicDigit(cp))
        return std::none_of(codePoints.begin(), codePoints.end(), isExtendedArabicIndicDigit);
    if (isExtendedArabicIndicDigit(cp))
        return std::none_of(codePoints.begin(), codePoints.end(), isArabicIndicDigit);
    return true;
}

// RFC 5893 §2, applied only when right-to-left code points are present (RFC 8265 §3.3.3).
// A name starting with L would then break rule 5, so any mix of directions is refused.
bool satisfiesBidiRule(const std::u32string &codePoints)
{
    const auto isRtl = [](char32_t cp) {
        const QChar::Direction d = QChar::direction(cp);
        return d == QChar::DirR || d == QChar::DirAL || d == QChar::DirAN;
    };
    if (std::none_of(codePoints.begin(), codePoints.end(), isRtl))
        return true;
    const QChar::Direction first = QChar::direction(codePoints.front());
    if (first != QChar::DirR && first != QChar::DirAL)
        return false;
    bool hasEn = false;
    bool hasAn = false;
    for (const char32_t cp : codePoints) {
        switch (QChar::direction(cp)) {
        case QChar::DirEN:
            hasEn = true;
            break;
        case QChar::DirAN:
            hasAn = true;
            break;
        case QChar::DirR:
        case QChar::DirAL:
        case QChar::DirES:
        case QChar::DirCS:
        case QChar::DirET:
        case QChar::DirON:
        case QChar::DirBN:
        case QChar::DirNSM:
            break;
        default:
            return false;
        }
    }
    if (hasEn && hasAn)
        return false;
    auto last = std::find_if(codePoints.rbegin(), codePoints.rend(),
                             [](char32_t cp) { return QChar::direction(cp) != QChar::DirNSM; });
    const QChar::Direction end = QChar::direction(*last); // first is not NSM, so last exists
    return end == QChar::DirR || end == QChar::DirAL || end == QChar::DirEN || end == QChar::DirAN;
}

// Our confusables policy: Latin, Cyrillic and Greek share look-alike letters, so a name may use
// letters of at most one of them.
bool mixesConfusableScripts(const std::u32string &codePoints)
{
    unsigned seen = 0;
    for (const char32_t cp : codePoints) {
        switch (QChar::script(cp)) {
        case QChar::Script_Latin:
            seen |= 1u;
            break;
        case QChar::Script_Cyrillic:
            seen |= 2u;
            break;
        case QChar::Script_Greek:
            seen |= 4u;
            break;
        default:
            break;
        }
    }
    return std::popcount(seen) > 1;
}

} // namespace

Result<QString> UsernameProfile::prepare(QStringView input)
{
    if (input.isEmpty())
        return refusal(Rule::Empty);
    if (input.size() > MaxInputUnits)
        return refusal(Rule::TooLong);
    const std::optional<std::u32string> raw = toCodePoints(input);
    if (!raw)
        return refusal(Rule::InvalidCodePoint);

    const std::u32string widthMapped = mapWidth(*raw);
    // RFC 8265 §3.3.2 preparation: compatibility forms are refused, not silently folded.
    for (const char32_t cp : widthMapped) {
        if (hasCompatibilityForm(cp)) {
            const Rule rule = classify(cp);
            return refusal(rule == Rule::Valid || rule == Rule::Contextual ? Rule::Compatibility
                                                                           : rule);
        }
    }

    const QString prepared =
        fromCodePoints(toLowerCase(widthMapped)).normalized(QString::NormalizationForm_C);
    const std::u32string codePoints = toCodePoints(prepared).value_or(std::u32string());
    if (codePoints.empty())
        return refusal(Rule::Empty);
    if (codePoints.size() > static_cast<size_t>(MaxLength))
        return refusal(Rule::TooLong);
    for (size_t i = 0; i < codePoints.size(); ++i) {
        const Rule rule = classify(codePoints[i]);
        if (rule == Rule::Contextual && !contextAllows(codePoints, i))
            return refusal(Rule::Context);
        if (rule != Rule::Valid && rule != Rule::Contextual)
            return refusal(rule);
    }
    if (!satisfiesBidiRule(codePoints))
        return refusal(Rule::Bidi);
    if (mixesConfusableScripts(codePoints))
        return refusal(Rule::MixedScripts);
    return prepared;
}

bool UsernameProfile::isPrepared(QStringView input)
{
    const Result<QString> prepared = prepare(input);
    return prepared.ok() && prepared.value() == input;
}

bool UsernameProfile::isInvisible(char32_t cp)
{
    // Default_Ignorable_Code_Point (Unicode 14 DerivedCoreProperties.txt); Qt has no accessor.
    static constexpr char32_t ignorable[][2] = {
        {0x00AD, 0x00AD},   {0x034F, 0x034F}, {0x061C, 0x061C},   {0x115F, 0x1160},
        {0x17B4, 0x17B5},   {0x180B, 0x180F}, {0x200B, 0x200F},   {0x202A, 0x202E},
        {0x2060, 0x206F},   {0x3164, 0x3164}, {0xFE00, 0xFE0F},   {0xFEFF, 0xFEFF},
        {0xFFA0, 0xFFA0},   {0xFFF0, 0xFFF8}, {0x1BCA0, 0x1BCA3}, {0x1D173, 0x1D17A},
        {0xE0000, 0xE0FFF},
    };
    for (const auto &range : ignorable) {
        if (inRange(cp, range[0], range[1]))
            return true;
    }
    return QChar::isNonCharacter(cp) || QChar::category(cp) == QChar::Other_Format;
}

} // namespace gatehouse
