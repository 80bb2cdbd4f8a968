#pragma once

#include "ServerConfig.h"

#include <QStringList>

namespace gatehouse::server {

// The two things gatehouse-server does: serve the API until SIGTERM, and `init` (a new store
// and its first owner). Both return the process's exit status and report problems on stderr.
namespace ServerApp {

int serve(const ServerConfig &config);
// The owner's password comes from stdin (never argv, SEC-12: no default credentials).
int init(const ServerConfig &config, const QString &owner, const QString &email);

} // namespace ServerApp

} // namespace gatehouse::server
