#pragma once

#include "model/Result.h"

#include <QString>

namespace gatehouse::StoreLocation {

// Where local mode keeps its store when nobody says otherwise: `gatehouse.db` in the console's
// application data folder (QStandardPaths::AppDataLocation of the application "gatehouse",
// e.g. ~/.local/share/gatehouse/gatehouse.db), the same for every Gatehouse program.
QString defaultSqlitePath();

// The store to use: an explicit path wins, then GATEHOUSE_DATABASE, then the default.
QString resolve(const QString &explicitPath);

// Creates the folder that will hold a store, private to its owner (0700), if it is missing.
Result<void> ensureFolder(const QString &storePath);

} // namespace gatehouse::StoreLocation
