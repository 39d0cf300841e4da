#include "hub/hublogging.h"

namespace bh::hub {
Q_LOGGING_CATEGORY(lcWs, "bh.ws", QtInfoMsg)
} // namespace bh::hub
