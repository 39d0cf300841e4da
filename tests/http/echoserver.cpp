#include "echoserver.h"

#include "http/httpresponse.h"

using namespace bh::http;

EchoServer::EchoServer(const Limits &limits, bool listen)
    : server(limits)
{
    server.setHandler([this](Responder *r) {
        seen.append(r->request());
        if (r->request().path().startsWith(QLatin1String("/defer"))) {
            deferred.append(r);
            return;
        }
        r->send(Response(200, r->request().methodName() + ' ' + r->request().path().toUtf8(),
                         "text/plain"));
    });
    if (listen && !server.listen())
        qFatal("listen failed: %s", qPrintable(server.errorString()));
}
