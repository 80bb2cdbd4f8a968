#pragma once

#include "model/Result.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace gatehouse {

// One user as an import file gives it, before any rule of the directory is applied. What a
// file leaves out (a missing key, a JSON null, an empty CSV field) is empty here.
struct ImportRecord {
    int number = 0; // 1-based position among the file's users
    int line = 0; // CSV: the line the record starts on; 0 for JSON
    QString username;
    QString email;
    QString displayName;
    std::optional<QStringList> roles; // role names as written; nullopt: the default role
    QString status; // empty: active
    QString passwordHash; // empty: none; never echoed, logged or recorded
};

// Something wrong with one record (or, with record 0, with the file's header). The message
// says what is wrong and never contains a password hash.
struct ImportProblem {
    int record = 0;
    int line = 0; // CSV only; 0 when unknown
    QString field; // "username", "email", ...; empty for the record as a whole
    QString message;
};

// An import file read into records. `problems` are the record-level faults found while
// reading (a JSON record that is not an object, a key of the wrong type, a CSV row with the
// wrong number of fields); the directory's rules are applied later (UserImport).
struct ImportFile {
    int users = 0; // how many users the file holds, with or without problems
    QList<ImportRecord> records;
    QList<ImportProblem> problems;
};

// Reads the two import formats, strictly, so a file means one thing only:
//
// - JSON (RFC 8259, UTF-8 without a byte order mark): `{"users":[{...},...]}` or a top-level
//   array of user objects. Keys are username (required), email, displayName, roles (an array of
//   role names), status ("active" or "disabled") and passwordHash; each a string (roles an
//   array of strings) or null. Duplicate keys anywhere, lone surrogates, unknown keys and other
//   top-level keys are refused: a second "roles" must not hide behind the first.
// - CSV (RFC 4180, UTF-8, an optional byte order mark): a header row naming the columns (the
//   same names; username required, the others optional, each at most once), then one row per
//   user with as many fields as the header. Fields may be quoted ("..." with "" for a quote)
//   and then hold commas, quotes and line breaks. Lines end with CRLF, LF or CR; empty lines
//   are skipped. Nothing is trimmed. roles holds names separated by ';'.
//
// Either way: at most kMaxBytes and kMaxRecords users. Values are taken verbatim (a display
// name "=HYPERLINK(...)" stays text; nothing here or later evaluates it). Faults of the file as
// a whole (not UTF-8, not JSON, a quote out of place, an unknown or missing column, too big)
// are InvalidInput with the line when known; messages never echo values from the file, only
// key and column names that are plain identifiers.
namespace UserImportFile {

enum class Format { Json, Csv };

constexpr qsizetype kMaxBytes = 64 * 1024 * 1024;
constexpr int kMaxRecords = 100000;

// The field names, in the order the documentation lists them.
QStringList fieldNames();

// A name taken from the file (a key, a column, a role), if it is a plain identifier safe to
// repeat in a message; empty otherwise (line breaks, bidi controls, a pasted value).
QString shownName(QStringView name);

// "json" or "csv" (any case); nullopt otherwise.
std::optional<Format> formatFromName(QStringView name);
QString formatName(Format format);

Result<ImportFile> parse(const QByteArray &bytes, Format format);

} // namespace UserImportFile
} // namespace gatehouse
