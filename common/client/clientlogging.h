#pragma once

#include <QLoggingCategory>

namespace bh::client {
// "bh.client": snapshot, stream and reconnect decisions of the client library.
Q_DECLARE_LOGGING_CATEGORY(lcClient)
} // namespace bh::client
