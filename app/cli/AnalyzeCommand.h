#pragma once
// `txscope-cli analyze SESSION [--json]`: the anomaly checker on a saved session (a log, so the
// same analysis as `run --anomalies`). Exit 0: serializable; 1: anomalies found; 2: bad input.

#include <string>
#include <vector>

namespace txs::cli {

// `args` after the word "analyze".
int analyzeCommand(const std::vector<std::string>& args);

} // namespace txs::cli
