#pragma once

#include "model/Result.h"
#include "model/Role.h"
#include "model/User.h"
#include "model/UserQuery.h"

#include <QList>
#include <QPair>
#include <QString>

#include <optional>

namespace gatehouse::ctl::UserSupport {

// Parsers for what `gatehousectl user` accepts on the command line; nullopt is a usage error.
std::optional<User::Status> parseStatus(QStringView text); // active, disabled
std::optional<bool> parseYesNo(QStringView text); // yes, no
std::optional<UserQuery::SortKey> parseSort(QStringView text); // username, email, created, ...
// Every name must be a role; duplicates collapse. nullopt names the first bad one in `bad`.
std::optional<QList<Role>> parseRoles(const QStringList &names, QString *bad);

// Whether `text` is a user id (a UUID in canonical form) rather than a name or e-mail.
bool looksLikeId(QStringView text);

// Text for a terminal: control and bidi-override characters from stored data (a display
// name, say) are replaced, so a value can never move the cursor, recolour or reorder output.
QString plain(const QString &text);

// One user as aligned "Label: value" lines.
QList<QPair<QString, QString>> describe(const User &user);
// Users as a plain-text table: username, e-mail, status, roles, last login.
QString table(const QList<User> &users);
// Rows of already plain text, the first one the header, in aligned columns.
QString textTable(const QList<QStringList> &rows);

} // namespace gatehouse::ctl::UserSupport
