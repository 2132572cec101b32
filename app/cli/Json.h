#pragma once
// The CLI's JSON: documents are built with nlohmann-json (keys in the order written) and printed
// with dumpJson. Text goes in through jsonText, so it follows the engine's one UTF-8 rule
// (engine/trace/JsonText: each byte of invalid UTF-8 becomes U+FFFD), the same as the trace
// exports; nlohmann then never meets invalid UTF-8.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace txs::cli {

using Json = nlohmann::ordered_json;

// `text` as a JSON string value, invalid UTF-8 replaced by the engine's rule.
Json jsonText(std::string_view text);

// A finite number rounded to three decimals (milliseconds to the microsecond are enough);
// NaN and infinities, which JSON cannot express, become 0.
Json jsonNumber(double value);

// The document, indented by two, with a final line break.
std::string dumpJson(const Json& document);

} // namespace txs::cli
