#include "ApiClient.h"
#include "TestSupport.h"
#include "api/ApiRoutes.h"
#include "crypto/Otp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using namespace gatehouse;
using namespace gatehouse::test;

namespace {

const auto json = ApiClient::json;
const auto j = ApiClient::j;
const auto compact = ApiClient::compact;
const auto bearer = ApiClient::bearer;

// One request of the matrix: what to send, made fresh for each caller so that no caller's
// call depends on another's (a user deleted by the owner is not there for the admin).
struct Prepared {
    QByteArray method;
    QByteArray target;
    QByteArray body;
};

struct Case {
    QByteArray route; // "METHOD /template", as in the contract
    std::function<Prepared()> prepare;
    QStringList allowed; // callers that succeed; the others get `denied`
    int denied = 403;
    // Callers that may see the object: refused with 403 (saying why) instead of `denied`.
    QStringList seeing = {};
    // More to check on a success, e.g. that a caller without the permission changed nothing.
    std::function<bool(const QString &caller, const QJsonObject &answer)> check = {};
};

} // namespace

// The admin API through a real gatehouse-server: every admin route of the contract called by
// every kind of caller (owner, admin, operator, auditor, plain user, the owner's admin and
// admin:read service tokens, nobody), each getting exactly success, 403/404 or 401 (SEC-31,
// SEC-32, E9); then what the routes do, idempotency keys, and refusals of bad input.
class TestServerAdmin : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_database = ServerProcess::initStore(m_dir.filePath(QStringLiteral("store.db")),
                                              QStringLiteral("root"), m_password);
        QVERIFY(!m_database.isEmpty());
        // Password-only sessions act with their roles' permissions (the MFA step has its own
        // test below, with the policy back at its default).
        QVERIFY(requireMfaForNoRole(m_database));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("GATEHOUSE_DATABASE"), m_database);
        env.insert(QStringLiteral("GATEHOUSE_RATE_LIMIT"), QStringLiteral("0"));
        m_server =
            std::make_unique<ServerProcess>(env, QStringList{QStringLiteral("--insecure-http")},
                                            m_dir.filePath(QStringLiteral("admin.log")));
        QVERIFY2(m_server->started(), qPrintable(m_server->error()));

        m_callers.insert(QStringLiteral("owner"), bearer(login("root", m_password)));
        for (const char *role : {"admin", "operator", "auditor", "user"}) {
            const QByteArray name = QByteArray(role) + "1";
            QVERIFY(!createUserWithPassword(name, role).isEmpty());
            m_callers.insert(QString::fromLatin1(role), bearer(login(name, m_password)));
        }
        m_callers.insert(QStringLiteral("token:admin"), bearer(serviceToken("full", "admin")));
        m_callers.insert(QStringLiteral("token:admin:read"),
                         bearer(serviceToken("reader", "admin:read")));
        m_callers.insert(QStringLiteral("nobody"), QByteArray());
        for (const QByteArray &credential : m_callers)
            QVERIFY(credential.isEmpty() || credential.size() > 20);
    }

    void everyRouteAndCaller()
    {
        const QList<Case> cases = matrix();
        // Every admin route of the contract is in the matrix, and nothing else.
        QStringList contract;
        for (const api::ApiRoute &route : api::apiRoutes()) {
            if (route.access == api::RouteAccess::Admin)
                contract.append(QLatin1String(route.method) + QLatin1Char(' ')
                                + QLatin1String(route.path));
        }
        QStringList covered;
        for (const Case &entry : cases)
            covered.append(QString::fromLatin1(entry.route));
        contract.sort();
        covered.sort();
        QCOMPARE(covered, contract);

        QStringList wrong;
        for (const Case &entry : cases) {
            for (auto it = m_callers.cbegin(); it != m_callers.cend(); ++it) {
                const Prepared request = entry.prepare();
                const RawExchange answer =
                    call(request.method, request.target, request.body, it.value());
                int status = answer.status();
                // A bulk action answers 200 with a result per user.
                if (status == 200 && entry.route == "POST /admin/v1/users/bulk") {
                    const QJsonObject first = json(answer)[u"results"][0].toObject();
                    if (!first[u"ok"].toBool())
                        status =
                            httpStatus(*errorCodeFromName(first[u"error"][u"code"].toString()));
                }
                const int expected = it.key() == u"nobody" ? 401
                    : entry.allowed.contains(it.key())     ? 0
                    : entry.seeing.contains(it.key())      ? 403
                                                           : entry.denied;
                bool ok = expected == 0 ? status >= 200 && status < 300 : status == expected;
                if (ok && expected == 0 && entry.check)
                    ok = entry.check(it.key(), json(answer));
                if (!ok) {
                    wrong.append(QStringLiteral("%1 as %2: %3, expected %4")
                                     .arg(QString::fromLatin1(entry.route), it.key())
                                     .arg(status)
                                     .arg(expected == 0 ? QStringLiteral("2xx")
                                                        : QString::number(expected)));
                }
            }
        }
        for (const QString &line : wrong)
            qWarning("%s", qPrintable(line));
        QVERIFY(wrong.isEmpty());
    }

    // A retried creating request never creates twice (Idempotency-Key), and a key is bound to
    // its request.
    void idempotencyKeys()
    {
        const QByteArray body = j("{'name':'deploy bot','scopes':['introspect']}");
        const auto create = [&](const QByteArray &key, const QByteArray &payload) {
            return rawExchange(m_server->port(),
                               httpRequest("POST", "/admin/v1/tokens", payload,
                                           {{"Authorization", owner()},
                                            {"Content-Type", "application/json"},
                                            {"Idempotency-Key", key}}));
        };
        const int before = tokenCount();
        const RawExchange first = create("key-1", body);
        QCOMPARE(first.status(), 201);
        const RawExchange again = create("key-1", body);
        QCOMPARE(again.status(), 201);
        QCOMPARE(again.header("idempotent-replayed"), QByteArray("true"));
        QCOMPARE(json(again)[u"token"][u"id"], json(first)[u"token"][u"id"]);
        // The secret was shown once and is not kept, not even for a retry.
        QVERIFY(!json(first)[u"secret"].toString().isEmpty());
        QVERIFY(!json(again).contains(QStringLiteral("secret")));
        QCOMPARE(tokenCount(), before + 1);
        QCOMPARE(create("key-1", j("{'name':'another','scopes':['introspect']}")).status(), 400);
        QCOMPARE(create("key-2", body).status(), 201);
        QCOMPARE(tokenCount(), before + 2);
        QCOMPARE(create(QByteArray(201, 'k'), body).status(), 400);
        // A failed request leaves the key free: nothing was created.
        const QByteArray bad = j("{'name':'','scopes':['introspect']}");
        QCOMPARE(create("key-3", bad).status(), 400);
        QCOMPARE(create("key-3", bad).status(), 400);
        QVERIFY(create("key-3", bad).header("idempotent-replayed").isEmpty());
    }

    // Listing parameters are checked, not clamped or passed on (E16).
    void queryParametersAreChecked()
    {
        for (const QByteArray &query :
             {QByteArray("pageSize=-1"), QByteArray("pageSize=99999999999999999999"),
              QByteArray("pageSize=NaN"), QByteArray("pageSize=1e3"), QByteArray("pageSize=0"),
              QByteArray("status=deleted"), QByteArray("sort=password_hash"),
              QByteArray("lastLoginBefore=yesterday"), QByteArray("pageSize=5&pageSize=6"),
              QByteArray("role=root"), QByteArray("limit=5")}) {
            const RawExchange answer = call("GET", "/admin/v1/users?" + query, {}, owner());
            QVERIFY2(answer.status() == 400, query.constData());
        }
        const RawExchange page =
            call("GET", "/admin/v1/users?pageSize=2&sort=createdAt", {}, owner());
        QCOMPARE(page.status(), 200);
        QCOMPARE(json(page)[u"users"].toArray().size(), 2);
        const QByteArray next = json(page)[u"nextPageToken"].toString().toLatin1();
        QVERIFY(!next.isEmpty());
        QCOMPARE(
            call("GET", "/admin/v1/users?pageSize=2&sort=createdAt&pageToken=" + next, {}, owner())
                .status(),
            200);
    }

    // What the admin API does, read back through it: import, the credential report, the audit
    // lookup in LookupEvents form, policies.
    void routesDoWhatTheySay()
    {
        const RawExchange refused = call("POST", "/admin/v1/users/import",
                                         j("{'users':[{'username':'imp-a'},{'username':'imp-a'},{'"
                                           "username':'imp-b','roles':['wizard']}]}"),
                                         owner());
        QCOMPARE(refused.status(), 400);
        QVERIFY(json(refused)[u"error"][u"problems"].toArray().size() >= 2);
        QCOMPARE(call("GET", "/admin/v1/users?prefix=imp-", {}, owner()).body().count("imp-"), 0);
        const RawExchange imported = rawExchange(
            m_server->port(),
            httpRequest("POST", "/admin/v1/users/import", "username,email\nimp-c,c@example.com\n",
                        {{"Authorization", owner()}, {"Content-Type", "text/csv"}}));
        QCOMPARE(imported.status(), 201);
        QCOMPARE(json(imported)[u"created"].toInt(), 1);

        const RawExchange report = call("GET", "/admin/v1/reports/credentials", {}, owner());
        QCOMPARE(report.status(), 200);
        QVERIFY(report.header("content-type").startsWith("text/csv"));
        QVERIFY(report.body().contains("imp-c"));

        const RawExchange events = call("POST", "/admin/v1/audit/lookup",
                                        j("{'LookupAttributes':[{'AttributeKey':'EventName','"
                                          "AttributeValue':'ImportUsers'}],'MaxResults':10}"),
                                        owner());
        QCOMPARE(events.status(), 200);
        const QJsonArray found = json(events)[u"Events"].toArray();
        QVERIFY(!found.isEmpty());
        QCOMPARE(found[0][u"EventName"].toString(), QStringLiteral("ImportUsers"));
        QVERIFY(json(events).contains(QStringLiteral("NextToken")));
        QCOMPARE(call("POST", "/admin/v1/audit/lookup", j("{'MaxResults':0}"), owner()).status(),
                 400);
        QCOMPARE(call("POST", "/admin/v1/audit/lookup",
                      j("{'LookupAttributes':[{'AttributeKey':'Password','AttributeValue':'x'}]}"),
                      owner())
                     .status(),
                 400);

        QCOMPARE(call("GET", "/admin/v1/policies/nonsense", {}, owner()).status(), 404);
        QCOMPARE(call("PUT", "/admin/v1/policies/signup", j("{'enabled':'yes'}"), owner()).status(),
                 400);
        QCOMPARE(json(call("PUT", "/admin/v1/policies/signup", j("{'enabled':true}"),
                           owner()))[u"enabled"],
                 QJsonValue(true));
        QCOMPARE(json(call("GET", "/admin/v1/policies/signup", {}, owner()))[u"enabled"],
                 QJsonValue(true));

        const RawExchange verified = call("POST", "/admin/v1/audit/verify", {}, owner());
        QCOMPARE(verified.status(), 200);
        QVERIFY(json(verified)[u"ok"].toBool());
    }

    // Roles are read on every request (SEC-33, D6), and the MFA policy holds for admin calls
    // (D7): a password-only session of an administrator gets no admin permission.
    void changesApplyOnTheNextRequest()
    {
        const QByteArray name = uniqueName();
        const QByteArray id = createUserWithPassword(name, "admin");
        const QByteArray session = bearer(login(name, m_password));
        QCOMPARE(call("GET", "/admin/v1/users", {}, session).status(), 200);
        QCOMPARE(call("PUT", "/admin/v1/users/" + id + "/roles", j("{'roles':['user']}"), owner())
                     .status(),
                 200);
        QCOMPARE(call("GET", "/admin/v1/users", {}, session).status(), 403);

        QCOMPARE(call("PUT", "/admin/v1/policies/mfa",
                      j("{'requiredForRoles':['owner','admin','operator','auditor']}"), owner())
                     .status(),
                 200);
        const QByteArray admin = m_callers.value(QStringLiteral("admin"));
        const RawExchange refused = call("GET", "/admin/v1/users", {}, admin);
        QCOMPARE(refused.status(), 403);
        QVERIFY(json(refused)[u"error"][u"message"].toString().contains(QStringLiteral("MFA")));
        // Service tokens are a factor of their own.
        QCOMPARE(call("GET", "/admin/v1/users", {}, m_callers.value(QStringLiteral("token:admin")))
                     .status(),
                 200);
    }

private:
    int tokenCount()
    {
        return int(json(call("GET", "/admin/v1/tokens?pageSize=1000", {}, owner()))[u"tokens"]
                       .toArray()
                       .size());
    }

    // --- the matrix ---------------------------------------------------------------------------
    QList<Case> matrix()
    {
        const QStringList everyone{QStringLiteral("owner"),
                                   QStringLiteral("admin"),
                                   QStringLiteral("operator"),
                                   QStringLiteral("auditor"),
                                   QStringLiteral("user"),
                                   QStringLiteral("token:admin"),
                                   QStringLiteral("token:admin:read")};
        const QStringList readers{
            QStringLiteral("owner"),       QStringLiteral("admin"),
            QStringLiteral("operator"),    QStringLiteral("auditor"),
            QStringLiteral("token:admin"), QStringLiteral("token:admin:read")};
        const QStringList persons{QStringLiteral("owner"), QStringLiteral("admin"),
                                  QStringLiteral("operator"), QStringLiteral("auditor"),
                                  QStringLiteral("user")};
        // A token issues only scopes it holds itself: not the target's introspect.
        const QStringList rotators{QStringLiteral("owner"), QStringLiteral("admin"),
                                   QStringLiteral("operator")};
        const QStringList managers{QStringLiteral("owner"), QStringLiteral("admin"),
                                   QStringLiteral("token:admin")};
        const QStringList revokers{QStringLiteral("owner"), QStringLiteral("admin"),
                                   QStringLiteral("operator"), QStringLiteral("token:admin")};
        const QStringList auditReaders{QStringLiteral("owner"), QStringLiteral("admin"),
                                       QStringLiteral("auditor"), QStringLiteral("token:admin"),
                                       QStringLiteral("token:admin:read")};
        const QStringList auditManagers{QStringLiteral("owner"), QStringLiteral("admin"),
                                        QStringLiteral("auditor"), QStringLiteral("token:admin")};
        const auto fixed = [](QByteArray method, QByteArray target, QByteArray body = {}) {
            return [=] {
                return Prepared{method, target, body};
            };
        };
        const auto onUser = [this](QByteArray method, QByteArray suffix, QByteArray body = {}) {
            return [=, this] {
                return Prepared{method, "/admin/v1/users/" + newUser() + suffix, body};
            };
        };
        const auto onToken = [this](QByteArray method, QByteArray suffix, QByteArray body = {}) {
            return [=, this] {
                return Prepared{method, "/admin/v1/tokens/" + newToken() + suffix, body};
            };
        };
        const QByteArray importBody = j("{'users':[{'username':'imported-one'}]}");
        return {
            {"GET /admin/v1/users", fixed("GET", "/admin/v1/users"), readers},
            {"POST /admin/v1/users",
             [this] {
                 return Prepared{
                     "POST", "/admin/v1/users",
                     compact({{QStringLiteral("username"), QString::fromLatin1(uniqueName())}})};
             },
             managers},
            {"POST /admin/v1/users/import",
             fixed("POST", "/admin/v1/users/import?dryRun=true", importBody), managers},
            {"POST /admin/v1/users/bulk",
             [this] {
                 return Prepared{"POST", "/admin/v1/users/bulk",
                                 j("{'action':'disable','ids':['") + newUser() + j("']}")};
             },
             managers},
            {"GET /admin/v1/users/{id}", onUser("GET", ""), readers},
            {"PATCH /admin/v1/users/{id}", onUser("PATCH", "", j("{'displayName':'Changed'}")),
             managers},
            {"DELETE /admin/v1/users/{id}", onUser("DELETE", ""), managers},
            {"PUT /admin/v1/users/{id}/status",
             onUser("PUT", "/status", j("{'status':'disabled'}")), managers},
            {"PUT /admin/v1/users/{id}/roles", onUser("PUT", "/roles", j("{'roles':['auditor']}")),
             managers},
            {"POST /admin/v1/users/{id}/lock",
             onUser("POST", "/lock", j("{'until':'2099-01-01T00:00:00Z'}")), managers},
            {"POST /admin/v1/users/{id}/unlock", onUser("POST", "/unlock"), managers},
            {"POST /admin/v1/users/{id}/password-code", onUser("POST", "/password-code"), managers},
            {"POST /admin/v1/users/{id}/mfa/reset",
             [this] {
                 return Prepared{"POST", "/admin/v1/users/" + newUserWithMfa() + "/mfa/reset",
                                 j("{'reason':'lost phone'}")};
             },
             managers},
            // Without sessions:revoke another user's sessions are as hidden as a missing user's.
            {"POST /admin/v1/users/{id}/sessions/revoke",
             onUser("POST", "/sessions/revoke"),
             revokers,
             404,
             {QStringLiteral("token:admin:read")}},
            {"GET /admin/v1/reports/credentials", fixed("GET", "/admin/v1/reports/credentials"),
             readers},
            {"GET /admin/v1/sessions", fixed("GET", "/admin/v1/sessions"), everyone},
            // A caller without sessions:revoke may name others' sessions but revokes only
            // their own: none of these.
            {"POST /admin/v1/sessions/revoke",
             [this] {
                 return Prepared{"POST", "/admin/v1/sessions/revoke",
                                 j("{'ids':['") + newSession() + j("']}")};
             },
             persons + QStringList{QStringLiteral("token:admin")},
             403,
             {},
             [revokers](const QString &caller, const QJsonObject &answer) {
                 return answer[u"revoked"].toInt() == (revokers.contains(caller) ? 1 : 0);
             }},
            {"DELETE /admin/v1/sessions/{id}",
             [this] {
                 return Prepared{"DELETE", "/admin/v1/sessions/" + newSession(), {}};
             },
             revokers, 404},
            {"GET /admin/v1/tokens", fixed("GET", "/admin/v1/tokens"), everyone},
            {"POST /admin/v1/tokens",
             fixed("POST", "/admin/v1/tokens",
                   j("{'name':'made in the matrix','scopes':['introspect']}")),
             persons}, // a token issues only scopes it has itself, and admin:read changes nothing
            {"POST /admin/v1/tokens/purge", fixed("POST", "/admin/v1/tokens/purge"), revokers},
            // Others' tokens are hidden (404) from those who cannot read them.
            {"GET /admin/v1/tokens/{id}", onToken("GET", ""), readers, 404},
            {"DELETE /admin/v1/tokens/{id}", onToken("DELETE", ""), revokers, 404, readers},
            {"POST /admin/v1/tokens/{id}/rotate",
             onToken("POST", "/rotate", j("{'expectedGeneration':1}")), rotators, 404, readers},
            {"PUT /admin/v1/tokens/{id}/active", onToken("PUT", "/active", j("{'active':false}")),
             revokers, 404, readers},
            {"GET /admin/v1/keys", fixed("GET", "/admin/v1/keys"), auditReaders},
            {"POST /admin/v1/keys/rotate", fixed("POST", "/admin/v1/keys/rotate"), managers},
            {"POST /admin/v1/keys/purge", fixed("POST", "/admin/v1/keys/purge"), managers},
            {"POST /admin/v1/keys/{kid}/retire",
             [this] {
                 return Prepared{"POST", "/admin/v1/keys/" + verifyOnlyKey() + "/retire", {}};
             },
             managers},
            {"GET /admin/v1/policies/{name}", fixed("GET", "/admin/v1/policies/session"),
             auditReaders},
            {"PUT /admin/v1/policies/{name}",
             [this] {
                 return Prepared{
                     "PUT", "/admin/v1/policies/session",
                     compact(json(call("GET", "/admin/v1/policies/session", {}, owner())))};
             },
             managers},
            {"POST /admin/v1/audit/lookup",
             fixed("POST", "/admin/v1/audit/lookup", j("{'MaxResults':5}")), auditReaders},
            {"POST /admin/v1/audit/verify", fixed("POST", "/admin/v1/audit/verify"), auditManagers},
            {"GET /admin/v1/audit/checkpoints", fixed("GET", "/admin/v1/audit/checkpoints"),
             auditReaders},
            {"POST /admin/v1/audit/checkpoints", fixed("POST", "/admin/v1/audit/checkpoints"),
             auditManagers},
            {"GET /admin/v1/audit/keys", fixed("GET", "/admin/v1/audit/keys"), auditReaders},
            {"POST /admin/v1/audit/keys/rotate", fixed("POST", "/admin/v1/audit/keys/rotate"),
             auditManagers},
        };
    }

    // --- helpers ------------------------------------------------------------------------------
    RawExchange call(const QByteArray &method, const QByteArray &target, const QByteArray &body,
                     const QByteArray &authorization)
    {
        return ApiClient(m_server->port()).call(method, target, body, authorization);
    }

    QByteArray owner() const { return m_callers.value(QStringLiteral("owner")); }
    QByteArray uniqueName() { return "target-" + QByteArray::number(++m_serial); }

    QByteArray login(const QByteArray &username, const QByteArray &password)
    {
        return ApiClient(m_server->port()).login(username, password);
    }

    QByteArray newUser(const QByteArray &role = "user")
    {
        const RawExchange created =
            call("POST", "/admin/v1/users",
                 compact({{QStringLiteral("username"), QString::fromLatin1(uniqueName())},
                          {QStringLiteral("roles"), QJsonArray{QString::fromLatin1(role)}}}),
                 owner());
        return json(created)[u"id"].toString().toLatin1();
    }

    QByteArray createUserWithPassword(const QByteArray &username, const QByteArray &role)
    {
        return ApiClient(m_server->port())
            .createUserWithPassword(owner(), username, role, m_password);
    }

    // A session of a fresh user, by its id.
    QByteArray newSession()
    {
        const QByteArray name = uniqueName();
        const QByteArray id = createUserWithPassword(name, "user");
        login(name, m_password);
        const RawExchange sessions = call("GET", "/admin/v1/sessions?userId=" + id, {}, owner());
        return json(sessions)[u"sessions"][0][u"id"].toString().toLatin1();
    }

    QByteArray serviceToken(const char *name, const char *scope)
    {
        const RawExchange created =
            call("POST", "/admin/v1/tokens",
                 compact({{QStringLiteral("name"), QString::fromLatin1(name)},
                          {QStringLiteral("scopes"), QJsonArray{QString::fromLatin1(scope)}}}),
                 owner());
        return json(created)[u"secret"].toString().toLatin1();
    }

    // A token of a fresh plain user (an owner's tokens are for owners to rotate).
    QByteArray newToken()
    {
        const RawExchange created =
            call("POST", "/admin/v1/tokens",
                 compact({{QStringLiteral("name"), QStringLiteral("target")},
                          {QStringLiteral("scopes"), QJsonArray{QStringLiteral("introspect")}},
                          {QStringLiteral("ownerId"), QString::fromLatin1(newUser())}}),
                 owner());
        return json(created)[u"token"][u"id"].toString().toLatin1();
    }

    // A fresh user who turned MFA on, through the end-user API and a TOTP code.
    QByteArray newUserWithMfa()
    {
        const QByteArray name = uniqueName();
        const QByteArray id = createUserWithPassword(name, "user");
        const QByteArray session = bearer(login(name, m_password));
        const QJsonObject enrolment = json(
            call("POST", "/auth/mfa/enroll",
                 compact({{QStringLiteral("password"), QString::fromUtf8(m_password)}}), session));
        const QByteArray secret = base32Decode(enrolment[u"secret"].toString());
        const QString code = crypto::totp(secret, QDateTime::currentSecsSinceEpoch());
        const RawExchange confirmed =
            call("POST", "/auth/mfa/confirm", compact({{QStringLiteral("code"), code}}), session);
        return confirmed.status() == 200 ? id : QByteArray("no-mfa");
    }

    // A key that only verifies: rotate twice, take the older of the two new ones.
    QByteArray verifyOnlyKey()
    {
        call("POST", "/admin/v1/keys/rotate", {}, owner());
        call("POST", "/admin/v1/keys/rotate", {}, owner());
        const QJsonArray keys = json(call("GET", "/admin/v1/keys", {}, owner()))[u"keys"].toArray();
        for (const QJsonValue &key : keys) {
            if (key[u"status"].toString() == u"verify-only")
                return key[u"kid"].toString().toLatin1();
        }
        return "none";
    }

    const QByteArray m_password = "correct horse battery staple 42";
    QTemporaryDir m_dir;
    QString m_database;
    std::unique_ptr<ServerProcess> m_server;
    QMap<QString, QByteArray> m_callers;
    int m_serial = 0;
};

QTEST_GUILESS_MAIN(TestServerAdmin)
#include "TestServerAdmin.moc"
