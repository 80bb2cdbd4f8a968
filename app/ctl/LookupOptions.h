#pragma once

#include "CtlOutput.h"
#include "model/EventLookup.h"

#include <QCommandLineOption>
#include <QCommandLineParser>

namespace gatehouse::ctl {

// The options of `audit lookup` and `trail lookup`, which ask the same questions of different
// logs: --attr KEY=VALUE (repeatable), --start, --end, --text, --max, --next-token.
namespace LookupOptions {

void add(QCommandLineParser &parser);
// The lookup the options describe; InvalidInput (a usage error) for a malformed one.
Result<EventLookup> read(const QCommandLineParser &parser);
// Prints a page: LookupEvents' JSON with --json, else a table and how to get the next page.
int print(const CtlOutput &output, const EventPage &page);

} // namespace LookupOptions
} // namespace gatehouse::ctl
