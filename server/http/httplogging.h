#pragma once

#include <QLoggingCategory>

namespace bh::http {
// Logging category of the HTTP layer ("bh.http").
Q_DECLARE_LOGGING_CATEGORY(lcHttp)
} // namespace bh::http
