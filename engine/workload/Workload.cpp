#include "engine/workload/Workload.h"

#include <algorithm>

namespace txs {

const char* synchronousName(Synchronous s)
{
    switch (s) {
    case Synchronous::Off:
        return "off";
    case Synchronous::Normal:
        return "normal";
    case Synchronous::Full:
        return "full";
    }
    return "?";
}

std::vector<std::string> Workload::stepConnections() const
{
    std::vector<std::string> names;
    for (const Step& step : steps)
        if (std::find(names.begin(), names.end(), step.connection) == names.end())
            names.push_back(step.connection);
    return names;
}

int Workload::expectationCount() const
{
    auto count = [](const std::vector<Statement>& statements) {
        return static_cast<int>(std::count_if(statements.begin(), statements.end(),
                                              [](const Statement& s) { return s.expect.has_value(); }));
    };
    int n = 0;
    if (setup) n += count(setup->statements);
    for (const Step& step : steps)
        n += step.statement.expect ? 1 : 0;
    for (const WorkersBlock& block : workers)
        n += count(block.body);
    if (check) n += count(check->statements);
    return n;
}

} // namespace txs
