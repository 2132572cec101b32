#pragma once
// The two JSON pieces the CLI writes by hand: strings and numbers. Small enough not to need a
// JSON library, strict enough that any parser (QJsonDocument, jq, Python) accepts the output.

#include <string>
#include <string_view>

namespace txs::cli {

// `text` as a JSON string literal, quotes included. Control characters are escaped; bytes that
// are not valid UTF-8 (SQL text may hold anything) become U+FFFD, since JSON must be Unicode.
std::string jsonString(std::string_view text);

// A finite number with at most three decimals ("12.5", "0", "1234"); NaN and infinities, which
// JSON cannot express, become 0.
std::string jsonNumber(double value);

} // namespace txs::cli
