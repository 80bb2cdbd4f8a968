#pragma once

#include "model/Result.h"

#include <QString>
#include <QStringView>

namespace gatehouse {

// The one place usernames are turned into the form that is stored, looked up, compared for
// uniqueness and counted for lockout (SECURITY.md SEC-13, E11, E18, A12): RFC 8265 §3.3 PRECIS
// UsernameCaseMapped over the RFC 8264 IdentifierClass, as far as Qt 6.4's Unicode data goes.
//
// Order (RFC 8264 §7):
//   1. Width mapping: fullwidth/halfwidth forms (decomposition tag <wide>/<narrow>) become
//      their decomposition, so "ＡＤＭＩＮ" reads as "ADMIN". Any other code point whose NFKC
//      differs from itself (ligatures, superscripts, circled or styled letters, KELVIN SIGN,
//      NBSP...) is then refused, as RFC 8265 §3.3.2 preparation demands.
//   2. Case mapping with Unicode toLowerCase() (full mapping, plus the Final_Sigma rule done
//      here because Qt lacks it). Not case folding: "ß" stays "ß" (distinct from "ss"),
//      "ẞ" becomes "ß", "ı" stays "ı" (distinct from "i"), "İ" becomes "i" + U+0307
//      COMBINING DOT ABOVE (distinct from "i"), "ΟΔΟΣ" becomes "οδος".
//   3. NFC, so "Jose" + U+0301 and "José" are the same name, as are NFD and NFC Hangul.
//   4. Checks on the result, each failing with InvalidInput:
//      - not empty, at most MaxLength (64) code points (not UTF-16 units);
//      - every code point PVALID in IdentifierClass: letters and digits (Ll Lu Lo Lm Nd, with
//        their marks Mn Mc) and ASCII 0x21-0x7E, plus the RFC 5892 exceptions. Refused:
//        spaces, controls (CR, LF, TAB, NUL), format and default-ignorable code points
//        (U+200B, ZWJ/ZWNJ: their CONTEXTJ rules are not implemented, so they are always
//        refused), bidi controls, non-ASCII symbols and punctuation (so every emoji),
//        unassigned code points, unpaired surrogates, private use, conjoining Hangul jamo;
//      - the CONTEXTO rules of RFC 5892 Appendix A (middle dot only in "l·l", Greek keraia,
//        Hebrew geresh/gershayim, katakana middle dot, no mix of the two Arabic-Indic digit
//        sets);
//      - the Bidi rule of RFC 5893 §2 when any R, AL or AN code point is present: a name is
//        wholly left-to-right or a valid right-to-left label, never a mix;
//      - mixed-script confusables (ours, not PRECIS): letters from more than one of Latin,
//        Cyrillic and Greek (Latin "admin" with Cyrillic "а" U+0430) are refused. Common and
//        Inherited code points (digits, ASCII punctuation, combining marks) do not count, and
//        other scripts may mix freely (Latin with Han or Kana is normal in Japanese names).
//        Whole-script confusables (an all-Cyrillic "аdmіn") are not detected.
//
// ASCII punctuation is PVALID, so "admin'--" and "alice%0d%0a" (literal percent text, not a
// line break) are valid names: the store binds parameters and never splices SQL, and nothing
// URL-decodes a username. Names with a space, such as "' OR '1'='1", are refused.
//
// Limits: Unicode data is Qt 6.4's (Unicode 14), so later code points count as unassigned.
// Stacked combining marks ("Zalgo" text) are PVALID and pass within the length cap.
//
// Inputs longer than MaxInputUnits UTF-16 units are refused before any work: no NFC
// composition shrinks that much (the worst is four code points to one), so such input could
// never prepare to 64 code points, and the cap bounds the cost of hostile input.
//
// Error messages name the broken rule in plain words and never echo the input, which may carry
// CR/LF or bidi overrides that would forge log lines or headers.
class UsernameProfile
{
public:
    static constexpr int MaxLength = 64;
    static constexpr int MaxInputUnits = 1024;

    UsernameProfile() = delete;

    static Result<QString> prepare(QStringView input);

    // True if input is already in prepared form: prepare(input) succeeds and returns it as is.
    // Stores assert this for every username they hold.
    static bool isPrepared(QStringView input);

    // True for code points that render as nothing or steer text direction: format characters
    // (Cf, including bidi controls and U+200B), other default-ignorable code points (variation
    // selectors, Hangul fillers) and noncharacters. Shared with EmailAddress, which refuses
    // them anywhere in an address.
    static bool isInvisible(char32_t codePoint);
};

} // namespace gatehouse
