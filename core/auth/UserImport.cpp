#include "UserImport.h"

#include "AccessControl.h"
#include "UserRows.h"
#include "UsernameProfile.h"
#include "crypto/PasswordHasher.h"

#include <QHash>
#include <QJsonArray>

#include <limits>

namespace gatehouse {

namespace {

constexpr auto kUserResource = "Gatehouse::User";
constexpr auto kDryRunSavepoint = "user_import_dry_run";

using crypto::PasswordHasher;

// Every problem counts; the first kMaxProblems are kept for the report.
struct Problems {
    QList<ImportProblem> kept;
    int count = 0;

    void add(const ImportRecord &record, const QString &field, const QString &message)
    {
        add(ImportProblem{record.number, record.line, field, message});
    }
    void add(const ImportProblem &problem)
    {
        if (kept.size() < UserImport::kMaxProblems)
            kept.append(problem);
        ++count;
    }
};

QString quotedOrNothing(QStringView name)
{
    const QString shown = UserImportFile::shownName(name);
    return shown.isEmpty() ? QString() : QStringLiteral(" '%1'").arg(shown);
}

std::optional<QList<Role>> importRoles(const ImportRecord &record,
                                       const AccessControl::Grant &grant, Problems &problems)
{
    QList<Role> roles;
    for (const QString &name : record.roles.value_or(QStringList())) {
        const std::optional<Role> role = roleFromName(name);
        if (!role) {
            problems.add(record, QStringLiteral("roles"),
                         QStringLiteral("Unknown role%1; the roles are owner, admin, operator, "
                                        "auditor and user (in CSV, separated by ';').")
                             .arg(quotedOrNothing(name)));
            return std::nullopt;
        }
        roles.append(*role);
    }
    roles = UserDirectory::normalizedRoles(roles);
    // The same rule as giving the roles one user at a time: nothing above the caller's own.
    for (const Role role : roles) {
        if (!AccessControl::mayAssign(grant, role)) {
            problems.add(record, QStringLiteral("roles"),
                         QStringLiteral("You cannot give the role %1.").arg(roleName(role)));
            return std::nullopt;
        }
    }
    return roles;
}

std::optional<User::Status> importStatus(const ImportRecord &record, Problems &problems)
{
    if (record.status.isEmpty() || record.status == u"active")
        return User::Status::Active;
    if (record.status == u"disabled")
        return User::Status::Disabled;
    problems.add(record, QStringLiteral("status"), QStringLiteral("Must be active or disabled."));
    return std::nullopt;
}

// The stored form of the hash (null for none), or nullopt after a problem. The messages say
// what is wrong with the hash and never repeat any of it.
std::optional<QVariant> importHash(const ImportRecord &record, Problems &problems)
{
    if (record.passwordHash.isEmpty())
        return QVariant();
    const QString field = QStringLiteral("passwordHash");
    const Result<PasswordHasher::StoredForm> form = PasswordHasher::inspect(record.passwordHash);
    if (!form) {
        problems.add(record, field,
                     QStringLiteral("Not an scrypt hash in PHC form ($scrypt$ln=..,r=..,p=..$salt"
                                    "$hash, unpadded base64) or Node's salt:hash form (padded "
                                    "base64, 64-byte key)."));
        return std::nullopt;
    }
    const PasswordHasher::Parameters &params = form->parameters;
    if (!PasswordHasher::withinCeiling(params)) {
        problems.add(record, field,
                     QStringLiteral("Its scrypt parameters are outside what Gatehouse verifies "
                                    "(N from 2 to 2^%1, r from 1 to %2, p from 1 to %3, at most "
                                    "%4 MiB, N below 2^(16r)); leave the hash out and issue a "
                                    "setup code.")
                         .arg(PasswordHasher::kMaxLog2N)
                         .arg(PasswordHasher::kMaxR)
                         .arg(PasswordHasher::kMaxP)
                         .arg(PasswordHasher::kMaxMemoryBytes / (1024 * 1024)));
        return std::nullopt;
    }
    if ((quint64{1} << params.log2N) * params.r * params.p < UserImport::kMinImportWork) {
        problems.add(record, field,
                     QStringLiteral("Its scrypt parameters are weaker than Node's defaults "
                                    "(N=2^14, r=8, p=1); leave the hash out and issue a setup "
                                    "code."));
        return std::nullopt;
    }
    return QVariant(record.passwordHash);
}

// Conflict from a uniqueness check is the record's problem; anything else ends the import.
Result<bool> checkFree(const Result<void> &free, const ImportRecord &record, const QString &field,
                       Problems &problems)
{
    if (free)
        return true;
    if (free.error().code != ErrorCode::Conflict)
        return free.error();
    problems.add(record, field, free.error().message);
    return false;
}

// One file against the rules, the other records and the store, inside one transaction.
// Checking goes on after a problem, so the report lists them all; inserting stops, since
// nothing will be kept.
class Checker
{
public:
    Checker(SqlTransaction &tx, const AccessControl::Grant &grant, const UserDirectory &users)
        : m_tx(tx),
          m_grant(grant),
          m_users(users)
    {}

    Problems problems;
    QList<User> created;
    int withPasswordHash = 0;

    Result<void> add(const ImportRecord &record)
    {
        std::optional<UserDirectory::PreparedUser> user = prepare(record);
        if (!user)
            return {};
        // After any problem nothing will be kept: check the rest against the store, insert no
        // more.
        if (problems.count > 0)
            return checkAgainstStore(record, *user);
        // insertPrepared() checks uniqueness itself; only a refusal needs them again, to say
        // which field it was.
        Result<User> inserted = m_users.insertPrepared(m_tx, *user);
        if (!inserted && inserted.error().code == ErrorCode::Conflict) {
            const int before = problems.count;
            if (Result<void> checked = checkAgainstStore(record, *user); !checked)
                return checked;
            // A conflict the checks cannot place still refuses the whole import.
            if (problems.count == before)
                problems.add(record, {}, inserted.error().message);
            return {};
        }
        if (!inserted)
            return inserted.error();
        created.append(*inserted);
        if (!user->passwordHash.isNull())
            ++withPasswordHash;
        return {};
    }

private:
    // The directory's uniqueness rules against what the store holds (including the file's
    // earlier users, inserted in this transaction): a conflict is the record's problem.
    Result<void> checkAgainstStore(const ImportRecord &record,
                                   const UserDirectory::PreparedUser &user)
    {
        Result<bool> usernameFree = checkFree(UserDirectory::checkUsernameFree(m_tx, user.username),
                                              record, QStringLiteral("username"), problems);
        if (!usernameFree)
            return usernameFree.error();
        Result<bool> emailFree = checkFree(UserDirectory::checkEmailFree(m_tx, user.email.key),
                                           record, QStringLiteral("email"), problems);
        if (!emailFree)
            return emailFree.error();
        return {};
    }

    // Every field by the directory's rules, and uniqueness within the file; nullopt after
    // any problem (all of the record's problems are added).
    std::optional<UserDirectory::PreparedUser> prepare(const ImportRecord &record)
    {
        const int before = problems.count;
        Result<QString> username = UsernameProfile::prepare(record.username);
        if (!username)
            problems.add(record, QStringLiteral("username"), username.error().message);
        Result<UserDirectory::PreparedEmail> email = UserDirectory::prepareEmail(record.email);
        if (!email)
            problems.add(record, QStringLiteral("email"), email.error().message);
        Result<QString> displayName = UserDirectory::prepareDisplayName(record.displayName);
        if (!displayName)
            problems.add(record, QStringLiteral("displayName"), displayName.error().message);
        const std::optional<QList<Role>> roles = importRoles(record, m_grant, problems);
        const std::optional<User::Status> status = importStatus(record, problems);
        const std::optional<QVariant> hash = importHash(record, problems);
        if (username) {
            const int first = m_usernames.value(*username, 0);
            if (first != 0) {
                problems.add(
                    record, QStringLiteral("username"),
                    QStringLiteral("The same username as user %1 of the file.").arg(first));
            } else {
                m_usernames.insert(*username, record.number);
            }
        }
        if (email && !email->key.isNull()) {
            const QString key = email->key.toString();
            const int first = m_emailKeys.value(key, 0);
            if (first != 0) {
                problems.add(
                    record, QStringLiteral("email"),
                    QStringLiteral("The same e-mail address as user %1 of the file.").arg(first));
            } else {
                m_emailKeys.insert(key, record.number);
            }
        }
        if (problems.count != before)
            return std::nullopt;
        UserDirectory::PreparedUser user;
        user.username = *username;
        user.email = *email;
        user.displayName = *displayName;
        user.roles = *roles;
        user.status = *status;
        user.passwordHash = *hash;
        return user;
    }

    SqlTransaction &m_tx;
    const AccessControl::Grant &m_grant;
    const UserDirectory &m_users;
    // Prepared username / e-mail uniqueness key -> the first record that has it.
    QHash<QString, int> m_usernames;
    QHash<QString, int> m_emailKeys;
};

Result<void> exec(SqlTransaction &tx, const QString &statement)
{
    Result<QSqlQuery> done = tx.exec(statement);
    if (!done)
        return done.error();
    return {};
}

} // namespace

Error UserImport::summary(const Report &report)
{
    return makeError(ErrorCode::InvalidInput,
                     QStringLiteral("The file has %1 problem(s) in its %2 user(s); nothing was "
                                    "imported. Fix them and import the whole file again.")
                         .arg(report.problemCount)
                         .arg(report.records));
}

Result<UserImport::Report> UserImport::run(const Actor &actor, const QByteArray &document,
                                           const Options &options) const
{
    AuditEvent event;
    event.eventName = QStringLiteral("ImportUsers");
    event.actor = actor;
    event.readOnly = options.dryRun;
    event.requestParameters = {
        {QStringLiteral("format"), UserImportFile::formatName(options.format)},
        {QStringLiteral("dryRun"), options.dryRun},
        {QStringLiteral("bytes"), document.size()}};
    // Filled in when records break the rules: the transaction is then rolled back (and the
    // refusal recorded) by returning an error, and the caller gets this report instead.
    std::optional<Report> refused;
    Result<Report> done = m_context.perform<Report>(
        event, Store::Access::Write, [&](SqlTransaction &tx, AuditEvent &ev) -> Result<Report> {
            Result<AccessControl::Grant> grant =
                AccessControl::require(tx, actor, Permission::UsersCreate);
            if (!grant)
                return grant.error();
            // Read only now, so a caller without the permission learns nothing from the file.
            Result<ImportFile> file = UserImportFile::parse(document, options.format);
            if (!file)
                return file.error();
            Report report;
            report.dryRun = options.dryRun;
            report.records = file->users;
            ev.requestParameters.insert(QStringLiteral("records"), report.records);
            if (report.records == 0) {
                return makeError(ErrorCode::InvalidInput,
                                 QStringLiteral("The file holds no users."));
            }
            if (options.dryRun) {
                if (Result<void> saved = exec(
                        tx,
                        QStringLiteral("SAVEPOINT %1").arg(QString::fromLatin1(kDryRunSavepoint)));
                    !saved) {
                    return saved.error();
                }
            }
            Checker checker(tx, *grant, m_users);
            // In file order: the reader's problems (for records it could not read, which are
            // not among file->records) merged with those of the rules.
            qsizetype unread = 0;
            const auto addUnreadBefore = [&](int number) {
                for (; unread < file->problems.size() && file->problems.at(unread).record < number;
                     ++unread) {
                    checker.problems.add(file->problems.at(unread));
                }
            };
            for (const ImportRecord &record : file->records) {
                addUnreadBefore(record.number);
                if (Result<void> added = checker.add(record); !added)
                    return added.error();
            }
            addUnreadBefore(std::numeric_limits<int>::max());
            if (checker.problems.count > 0) {
                report.problems = checker.problems.kept;
                report.problemCount = checker.problems.count;
                refused = report;
                return summary(report);
            }
            if (options.dryRun) {
                const QString name = QString::fromLatin1(kDryRunSavepoint);
                if (Result<void> undone = exec(tx, QStringLiteral("ROLLBACK TO %1").arg(name));
                    !undone) {
                    return undone.error();
                }
                if (Result<void> released = exec(tx, QStringLiteral("RELEASE %1").arg(name));
                    !released) {
                    return released.error();
                }
                for (User &user : checker.created)
                    user.id.clear();
            }
            report.users = checker.created;
            report.withPasswordHash = checker.withPasswordHash;
            QJsonArray usernames;
            for (const User &user : report.users) {
                usernames.append(user.username);
                if (!options.dryRun)
                    ev.resources.append({QString::fromLatin1(kUserResource), user.id});
            }
            ev.responseElements = {
                {QStringLiteral("created"), options.dryRun ? 0 : int(report.users.size())},
                {QStringLiteral("valid"), int(report.users.size())},
                {QStringLiteral("withPasswordHash"), report.withPasswordHash},
                {QStringLiteral("usernames"), usernames}};
            return report;
        });
    if (!done && refused)
        return *refused;
    return done;
}

} // namespace gatehouse
