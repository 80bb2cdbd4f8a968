#include "ServerConfig.h"

#include "api/JsonReader.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QThread>

namespace gatehouse::server {

namespace {

struct Key {
    const char *file;
    const char *environment;
};

constexpr Key kKeys[] = {
    {"database", "GATEHOUSE_DATABASE"},
    {"listen", "GATEHOUSE_LISTEN"},
    {"tlsCertificate", "GATEHOUSE_TLS_CERT"},
    {"tlsKey", "GATEHOUSE_TLS_KEY"},
    {"dataKeyFile", "GATEHOUSE_DATA_KEY_FILE"},
    {"auditKeysFile", "GATEHOUSE_AUDIT_KEYS_FILE"},
    {"trustedProxies", "GATEHOUSE_TRUSTED_PROXIES"},
    {"corsOrigins", "GATEHOUSE_CORS_ORIGINS"},
    {"requestsPerSecond", "GATEHOUSE_RATE_LIMIT"},
    {"workers", "GATEHOUSE_WORKERS"},
    {"networkThreads", "GATEHOUSE_NETWORK_THREADS"},
    {"headerTimeout", "GATEHOUSE_HEADER_TIMEOUT"},
    {"maxConnectionsPerAddress", "GATEHOUSE_MAX_CONNECTIONS_PER_ADDRESS"},
    {"checkpointDir", "GATEHOUSE_CHECKPOINT_DIR"},
    {"checkpointInterval", "GATEHOUSE_CHECKPOINT_INTERVAL"},
};

Error invalid(const QString &key, const QString &expected)
{
    return makeError(ErrorCode::InvalidInput,
                     QStringLiteral("Configuration %1: %2").arg(key, expected));
}

QStringList listOf(const QString &value)
{
    QStringList items;
    for (const QString &item : value.split(QLatin1Char(','), Qt::SkipEmptyParts))
        items.append(item.trimmed());
    return items;
}

} // namespace

Result<ServerConfig> ServerConfig::load(const QString &file)
{
    ServerConfig config;
    if (!file.isEmpty()) {
        QFile input(file);
        if (!input.open(QIODevice::ReadOnly)) {
            return makeError(ErrorCode::InvalidInput,
                             QStringLiteral("Cannot read the configuration file %1: %2.")
                                 .arg(file, input.errorString()));
        }
        Result<QJsonValue> parsed = api::JsonReader::parse(input.read(1024 * 1024));
        if (!parsed || !parsed->isObject()) {
            return makeError(ErrorCode::InvalidInput,
                             QStringLiteral("The configuration file %1 must hold one JSON "
                                            "object: %2")
                                 .arg(file,
                                      parsed ? QStringLiteral("it holds something else.")
                                             : parsed.error().message));
        }
        const QJsonObject object = parsed->toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            bool known = false;
            for (const Key &key : kKeys)
                known = known || it.key() == QLatin1String(key.file);
            if (!known) {
                return invalid(it.key().left(64),
                               QStringLiteral("not a setting gatehouse-server knows."));
            }
            QString text;
            if (it->isString()) {
                text = it->toString();
            } else if (it->isDouble()) {
                text = QString::number(it->toDouble());
            } else if (it->isArray()) {
                QStringList items;
                for (const QJsonValue &item : it->toArray())
                    items.append(item.toString());
                text = items.join(QLatin1Char(','));
            } else {
                return invalid(it.key(), QStringLiteral("must be text, a number or a list."));
            }
            if (Result<void> done = config.set(it.key(), text); !done)
                return done.error();
        }
    }
    for (const Key &key : kKeys) {
        if (qEnvironmentVariableIsSet(key.environment)) {
            if (Result<void> done =
                    config.set(QLatin1String(key.file), qEnvironmentVariable(key.environment));
                !done)
                return done.error();
        }
    }
    return config;
}

Result<void> ServerConfig::set(const QString &key, const QString &value)
{
    if (key == u"database") {
        database = value;
    } else if (key == u"listen") {
        const qsizetype colon = value.lastIndexOf(QLatin1Char(':'));
        bool ok = false;
        const uint port = colon > 0 ? value.mid(colon + 1).toUInt(&ok) : 0;
        QString host = colon > 0 ? value.left(colon) : QString();
        if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
            host = host.mid(1, host.size() - 2);
        if (!ok || port > 65535 || QHostAddress(host).isNull())
            return invalid(key,
                           QStringLiteral("must be an IP address and a port, such as "
                                          "0.0.0.0:8443 or [::1]:8443."));
        listenHost = host;
        listenPort = quint16(port);
    } else if (key == u"tlsCertificate") {
        tlsCertificate = value;
    } else if (key == u"tlsKey") {
        tlsKey = value;
    } else if (key == u"dataKeyFile") {
        dataKeyFile = value;
    } else if (key == u"auditKeysFile") {
        auditKeysFile = value;
    } else if (key == u"checkpointDir") {
        checkpointDir = value;
    } else if (key == u"checkpointInterval") {
        bool ok = false;
        const int seconds = value.toInt(&ok);
        if (!ok || seconds < 0 || seconds > 31 * 86400)
            return invalid(key,
                           QStringLiteral("must be a number of seconds up to 31 days, 0 for "
                                          "checkpoints only on request and when stopping."));
        checkpointIntervalSeconds = seconds;
    } else if (key == u"trustedProxies") {
        trustedProxies.clear();
        for (const QString &item : listOf(value)) {
            QPair<QHostAddress, int> subnet = QHostAddress::parseSubnet(item);
            if (subnet.first.isNull()) {
                subnet = {QHostAddress(item),
                          QHostAddress(item).protocol() == QAbstractSocket::IPv6Protocol ? 128
                                                                                         : 32};
            }
            if (subnet.first.isNull())
                return invalid(key,
                               QStringLiteral("must list IP addresses or subnets "
                                              "(10.0.0.0/8)."));
            trustedProxies.append(subnet);
        }
    } else if (key == u"corsOrigins") {
        corsOrigins = listOf(value);
        for (const QString &origin : corsOrigins) {
            if (!origin.startsWith(u"https://") && !origin.startsWith(u"http://"))
                return invalid(key,
                               QStringLiteral("must list origins such as "
                                              "https://app.example.com."));
        }
    } else if (key == u"requestsPerSecond") {
        bool ok = false;
        requestsPerSecond = value.toDouble(&ok);
        if (!ok || requestsPerSecond < 0 || requestsPerSecond > 1e9)
            return invalid(key,
                           QStringLiteral("must be a number of requests per second, 0 "
                                          "for no limit."));
    } else {
        // The counts: workers, networkThreads, headerTimeout, maxConnectionsPerAddress.
        int &count = key == u"workers" ? workers
            : key == u"networkThreads" ? networkThreads
            : key == u"headerTimeout"  ? headerTimeoutSeconds
                                       : maxConnectionsPerAddress;
        bool ok = false;
        count = value.toInt(&ok);
        if (!ok || count < 1 || count > 100000)
            return invalid(key, QStringLiteral("must be a whole number from 1 to 100000."));
    }
    return {};
}

Result<void> ServerConfig::validate() const
{
    if (database.isEmpty()) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("No database: set GATEHOUSE_DATABASE (a SQLite file "
                                        "path or a postgresql:// URL) or \"database\" in the "
                                        "configuration file."));
    }
    if (checkpointIntervalSeconds && checkpointDir.isEmpty()) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("GATEHOUSE_CHECKPOINT_INTERVAL (\"checkpointInterval\") "
                                        "is set without GATEHOUSE_CHECKPOINT_DIR "
                                        "(\"checkpointDir\"): the server makes scheduled "
                                        "checkpoints only for a checkpoint folder. Set the "
                                        "folder too, or remove the interval."));
    }
    if (insecureHttp) {
        if (!QHostAddress(listenHost).isLoopback()) {
            return makeError(ErrorCode::InvalidInput,
                             QStringLiteral("--insecure-http serves only on a loopback address "
                                            "(127.0.0.1 or ::1); put TLS in front for anything "
                                            "else."));
        }
        return {};
    }
    if (tlsCertificate.isEmpty() || tlsKey.isEmpty()) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("TLS needs a certificate and a key: set "
                                        "GATEHOUSE_TLS_CERT and GATEHOUSE_TLS_KEY (PEM files)."));
    }
    return {};
}

} // namespace gatehouse::server
