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

} // namespace txs
