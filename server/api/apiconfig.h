#pragma once

#include <QByteArray>
#include <QStringList>

namespace bh::api {

// Configuration of the REST routes (PROTOCOL A.1, A.4). A value type.
struct ApiConfig
{
    // BOILERHOUSE_API_KEY: empty = development mode, no auth on REST.
    QByteArray apiKey;
    // CORS_ORIGIN: allowed origins ("*" allows any); empty = no CORS headers.
    QStringList corsOrigins;
};

} // namespace bh::api
