// escapeControls (app/cli/TerminalText.h), the CLI's guard against a result or error message
// driving the user's terminal: every byte string gives exactly what a byte-at-a-time reading of
// its contract gives (the oracle below), for seeded random strings rich in the cases that
// matter (C0 and C1 controls, DEL, valid and broken UTF-8, newlines and tabs), and the named
// cases read as the contract says.

#include "app/cli/TerminalText.h"

#include <QtTest>
#include <cstdio>
#include <random>
#include <string>

using txs::cli::escapeControls;

namespace {

// The contract, one byte or one UTF-8 sequence at a time: no fast path.
std::string oracle(std::string_view text, bool keepLines)
{
    std::string out;
    const auto escape = [&out](const char* format, unsigned value) {
        char buffer[8];
        std::snprintf(buffer, sizeof buffer, format, value);
        out += buffer;
    };
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            const bool kept = keepLines && (c == '\n' || c == '\t');
            if ((c < 0x20 && !kept) || c == 0x7F)
                escape("\\u%04x", c);
            else
                out += static_cast<char>(c);
            ++i;
            continue;
        }
        // The shortest valid UTF-8 form of a scalar value, decoded strictly.
        std::size_t n = 0;
        unsigned cp = 0, min = 0;
        if (c >= 0xC2 && c <= 0xDF)
            n = 2, cp = c & 0x1F, min = 0x80;
        else if (c >= 0xE0 && c <= 0xEF)
            n = 3, cp = c & 0x0F, min = 0x800;
        else if (c >= 0xF0 && c <= 0xF4)
            n = 4, cp = c & 0x07, min = 0x10000;
        bool valid = n > 0 && i + n <= text.size();
        for (std::size_t k = 1; valid && k < n; ++k) {
            const auto b = static_cast<unsigned char>(text[i + k]);
            valid = (b & 0xC0) == 0x80;
            cp = (cp << 6) | (b & 0x3F);
        }
        valid = valid && cp >= min && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
        if (!valid) {
            escape("\\x%02x", c);
            ++i;
        } else if (cp <= 0x9F) {
            escape("\\u%04x", cp);
            i += n;
        } else {
            out.append(text, i, n);
            i += n;
        }
    }
    return out;
}

} // namespace

class TstTerminalText : public QObject
{
    Q_OBJECT

private slots:
    void namedCases()
    {
        QCOMPARE(escapeControls("plain text, 100 % ASCII"), std::string("plain text, 100 % ASCII"));
        QCOMPARE(escapeControls("\x1b[2J"), std::string("\\u001b[2J"));
        QCOMPARE(escapeControls("a\nb\tc"), std::string("a\nb\tc"));
        QCOMPARE(escapeControls("a\nb\tc", false), std::string("a\\u000ab\\u0009c"));
        QCOMPARE(escapeControls("\x7f"), std::string("\\u007f"));
        QCOMPARE(escapeControls("\xc2\x9b"
                                "31m"),
                 std::string("\\u009b31m")); // C1 CSI
        QCOMPARE(escapeControls("caf\xc3\xa9 \xe2\x82\xac"), std::string("caf\xc3\xa9 \xe2\x82\xac"));
        QCOMPARE(escapeControls("\xff"
                                "a\xc3"),
                 std::string("\\xffa\\xc3")); // not UTF-8, cut short
        QCOMPARE(escapeControls(std::string_view("a\0b", 3)), std::string("a\\u0000b"));
        QCOMPARE(escapeControls(""), std::string());
    }

    void everyStringAsTheContractReadsIt()
    {
        // Bytes drawn mostly from the interesting ones, so that runs of plain text are short
        // and every boundary between a run and an escape is met many times.
        const unsigned char interesting[] = {'a',  ' ',  '~',  '\n', '\t', 0x00, 0x1b, 0x1f, 0x7f,
                                             0x80, 0x9b, 0xbf, 0xc2, 0xc3, 0xdf, 0xe0, 0xe2, 0xed,
                                             0xef, 0xf0, 0xf4, 0xf5, 0xff, 0xa0, 0x82, 0x9f};
        std::mt19937 random(20261206);
        for (int round = 0; round < 20000; ++round) {
            std::string text(random() % 24, '\0');
            for (char& byte : text)
                byte = random() % 3 == 0 ? static_cast<char>(random() % 256)
                                         : static_cast<char>(interesting[random() % sizeof interesting]);
            for (const bool keepLines : {true, false})
                QCOMPARE(escapeControls(text, keepLines), oracle(text, keepLines));
        }
    }
};

QTEST_MAIN(TstTerminalText)
#include "tst_terminal_text.moc"
