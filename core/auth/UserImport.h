#pragma once

#include "ServiceContext.h"
#include "UserDirectory.h"
#include "UserImportFile.h"
#include "model/User.h"

namespace gatehouse {

// Brings users in from another deployment: a JSON or CSV file (UserImportFile) of usernames,
// e-mails, display names, roles, status and, optionally, the password hash the old system
// kept, so those users sign in with their old password (Credentials rehashes it to the current
// parameters at that first sign-in, SEC-03/A15). Users without a hash get no password and need
// a setup code, as after `user create`.
//
// - All or nothing, in ONE transaction: every record is checked by the directory's own rules
//   (UsernameProfile, e-mail and display-name rules, uniqueness: UserDirectory's insert path),
//   against the other records of the file and against the store. On any problem nothing is
//   written and the report lists every problem by record (and CSV line) and field.
// - The caller needs users:create, and may give only roles they could assign one by one
//   (AccessControl::mayAssign: no role above their own, owner only with owners:manage).
// - Password hashes must be scrypt in PHC form ($scrypt$ln=..,r=..,p=..$salt$hash) or the
//   legacy Node `salt:hash` form, with parameters PasswordHasher would verify
//   (withinCeiling: no N above 2^20 and so on, A14) and no less work (N*r*p) than Node's
//   defaults (N=2^14, r=8, p=1, kMinImportWork), the weakest form Gatehouse migrates from.
//   A hash is never echoed, logged or recorded: problems name the field, not its value.
// - One audit record, ImportUsers, whatever the size: counts, the created users' ids (as
//   resources) and usernames, never a hash. A refused import is recorded as a failure with
//   the number of problems. A dry run checks everything the same way, inside the same kind of
//   transaction, then rolls the users back; its record says dryRun.
class UserImport
{
public:
    using Format = UserImportFile::Format;

    // N * r * p of Node's crypto.scrypt defaults (N=2^14, r=8, p=1). Work rather than memory,
    // so OWASP's low-memory rows (2^13, 8, 10) pass.
    static constexpr quint64 kMinImportWork = (quint64{1} << 14) * 8;
    // A file with thousands of bad rows reports the first ones and the total.
    static constexpr int kMaxProblems = 1000;

    struct Options {
        Format format = Format::Json;
        bool dryRun = false; // check only; nothing but the audit record is written
    };

    struct Report {
        bool dryRun = false;
        int records = 0;
        // The users created, as stored; for a dry run, as they would be (without ids).
        QList<User> users;
        int withPasswordHash = 0;
        // Not empty: the import was refused and nothing was written. At most kMaxProblems.
        QList<ImportProblem> problems;
        int problemCount = 0; // all of them, also those beyond kMaxProblems
        bool accepted() const { return problems.isEmpty(); }
    };

    explicit UserImport(const ServiceContext &context)
        : m_context(context),
          m_users(context)
    {}

    // Errors for the import as a whole (permissions, a file that cannot be read, the store);
    // a Report whose problems are not empty for records that break the rules.
    Result<Report> run(const Actor &actor, const QByteArray &document,
                       const Options &options) const;

    // A refused report as one Error for callers that have no room for the list (the summary,
    // without the problems' text).
    static Error summary(const Report &report);

private:
    const ServiceContext &m_context;
    UserDirectory m_users;
};

} // namespace gatehouse
