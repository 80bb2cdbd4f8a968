#pragma once

#include "model/Result.h"

#include <QSet>
#include <QString>
#include <QStringList>
#include <QStringView>

namespace gatehouse {

// The list of common passwords refused on set or change (SECURITY.md SEC-07, A6).
//
// The default is /usr/share/john/password.lst from Debian's john-data package: Openwall's list
// of about 3500 passwords most often seen in real breaches. Its format is one password per line,
// with "#!comment:" header lines. Nothing else on a line is special: spaces are part of the
// word, and only a trailing CR (a list saved on Windows) is removed.
//
// Every word is stored in the form PasswordPolicy compares: NFC, then lower-cased. contains()
// expects its argument in that form already, so the caller normalises once, not per lookup.
//
// Most of john's words are shorter than any password the policy allows. They still matter:
// PasswordPolicy also looks up the password with trailing digits and punctuation stripped, so
// "password1234567" is found through "password".
class PasswordBlocklist
{
public:
    // Reads a word list. Missing or unreadable file, or a file without a single word, is
    // Unavailable: a configured check that silently checks nothing would be worse than none.
    static Result<PasswordBlocklist> load(const QString &path);

    static QString defaultPath();

    // For tests and embedded lists; the words are normalised like load() does.
    static PasswordBlocklist fromWords(const QStringList &words);

    // lowered: NFC, lower-cased (see the class comment).
    bool contains(QStringView lowered) const;

    qsizetype size() const { return m_words.size(); }

    // The comparison form of a word or password: NFC, then lower case.
    static QString comparisonForm(QStringView text);

private:
    // No public default constructor: an empty list is never what a caller means.
    PasswordBlocklist() = default;

    void add(QStringView word);

    QSet<QString> m_words;
};

} // namespace gatehouse
