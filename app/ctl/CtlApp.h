#pragma once

#include <QStringList>

namespace gatehouse::ctl {

// Parses `gatehousectl [global options] <command> [command options]` and runs the command.
// Global options may also follow the command. Returns the process exit code.
int runCtl(const QStringList &arguments);

} // namespace gatehouse::ctl
