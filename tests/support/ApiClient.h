#pragma once

#include "ServerProcess.h"

#include <QJsonObject>

namespace gatehouse::test {

// Calls a test's gatehouse-server the way a web application or the console would, one request
// per connection, over the raw-socket exchange (so tests see exactly what the server sent).
class ApiClient
{
public:
    explicit ApiClient(quint16 port)
        : m_port(port)
    {}

    // `authorization` is the whole header value ("Bearer ..."), empty for none; a body goes
    // as application/json unless `headers` says otherwise.
    RawExchange call(const QByteArray &method, const QByteArray &target,
                     const QByteArray &body = {}, const QByteArray &authorization = {},
                     QList<QPair<QByteArray, QByteArray>> headers = {}) const;

    // A session token, empty if the sign-in failed.
    QByteArray login(const QByteArray &username, const QByteArray &password) const;
    // A user made by `admin` (an Authorization value) who set `password` with their setup
    // code, as every new user does; their id, empty on failure.
    QByteArray createUserWithPassword(const QByteArray &admin, const QByteArray &username,
                                      const QByteArray &role, const QByteArray &password) const;

    static QByteArray bearer(const QByteArray &token)
    {
        return token.isEmpty() ? QByteArray() : "Bearer " + token;
    }
    static QJsonObject json(const RawExchange &exchange);
    static QByteArray compact(const QJsonObject &object);
    // JSON written with single quotes, to keep test bodies readable.
    static QByteArray j(const char *text) { return QByteArray(text).replace('\'', '"'); }

private:
    quint16 m_port;
};

} // namespace gatehouse::test
