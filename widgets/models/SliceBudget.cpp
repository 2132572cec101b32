#include "widgets/models/SliceBudget.h"

#include <chrono>

namespace txs::models {

std::int64_t SliceBudget::steadyNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

} // namespace txs::models
