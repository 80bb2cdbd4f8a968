#include "RequestHeaders.h"

namespace gatehouse::server {

void RequestHeaders::reserve(qsizetype count, qsizetype bytes)
{
    m_fields.reserve(count);
    m_text.reserve(bytes);
}

void RequestHeaders::append(QByteArrayView name, QByteArrayView value)
{
    const qsizetype at = m_text.size();
    m_text.append(name);
    for (char *c = m_text.data() + at; c != m_text.data() + m_text.size(); ++c) {
        if (*c >= 'A' && *c <= 'Z')
            *c = char(*c - 'A' + 'a');
    }
    m_fields.append(Field{at, m_text.size(), value.size()});
    m_text.append(value);
}

QByteArrayView RequestHeaders::nameOf(const Field &field) const
{
    return QByteArrayView(m_text).sliced(field.name, field.nameSize());
}

QByteArrayView RequestHeaders::valueOf(const Field &field) const
{
    return QByteArrayView(m_text).sliced(field.value, field.valueSize);
}

QByteArrayView RequestHeaders::value(QByteArrayView name) const
{
    for (const Field &field : m_fields) {
        if (nameOf(field) == name)
            return valueOf(field);
    }
    return {};
}

QByteArray RequestHeaders::list(QByteArrayView name) const
{
    QByteArray joined;
    for (const Field &field : m_fields) {
        if (nameOf(field) != name)
            continue;
        if (!joined.isEmpty())
            joined.append(", ");
        joined.append(valueOf(field));
    }
    return joined;
}

} // namespace gatehouse::server
