#pragma once

#include "http/httplimits.h"
#include "http/httprequest.h"
#include "http/httpresponder.h"
#include "http/httpserver.h"

#include <QList>
#include <QPointer>

// The test server: answers "<METHOD> <path>" as text/plain; requests whose path starts with
// "/defer" are kept (deferred) for the test to answer. Records every request it saw.
class EchoServer
{
public:
    // listen: false leaves listening to the test (e.g. after setTlsConfiguration()).
    explicit EchoServer(const bh::http::Limits &limits = bh::http::Limits(), bool listen = true);

    bh::http::Server server;
    QList<bh::http::Request> seen;
    QList<QPointer<bh::http::Responder>> deferred;

    quint16 port() const { return server.serverPort(); }
};
