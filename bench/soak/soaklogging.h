#pragma once

#include <QLoggingCategory>

namespace bh::soak {
Q_DECLARE_LOGGING_CATEGORY(lcSoak)
}
