#pragma once

#include "model/Result.h"

#include <QString>
#include <QStringView>

namespace gatehouse {

// The e-mail addresses Gatehouse accepts and the one form it stores (SECURITY.md E19, E11).
// A deliberately small subset of RFC 5322/5321, so every stored address is unambiguous:
//
// - Nothing is trimmed: leading or trailing whitespace is an error like any other space.
//   Spaces, controls (CR/LF, so no "\r\nBcc:" header injection), format characters, bidi
//   controls and other invisible code points are refused anywhere.
// - Exactly one '@'. The local part is a dot-atom of RFC 5322 atext (letters, digits and
//   !#$%&'*+-/=?^_`{|}~) with no leading, trailing or doubled dot. Quoted local parts
//   ("a b"@x.io), comments and address literals ([192.0.2.1]) are refused.
// - Non-ASCII local parts (RFC 6531 SMTPUTF8) are refused: many relays still cannot deliver
//   them and there is no agreed way to compare them.
// - The local part keeps its case for display and delivery (RFC 5321 leaves it to the receiving
//   host), but uniquenessKey() lower-cases it: providers treat local parts case-insensitively in
//   practice, and "Alice@x.io" and "alice@x.io" must not become two accounts. Nothing else is
//   folded: "+tags" and dots stay, because their meaning differs between providers.
// - The domain is lower-cased. A trailing dot ("example.com.") is refused rather than stripped,
//   so one domain has one spelling. Labels are 1..63 letters, digits and hyphens, with no hyphen
//   at either end and no "--" in positions 3-4 except the "xn--" prefix (RFC 5891 §4.2.3.1);
//   at least two labels; the top-level label is not all digits (no bare IPv4 addresses).
// - IDN: a Unicode domain is converted with QUrl::toAce (Qt's UTS #46 processing, which also
//   maps case and width) and stored in its ACE (xn--) form, so "bücher.example" is stored as
//   "xn--bcher-kva.example". ACE input must decode with QUrl::fromAce to a non-ASCII label that
//   encodes back to the same ACE. Which Unicode labels are valid is what Qt 6.4 accepts.
// - Lengths in octets of the stored form (RFC 5321 §4.5.3.1): local part at most 64, whole
//   address at most 254.
//
// Errors are InvalidInput with a plain message that never echoes the input.
class EmailAddress
{
public:
    static constexpr int MaxLocalPartOctets = 64;
    static constexpr int MaxAddressOctets = 254;
    static constexpr int MaxLabelOctets = 63;
    // Longer input is refused before IDN processing; no valid address comes near it.
    static constexpr int MaxInputUnits = 1024;

    EmailAddress() = delete;

    // The stored form: local part as typed, domain lower-cased in ACE form.
    static Result<QString> normalize(QStringView input);

    // The form compared for uniqueness: normalize(address) with the local part lower-cased too.
    // Accepts raw or normalized input.
    static Result<QString> uniquenessKey(QStringView address);
};

} // namespace gatehouse
