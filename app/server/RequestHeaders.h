#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QVarLengthArray>

namespace gatehouse::server {

// A request's header fields, names in lower case, in one buffer: a browser sends a dozen
// fields, and a pair of byte arrays for each cost two allocations per field on every request.
class RequestHeaders
{
public:
    // Room for `count` fields of `bytes` name and value bytes in all, so appending does not
    // reallocate.
    void reserve(qsizetype count, qsizetype bytes);
    void append(QByteArrayView name, QByteArrayView value);

    // The value of the first field called `name` (lower case); empty if there is none. Valid
    // while these headers are.
    QByteArrayView value(QByteArrayView name) const;
    // Every value of `name`, in order, joined with ", " (RFC 9110 §5.3): for list fields such
    // as X-Forwarded-For, which a proxy may add as a line of its own.
    QByteArray list(QByteArrayView name) const;
    qsizetype size() const { return m_fields.size(); }

private:
    struct Field {
        qsizetype name;
        qsizetype value;
        qsizetype valueSize;
        qsizetype nameSize() const { return value - name; }
    };
    QByteArrayView nameOf(const Field &field) const;
    QByteArrayView valueOf(const Field &field) const;

    QByteArray m_text; // each field's name, then its value
    QVarLengthArray<Field, 12> m_fields;
};

} // namespace gatehouse::server
