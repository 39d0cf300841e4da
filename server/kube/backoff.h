#pragma once

#include "kube/backoffpolicy.h"

#include <QElapsedTimer>

#include <chrono>

namespace bh::kube {

// Exponential backoff with jitter following a BackoffPolicy.
class Backoff
{
public:
    explicit Backoff(BackoffPolicy policy = {});

    // Delay before the next attempt after a failure; advances the sequence.
    std::chrono::milliseconds next();
    // Restart from `initial` (called after resetAfter of healthy operation).
    void reset();
    int failures() const { return m_failures; }
    const BackoffPolicy &policy() const { return m_policy; }

private:
    BackoffPolicy m_policy;
    int m_failures = 0;
    QElapsedTimer m_sinceLast;
};

} // namespace bh::kube
