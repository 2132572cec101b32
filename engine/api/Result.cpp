#include "engine/api/Result.h"

namespace txs {

std::string Result::rowsText() const
{
    std::string out;
    for (std::size_t r = 0; r < rows.size(); ++r) {
        if (r) out += ", ";
        for (std::size_t c = 0; c < rows[r].size(); ++c) {
            if (c) out += '|';
            out += rows[r][c].display();
        }
    }
    return out;
}

std::string Result::rowsPreview(std::size_t maxChars) const
{
    if (columns.empty()) return {};
    if (rows.empty()) return "no rows";
    std::string out;
    for (std::size_t r = 0; r < rows.size(); ++r) {
        if (r) out += ", ";
        for (std::size_t c = 0; c < rows[r].size(); ++c) {
            if (c) out += '|';
            out += rows[r][c].display();
            if (out.size() > maxChars) {
                // Cut on a UTF-8 character boundary: a continuation byte is 10xxxxxx.
                std::size_t cut = maxChars;
                while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80)
                    --cut;
                out.resize(cut);
                return out + "\u2026 (" + std::to_string(rows.size()) +
                       (rows.size() == 1 ? " row)" : " rows)");
            }
        }
    }
    return out;
}

} // namespace txs
