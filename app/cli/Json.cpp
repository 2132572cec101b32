#include "Json.h"

#include "engine/trace/JsonText.h"

#include <cmath>

namespace txs::cli {

Json jsonText(std::string_view text)
{
    return validUtf8(text);
}

Json jsonNumber(double value)
{
    if (!std::isfinite(value)) return 0;
    const double rounded = std::round(value * 1000.0) / 1000.0;
    if (rounded == std::floor(rounded) && std::fabs(rounded) < 9e15)
        return static_cast<std::int64_t>(rounded); // "12", not "12.0"; and never "-0"
    return rounded;
}

std::string dumpJson(const Json& document)
{
    // Strict: the text is valid UTF-8 by construction, so an error here is a bug, not input.
    return document.dump(2) + "\n";
}

} // namespace txs::cli
