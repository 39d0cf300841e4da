#include "soaklogging.h"

namespace bh::soak {
Q_LOGGING_CATEGORY(lcSoak, "bh.soak", QtInfoMsg)
}
