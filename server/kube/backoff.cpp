#include "kube/backoff.h"

#include <QRandomGenerator>

#include <algorithm>
#include <cmath>

namespace bh::kube {

Backoff::Backoff(BackoffPolicy policy)
    : m_policy(policy)
{ }

std::chrono::milliseconds Backoff::next()
{
    if (m_sinceLast.isValid() && m_sinceLast.elapsed() >= m_policy.resetAfter.count())
        m_failures = 0;
    m_sinceLast.start();
    const double base = double(m_policy.initial.count())
        * std::pow(std::max(1.0, m_policy.factor), std::min(m_failures, 62));
    const double capped = std::min(base, double(m_policy.max.count()));
    const double jittered = capped
        * (1.0 + std::max(0.0, m_policy.jitter) * QRandomGenerator::global()->generateDouble());
    ++m_failures;
    return std::chrono::milliseconds(qint64(jittered));
}

void Backoff::reset()
{
    m_failures = 0;
    m_sinceLast.invalidate();
}

} // namespace bh::kube
