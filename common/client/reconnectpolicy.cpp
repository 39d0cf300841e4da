#include "reconnectpolicy.h"

#include <QtGlobal>

#include <algorithm>
#include <cmath>

namespace bh::client {

std::chrono::milliseconds ReconnectPolicy::delayForAttempt(int attempt) const
{
    const double initial = double(std::max<qint64>(0, initialDelay.count()));
    const double cap = double(std::max<qint64>(0, maxDelay.count()));
    const double factor = std::max(1.0, multiplier);
    const int n = std::max(0, attempt);
    // initial * factor^n, computed in double and capped before converting back (no overflow).
    const double delay = std::min(cap, initial * std::pow(factor, double(n)));
    return std::chrono::milliseconds(static_cast<qint64>(std::isfinite(delay) ? delay : cap));
}

bool ReconnectPolicy::isValid() const
{
    return initialDelay.count() >= 0 && maxDelay >= initialDelay && multiplier >= 1.0;
}

} // namespace bh::client
