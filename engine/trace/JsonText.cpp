#include "engine/trace/JsonText.h"

#include <charconv>

namespace txs {

namespace {

// Length of the well-formed UTF-8 sequence starting at text[i] (Unicode 15, table 3-7: no
// overlong forms, no surrogates, nothing above U+10FFFF), or 0 when it is not one.
std::size_t utf8SequenceLength(std::string_view text, std::size_t i)
{
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    std::size_t length = 0;
    unsigned char secondMin = 0x80, secondMax = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF)
        length = 2;
    else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0) secondMin = 0xA0;
        if (lead == 0xED) secondMax = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0) secondMin = 0x90;
        if (lead == 0xF4) secondMax = 0x8F;
    } else
        return 0;
    if (i + length > text.size()) return 0;
    if (byte(i + 1) < secondMin || byte(i + 1) > secondMax) return 0;
    for (std::size_t k = 2; k < length; ++k)
        if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
    return length;
}

} // namespace

// Runs of ASCII are found first and appended with one append each: the exporters call this for
// every text of every event, and a byte at a time (push_back) dominated their profile.
void appendValidUtf8(std::string& out, std::string_view text)
{
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t run = i;
        while (i < text.size() && static_cast<unsigned char>(text[i]) < 0x80)
            ++i;
        if (i > run) out.append(text.data() + run, i - run);
        if (i == text.size()) break;
        const std::size_t length = utf8SequenceLength(text, i);
        if (length == 0) {
            out += "\xEF\xBF\xBD"; // U+FFFD REPLACEMENT CHARACTER, one for each bad byte
            ++i;
        } else {
            out.append(text.data() + i, length);
            i += length;
        }
    }
}

std::string validUtf8(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    appendValidUtf8(out, text);
    return out;
}

const char* shortEscape(char c)
{
    switch (c) {
    case '"':
        return "\\\"";
    case '\\':
        return "\\\\";
    case '\n':
        return "\\n";
    case '\r':
        return "\\r";
    case '\t':
        return "\\t";
    case '\b':
        return "\\b";
    case '\f':
        return "\\f";
    default:
        return nullptr;
    }
}

void appendJsonEscaped(std::string& out, std::string_view text)
{
    static constexpr char kHex[] = "0123456789abcdef";
    out.reserve(out.size() + text.size());
    // Bytes that need no escape are passed to appendValidUtf8 a run at a time; a quote, a
    // backslash or a control character ends the run (none of them can be inside a UTF-8 sequence,
    // so splitting there validates exactly as validating the whole text would).
    std::size_t plain = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        appendValidUtf8(out, text.substr(plain, i - plain));
        plain = i + 1;
        if (const char* escape = shortEscape(text[i])) {
            out += escape;
        } else {
            const char unicode[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
            out.append(unicode, sizeof unicode);
        }
    }
    appendValidUtf8(out, text.substr(plain));
}

void appendJsonString(std::string& out, std::string_view text)
{
    out += '"';
    appendJsonEscaped(out, text);
    out += '"';
}

void appendInteger(std::string& out, std::int64_t value)
{
    char digits[24]; // 20 digits and a sign at most
    const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
    out.append(digits, end);
}

void appendMicros(std::string& out, std::int64_t ns)
{
    // Integer arithmetic: a double would print 1e+06-style or lose nanoseconds on long runs.
    std::uint64_t magnitude = ns < 0 ? 0 - static_cast<std::uint64_t>(ns) : static_cast<std::uint64_t>(ns);
    // One append of a stack buffer: std::to_string's temporary string per number showed in the
    // exporter's profile (several numbers per event).
    char text[32];
    char* end = text;
    if (ns < 0) *end++ = '-';
    end = std::to_chars(end, text + sizeof text, magnitude / 1000).ptr;
    const auto fraction = static_cast<unsigned>(magnitude % 1000);
    *end++ = '.';
    *end++ = static_cast<char>('0' + fraction / 100);
    *end++ = static_cast<char>('0' + fraction / 10 % 10);
    *end++ = static_cast<char>('0' + fraction % 10);
    out.append(text, end);
}

} // namespace txs
