#pragma once

#include "logformat.h"

#include <QHostAddress>
#include <QString>
#include <QStringList>

namespace bh::app {

// Everything boilerhouse-server is told at start (PROTOCOL A.1): each environment variable
// has a flag, a flag wins over its variable. A value type, produced by OptionsParser.
struct ServerOptions
{
    static constexpr quint16 DefaultPort = 3000; // PORT
    static constexpr const char *DefaultListenHost = "127.0.0.1"; // LISTEN_HOST
    static constexpr const char *DefaultNamespace = "boilerhouse"; // K8S_NAMESPACE
    // Largest --api-key-file read (the key is one line).
    static constexpr qint64 MaxApiKeyFileBytes = 64 * 1024;

    quint16 port = DefaultPort;
    QHostAddress listenAddress { QString::fromLatin1(DefaultListenHost) };
    QString listenHost = QString::fromLatin1(DefaultListenHost); // as given, for printing
    QString ns = QString::fromLatin1(DefaultNamespace);
    QByteArray apiKey; // empty = development mode (no REST auth)
    QStringList corsOrigins; // empty = no CORS
    QString kubeconfig; // --kubeconfig / KUBECONFIG (':'-list); empty = discovery
    QString context; // --context
    QString tlsCertFile; // --tls-cert (PEM); with --tls-key: serve HTTPS/WSS
    QString tlsKeyFile; // --tls-key (PEM)
    bool simulate = false; // --simulate: embedded simulator + demo scenario
    double simulateRate = 5; // --simulate-rate: scenario actions per second
    bool verbose = false; // --verbose: debug logging for bh.* categories
    // --ws-origins / BOILERHOUSE_WS_ORIGINS (PROTOCOL B.3): browser origins allowed to open
    // /ws, each "scheme://host[:port]"; empty = any origin.
    QStringList wsOrigins;
    // --ws-auth / BOILERHOUSE_WS_AUTH=1: /ws needs the API key too (needs an API key).
    bool wsAuth = false;
    LogFormat logFormat = LogFormat::Text; // --log-format / LOG_FORMAT: text (default) | json
};

} // namespace bh::app
