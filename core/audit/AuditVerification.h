#pragma once

#include <QList>
#include <QString>

namespace gatehouse {

// What `verify` found. Every problem names the first sequence number it concerns and a kind a
// script can act on; `message` says it for a person.
struct AuditProblem {
    qint64 sequence = 0;
    QString kind; // see AuditVerifier for the kinds
    QString message;
};

struct AuditVerification {
    qint64 firstSequence = 0; // the records checked (first > last when there are none)
    qint64 lastSequence = 0;
    qint64 checkpointsChecked = 0;
    QList<AuditProblem> problems;

    bool ok() const { return problems.isEmpty(); }
};

} // namespace gatehouse
