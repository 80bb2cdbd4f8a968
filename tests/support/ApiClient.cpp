#include "ApiClient.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace gatehouse::test {

RawExchange ApiClient::call(const QByteArray &method, const QByteArray &target,
                            const QByteArray &body, const QByteArray &authorization,
                            QList<QPair<QByteArray, QByteArray>> headers) const
{
    if (!authorization.isEmpty())
        headers.append(qMakePair(QByteArray("Authorization"), authorization));
    const bool typed = std::any_of(headers.begin(), headers.end(), [](const auto &header) {
        return header.first.toLower() == "content-type";
    });
    if (!body.isEmpty() && !typed)
        headers.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/json")));
    return rawExchange(m_port, httpRequest(method, target, body, headers));
}

QByteArray ApiClient::login(const QByteArray &username, const QByteArray &password) const
{
    const RawExchange answer =
        call("POST", "/auth/login",
             compact({{QStringLiteral("username"), QString::fromUtf8(username)},
                      {QStringLiteral("password"), QString::fromUtf8(password)}}));
    return json(answer)[u"token"].toString().toLatin1();
}

QByteArray ApiClient::createUserWithPassword(const QByteArray &admin, const QByteArray &username,
                                             const QByteArray &role,
                                             const QByteArray &password) const
{
    const RawExchange created =
        call("POST", "/admin/v1/users",
             compact({{QStringLiteral("username"), QString::fromUtf8(username)},
                      {QStringLiteral("roles"), QJsonArray{QString::fromLatin1(role)}}}),
             admin);
    const QByteArray id = json(created)[u"id"].toString().toLatin1();
    const QByteArray code =
        json(call("POST", "/admin/v1/users/" + id + "/password-code", {}, admin))[u"code"]
            .toString()
            .toLatin1();
    const RawExchange redeemed =
        call("POST", "/auth/password/reset",
             compact({{QStringLiteral("code"), QString::fromLatin1(code)},
                      {QStringLiteral("newPassword"), QString::fromUtf8(password)}}));
    return redeemed.status() == 200 ? id : QByteArray();
}

QJsonObject ApiClient::json(const RawExchange &exchange)
{
    return QJsonDocument::fromJson(exchange.body()).object();
}

QByteArray ApiClient::compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace gatehouse::test
