#include "engine/api/Result.h"

namespace txs {

namespace {

// Appends the rows in the expectation syntax to `out`; stops, false, once `out` is longer than
// `maxChars` (the value that crossed it appended whole).
bool appendRowsText(const std::vector<Row>& rows, std::string& out, std::size_t maxChars)
{
    for (std::size_t r = 0; r < rows.size(); ++r) {
        if (r) out += ", ";
        for (std::size_t c = 0; c < rows[r].size(); ++c) {
            if (c) out += '|';
            out += rows[r][c].display();
            if (out.size() > maxChars) return false;
        }
    }
    return true;
}

} // namespace

std::string Result::rowsText() const
{
    std::string out;
    appendRowsText(rows, out, std::string::npos);
    return out;
}

std::string Result::rowsPreview(std::size_t maxChars) const
{
    if (columns.empty()) return {};
    if (rows.empty()) return "no rows";
    std::string out;
    if (appendRowsText(rows, out, maxChars)) return out;
    // Cut on a UTF-8 character boundary: a continuation byte is 10xxxxxx.
    std::size_t cut = maxChars;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80)
        --cut;
    out.resize(cut);
    return out + "\u2026 (" + std::to_string(rows.size()) + (rows.size() == 1 ? " row)" : " rows)");
}

} // namespace txs
