#pragma once

#include <QLoggingCategory>

namespace bh::hub {
// "bh.ws": connections, closes and their reasons.
Q_DECLARE_LOGGING_CATEGORY(lcWs)
} // namespace bh::hub
