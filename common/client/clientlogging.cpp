#include "clientlogging.h"

namespace bh::client {
Q_LOGGING_CATEGORY(lcClient, "bh.client")
} // namespace bh::client
