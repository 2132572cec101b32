#pragma once
// All projections of one session, fed together: one pass over each event, in seq order, in
// the order the projections depend on each other (metrics read the transactions).

#include "engine/trace/ConnectionProjection.h"
#include "engine/trace/ExplanationProjection.h"
#include "engine/trace/LockProjection.h"
#include "engine/trace/MetricsProjection.h"
#include "engine/trace/StatementProjection.h"
#include "engine/trace/TransactionProjection.h"
#include "engine/trace/VersionProjection.h"

#include <cstdint>
#include <limits>
#include <vector>

namespace txs {

class SessionProjection
{
public:
    explicit SessionProjection(std::int64_t throughputBucketNs = 100'000'000) : metrics(throughputBucketNs) {}

    void apply(const Event& event);
    void apply(const std::vector<Event>& events, std::size_t from = 0, std::size_t to = SIZE_MAX);

    std::uint64_t nextSeq() const { return nextSeq_; } // seq after the last event applied
    std::uint64_t eventCount() const { return count_; }
    std::int64_t latestNs() const { return latestNs_; } // latest time applied; -1 before any

    ConnectionProjection connections;
    TransactionProjection transactions;
    VersionProjection versions;
    LockProjection locks;
    StatementProjection statements;
    ExplanationList explanations;
    MetricsProjection metrics;

private:
    std::uint64_t nextSeq_ = 0;
    std::uint64_t count_ = 0;
    std::int64_t latestNs_ = -1;
};

} // namespace txs
