#include "widgets/record/CommandWords.h"

namespace txs::record_view {

CommandWords splitCommandWords(const QString& line)
{
    CommandWords out;
    QString word;
    bool inWord = false; // a word has started (even an empty one: '' is a word)
    enum class Quote { None, Single, Double } quote = Quote::None;
    int quoteStart = 0;
    for (int i = 0; i < line.size(); ++i) {
        const QChar c = line[i];
        switch (quote) {
        case Quote::Single:
            if (c == '\'')
                quote = Quote::None;
            else
                word += c;
            continue;
        case Quote::Double:
            if (c == '"') {
                quote = Quote::None;
            } else if (c == '\\' && i + 1 < line.size() && QStringLiteral("\"\\$`").contains(line[i + 1])) {
                word += line[++i];
            } else {
                word += c;
            }
            continue;
        case Quote::None:
            break;
        }
        if (c == ' ' || c == '\t' || c == '\n') {
            if (inWord) out.words << word;
            word.clear();
            inWord = false;
        } else if (c == '\'' || c == '"') {
            quote = c == '\'' ? Quote::Single : Quote::Double;
            quoteStart = i;
            inWord = true;
        } else if (c == '\\') {
            if (i + 1 == line.size()) {
                out.error = "the command ends with a backslash";
                return out;
            }
            word += line[++i];
            inWord = true;
        } else {
            word += c;
            inWord = true;
        }
    }
    if (quote != Quote::None) {
        out.error = QString("the %1 quote at character %2 is never closed")
                        .arg(quote == Quote::Single ? "single" : "double")
                        .arg(quoteStart + 1);
        return out;
    }
    if (inWord) out.words << word;
    return out;
}

} // namespace txs::record_view
