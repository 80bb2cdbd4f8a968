#pragma once

#include "model/Result.h"

#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <optional>

namespace gatehouse::server {

// How gatehouse-server runs: from a JSON configuration file, then the environment, which
// wins (containers and systemd set it). Secrets are never in either: the TLS key and the data
// key are files named here.
//
//   file key           environment                  meaning
//   database           GATEHOUSE_DATABASE           SQLite path, or postgresql:// URL
//   listen             GATEHOUSE_LISTEN             host:port (default 127.0.0.1:8443)
//   tlsCertificate     GATEHOUSE_TLS_CERT           PEM certificate chain
//   tlsKey             GATEHOUSE_TLS_KEY            PEM private key
//   dataKeyFile        GATEHOUSE_DATA_KEY_FILE      the store's data key (default <db>.key)
//   auditKeysFile      GATEHOUSE_AUDIT_KEYS_FILE    audit checkpoint keys (default beside db)
//   trustedProxies     GATEHOUSE_TRUSTED_PROXIES    addresses/subnets whose X-Forwarded-For
//                                                   is believed (comma-separated)
//   corsOrigins        GATEHOUSE_CORS_ORIGINS       browser origins allowed to call the API
//   requestsPerSecond  GATEHOUSE_RATE_LIMIT         per client address (0 = off; default 50)
//   workers            GATEHOUSE_WORKERS            endpoint threads (default 4 x cores)
//   networkThreads     GATEHOUSE_NETWORK_THREADS    default: the core count
//   headerTimeout      GATEHOUSE_HEADER_TIMEOUT     seconds to send a request head, also the
//                                                   keep-alive idle time (default 10)
//   maxConnectionsPerAddress GATEHOUSE_MAX_CONNECTIONS_PER_ADDRESS (default 64)
//   checkpointDir      GATEHOUSE_CHECKPOINT_DIR     folder the server writes every audit
//                                                   checkpoint to, and checks the store
//                                                   against at start (none by default)
//   checkpointInterval GATEHOUSE_CHECKPOINT_INTERVAL seconds between scheduled checkpoints
//                                                   with a checkpoint folder (default 3600;
//                                                   0: only on request and when stopping)
struct ServerConfig {
    QString database;
    QString listenHost = QStringLiteral("127.0.0.1");
    quint16 listenPort = 8443;
    QString tlsCertificate;
    QString tlsKey;
    QString dataKeyFile;
    QString auditKeysFile;
    QList<QPair<QHostAddress, int>> trustedProxies;
    QStringList corsOrigins;
    double requestsPerSecond = 50;
    int workers = 0;
    int networkThreads = 0;
    int headerTimeoutSeconds = 10;
    int maxConnectionsPerAddress = 64;
    QString checkpointDir;
    // Unset: kDefaultCheckpointIntervalSeconds. Kept apart so a setting without a folder is
    // refused rather than ignored.
    std::optional<int> checkpointIntervalSeconds;
    static constexpr int kDefaultCheckpointIntervalSeconds = 3600;
    bool insecureHttp = false; // only from the command line, never from a file

    // Reads `file` (may be empty: none) and then the environment. Every problem is
    // InvalidInput naming the key and what is expected.
    static Result<ServerConfig> load(const QString &file);

    // The rules that need the whole configuration: a database, TLS files unless
    // --insecure-http, and plain HTTP only on a loopback address.
    Result<void> validate() const;

private:
    Result<void> set(const QString &key, const QString &value);
};

} // namespace gatehouse::server
