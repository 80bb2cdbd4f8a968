#include "CtlCommand.h"

#include "CtlBackend.h"
#include "UserCommandSupport.h"
#include "auth/Jwt.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>

#include <cstdio>

namespace gatehouse::ctl {

namespace {

using UserSupport::plain;

const QCommandLineOption &kAs = signInOption();
const QCommandLineOption kFile{QStringLiteral("file"),
                               QStringLiteral("set: read the policy (one JSON object) from this "
                                              "file instead of standard input."),
                               QStringLiteral("path")};

// A policy is a few settings; anything larger is not one.
constexpr qsizetype kMaxDocumentBytes = 64 * 1024;

// One stored policy, read and replaced as the JSON of its toJson() and fromJson(); both calls
// are checked (policies:read, policies:write) and audited by the service that owns the policy.
// A new policy is one more row in policyKinds().
struct PolicyKind {
    QString name;
    QString summary;
    std::function<Result<QJsonObject>(AdminBackend &)> show;
    std::function<Result<QJsonObject>(AdminBackend &, const QJsonObject &)> set;
};

// A row of policyKinds() from the backend's pair of calls for `Policy`. fromJson() is strict
// (unknown keys, wrong types, out-of-range values are InvalidInput), and the service validates
// again before it stores.
template<typename Policy>
PolicyKind kind(QString name, QString summary, QFuture<Result<Policy>> (AdminBackend::*get)(),
                QFuture<Result<Policy>> (AdminBackend::*put)(const Policy &))
{
    const auto asJson = [](const Result<Policy> &policy) -> Result<QJsonObject> {
        if (!policy)
            return policy.error();
        return policy->toJson();
    };
    return PolicyKind{
        std::move(name), std::move(summary),
        [=](AdminBackend &backend) { return asJson(await((backend.*get)())); },
        [=](AdminBackend &backend, const QJsonObject &document) -> Result<QJsonObject> {
            Result<Policy> policy = Policy::fromJson(document);
            if (!policy)
                return policy.error();
            return asJson(await((backend.*put)(*policy)));
        }};
}

const QList<PolicyKind> &policyKinds()
{
    static const QList<PolicyKind> kinds{
        kind<PasswordPolicy>(QStringLiteral("password"),
                             QStringLiteral("minLength, minLengthWithMfa, maxBytes, "
                                            "requireComplexity, checkBlocklist, checkContext"),
                             &AdminBackend::passwordPolicy, &AdminBackend::setPasswordPolicy),
        kind<SessionPolicy>(QStringLiteral("session"),
                            QStringLiteral("idleTimeoutSeconds, absoluteLifetimeSeconds, "
                                           "maxSessionsPerUser, pendingMfaLifetimeSeconds, "
                                           "lastSeenWriteIntervalSeconds, retentionDays, "
                                           "reauthenticationWindowSeconds"),
                            &AdminBackend::sessionPolicy, &AdminBackend::setSessionPolicy),
        kind<MfaPolicy>(QStringLiteral("mfa"), QStringLiteral("requiredForRoles, issuer"),
                        &AdminBackend::mfaPolicy, &AdminBackend::setMfaPolicy),
        kind<ServiceTokenPolicy>(QStringLiteral("service-token"),
                                 QStringLiteral("maxLifetimeDays, defaultLifetimeDays, "
                                                "rotationAgeDays, retentionDays"),
                                 &AdminBackend::serviceTokenPolicy,
                                 &AdminBackend::setServiceTokenPolicy),
        kind<JwtPolicy>(QStringLiteral("jwt"),
                        QStringLiteral("issuer, audience, lifetimeSeconds, leewaySeconds"),
                        &AdminBackend::jwtPolicy, &AdminBackend::setJwtPolicy),
    };
    return kinds;
}

const PolicyKind *findKind(const QString &name)
{
    for (const PolicyKind &kind : policyKinds()) {
        if (kind.name == name)
            return &kind;
    }
    return nullptr;
}

QString kindNames()
{
    QStringList names;
    for (const PolicyKind &kind : policyKinds())
        names.append(kind.name);
    return names.join(QStringLiteral(", "));
}

// `head` then the comma-separated `list`, wrapped at 80 columns with the continuation lines
// indented: the parser prints the description as written.
QString wrapped(const QString &head, const QString &list)
{
    QString text = head;
    qsizetype column = head.size();
    const QStringList items = list.split(QStringLiteral(", "));
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QString item = items.at(i) + (i + 1 < items.size() ? QStringLiteral(",") : QString());
        if (column > head.size() && column + 1 + item.size() > 80) {
            text += QStringLiteral("\n    ");
            column = 4;
        } else if (column > head.size()) {
            text += u' ';
            ++column;
        }
        text += item;
        column += item.size();
    }
    return text;
}

QString description()
{
    QString text = QStringLiteral(
        "Show or change the stored policies as an administrator (--as USER, password from\n"
        "$GATEHOUSE_PASSWORD or stdin; or GATEHOUSE_TOKEN). Reading needs policies:read,\n"
        "changing policies:write; every change is audited.\n\n"
        "Actions:\n"
        "  gatehousectl policy show [NAME]\n"
        "      One policy, or all of them.\n"
        "  gatehousectl policy set NAME [--file FILE]\n"
        "      Replaces the policy with the JSON object in FILE or on standard input (then\n"
        "      the password must come from $GATEHOUSE_PASSWORD) and prints what was stored.\n"
        "      Settings left out take their defaults; unknown settings, wrong types and\n"
        "      out-of-range values are refused and nothing changes.\n\n"
        "Policies and their settings:");
    for (const PolicyKind &kind : policyKinds())
        text +=
            QStringLiteral("\n") + wrapped(QStringLiteral("  %1: ").arg(kind.name), kind.summary);
    return text;
}

QString shown(const QJsonValue &value)
{
    if (value.isBool())
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (value.isDouble())
        return QString::number(value.toDouble(), 'g', 15);
    if (value.isString())
        return plain(value.toString());
    if (value.isArray()) {
        QStringList items;
        for (const QJsonValue &item : value.toArray())
            items.append(shown(item));
        return items.join(QStringLiteral(", "));
    }
    return {};
}

QList<QPair<QString, QString>> fieldsOf(const QString &prefix, const QJsonObject &policy)
{
    QList<QPair<QString, QString>> fields;
    for (auto it = policy.begin(); it != policy.end(); ++it)
        fields.append({prefix + it.key(), shown(it.value())});
    return fields;
}

// The document for `policy set`: one JSON object, read strictly (no duplicate keys, UTF-8
// without a byte order mark), at most kMaxDocumentBytes.
Result<QJsonObject> readDocument(const QString &path)
{
    QFile file(path);
    const QString from = path.isEmpty() ? QStringLiteral("standard input") : plain(path);
    const bool opened =
        path.isEmpty() ? file.open(stdin, QIODevice::ReadOnly) : file.open(QIODevice::ReadOnly);
    if (!opened) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("Cannot read %1: %2.").arg(from, file.errorString()));
    }
    const QByteArray bytes = file.read(kMaxDocumentBytes + 1);
    if (bytes.size() > kMaxDocumentBytes) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("The policy read from %1 is larger than 64 KiB; a policy "
                                        "is a small JSON object.")
                             .arg(from));
    }
    Result<QJsonObject> document = Jwt::parseObject(bytes);
    if (!document) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("The policy read from %1 is not one strict JSON object: "
                                        "%2")
                             .arg(from, document.error().message));
    }
    return document;
}

int show(const CtlContext &context, AdminBackend &backend, const QString &name)
{
    if (!name.isEmpty()) {
        const PolicyKind *kind = findKind(name);
        Result<QJsonObject> policy = kind->show(backend);
        if (!policy)
            return context.output.failure(policy.error());
        return context.output.success(
            fieldsOf({}, *policy),
            QJsonObject{{QStringLiteral("name"), kind->name}, {QStringLiteral("policy"), *policy}});
    }
    QJsonObject all;
    QList<QPair<QString, QString>> fields;
    for (const PolicyKind &kind : policyKinds()) {
        Result<QJsonObject> policy = kind.show(backend);
        if (!policy)
            return context.output.failure(policy.error());
        all.insert(kind.name, *policy);
        fields += fieldsOf(kind.name + u'.', *policy);
    }
    return context.output.success(fields, QJsonObject{{QStringLiteral("policies"), all}});
}

int set(const CtlContext &context, AdminBackend &backend, const QString &name,
        const QJsonObject &document)
{
    const PolicyKind *kind = findKind(name);
    Result<QJsonObject> stored = kind->set(backend, document);
    if (!stored)
        return context.output.failure(stored.error());
    return context.output.success(
        fieldsOf({}, *stored),
        QJsonObject{{QStringLiteral("name"), kind->name}, {QStringLiteral("policy"), *stored}});
}

// Usage errors are found before anything is read, the store opened or a password asked for.
QString usageProblem(const QCommandLineParser &parser)
{
    const QStringList arguments = parser.positionalArguments();
    const QString action = arguments.value(0);
    if (action != u"show" && action != u"set")
        return QStringLiteral("policy needs an action: show or set; see 'gatehousectl policy "
                              "--help'.");
    const QString name = arguments.value(1);
    if (action == u"set" && name.isEmpty())
        return QStringLiteral("policy set needs a policy name: %1.").arg(kindNames());
    if (!name.isEmpty() && !findKind(name))
        return QStringLiteral("unknown policy '%1'; the policies are %2.")
            .arg(plain(name), kindNames());
    if (action == u"show" && parser.isSet(kFile))
        return QStringLiteral("--file belongs to 'policy set'.");
    if (!hasSignIn(parser))
        return QStringLiteral("policy needs --as USER (or a session or service token in "
                              "GATEHOUSE_TOKEN).");
    // Standard input cannot carry both the document and the password.
    if (action == u"set" && !parser.isSet(kFile) && parser.isSet(kAs)
        && qEnvironmentVariable("GATEHOUSE_PASSWORD").isEmpty()) {
        return QStringLiteral("policy set reads the policy from standard input, so the password "
                              "must come from GATEHOUSE_PASSWORD; or give the policy with "
                              "--file FILE.");
    }
    return {};
}

int run(const CtlContext &context, const QCommandLineParser &parser)
{
    if (const QString problem = usageProblem(parser); !problem.isEmpty())
        return context.output.usageError(problem);
    const QString action = parser.positionalArguments().first();
    const QString name = parser.positionalArguments().value(1);

    // The document is read, and refused if it is not JSON, before anyone signs in.
    QJsonObject document;
    if (action == u"set") {
        Result<QJsonObject> read = readDocument(parser.value(kFile));
        if (!read)
            return context.output.failure(read.error());
        document = *read;
    }
    Result<std::unique_ptr<CtlBackend>> opened =
        CtlBackend::openAs(context.storePath, parser.value(kAs));
    if (!opened)
        return context.output.failure(opened.error());
    AdminBackend &backend = (*opened)->backend();
    if (action == u"show")
        return show(context, backend, name);
    return set(context, backend, name, document);
}

} // namespace

QList<CtlCommand> policyCommands()
{
    return {CtlCommand{
        QStringLiteral("policy"),
        QString(u"Stored policies (--as USER): show [NAME], set NAME [--file FILE] (a JSON "
                u"object; prints what was stored). Policies: "
                + kindNames() + u'.'),
        [](QCommandLineParser &parser) {
            parser.setApplicationDescription(description());
            parser.addOptions({kAs, kFile});
            parser.addPositionalArgument(QStringLiteral("action"),
                                         QStringLiteral("show or set, then a policy name."),
                                         QStringLiteral("<show|set> [NAME]"));
        },
        run,
        2,
    }};
}

} // namespace gatehouse::ctl
