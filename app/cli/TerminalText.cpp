#include "TerminalText.h"

#include <cstdio>

namespace txs::cli {

namespace {

void appendEscape(std::string& out, const char* format, unsigned value)
{
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, format, value);
    out += buffer;
}

// Length of the valid UTF-8 sequence starting at text[i], or 0 when the bytes there are not one
// (overlong forms, surrogates and values past U+10FFFF included).
std::size_t utf8Length(std::string_view text, std::size_t i, unsigned& codePoint)
{
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned lead = byte(i);
    std::size_t n = 0;
    unsigned min = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
        n = 2, codePoint = lead & 0x1F, min = 0x80;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        n = 3, codePoint = lead & 0x0F, min = 0x800;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        n = 4, codePoint = lead & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (i + n > text.size()) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) return 0;
        codePoint = (codePoint << 6) | (byte(i + k) & 0x3F);
    }
    if (codePoint < min || codePoint > 0x10FFFF || (codePoint >= 0xD800 && codePoint <= 0xDFFF)) return 0;
    return n;
}

} // namespace

std::string escapeControls(std::string_view text, bool keepLines)
{
    // Printable ASCII (and, with keepLines, newline and tab) goes through as it is.
    const auto plain = [keepLines](unsigned char c) {
        return (c >= 0x20 && c < 0x7F) || (keepLines && (c == '\n' || c == '\t'));
    };
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        // A run of plain characters, nearly every byte of a log, is copied in one append: one
        // byte at a time, the CLI's output of a run of errors spent 12 % of its instructions here.
        std::size_t end = i;
        while (end < text.size() && plain(static_cast<unsigned char>(text[end])))
            ++end;
        out.append(text, i, end - i);
        i = end;
        if (i == text.size()) break;
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) { // a control character or DEL
            appendEscape(out, "\\u%04x", c);
            ++i;
            continue;
        }
        unsigned codePoint = 0;
        const std::size_t n = utf8Length(text, i, codePoint);
        if (n == 0) {
            appendEscape(out, "\\x%02x", c);
            ++i;
        } else if (codePoint <= 0x9F) {
            appendEscape(out, "\\u%04x", codePoint); // a C1 control: 0x9B is CSI, like ESC [
            i += n;
        } else {
            out.append(text, i, n);
            i += n;
        }
    }
    return out;
}

} // namespace txs::cli
