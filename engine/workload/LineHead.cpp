#include "engine/workload/LineHead.h"

#include "engine/workload/HeaderLine.h"
#include "engine/workload/TextUtil.h"

namespace txs {

bool isBlankLine(std::string_view line)
{
    return trim(line).empty();
}

bool isCommentLine(std::string_view line)
{
    line = trim(line);
    return !line.empty() && line.front() == '#';
}

bool isIndentedLine(std::string_view line)
{
    return !line.empty() && isSpace(line.front()) && !isBlankLine(line);
}

LineHead readLineHead(std::string_view line)
{
    using Kind = LineHead::Kind;
    LineHead head;
    head.restAt = line.size();
    if (isBlankLine(line)) return head;
    if (isCommentLine(line)) {
        head.kind = Kind::Comment;
        return head;
    }
    if (isIndentedLine(line)) {
        head.kind = Kind::Indented;
        return head;
    }
    if (startsWithWord(line, "workers")) {
        head.kind = Kind::Workers;
        head.name = line.substr(0, 7);
        const std::size_t colon = line.find(':');
        if (colon != std::string_view::npos) head.restAt = colon + 1;
        return head;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
        head.kind = Kind::NoColon;
        return head;
    }
    head.name = trim(line.substr(0, colon));
    head.nameAt = static_cast<std::size_t>(head.name.data() - line.data());
    head.restAt = colon + 1;
    if (equalsIgnoreCase(head.name, "setup"))
        head.kind = Kind::Setup;
    else if (equalsIgnoreCase(head.name, "check"))
        head.kind = Kind::Check;
    else if (isHeaderKey(head.name))
        head.kind = Kind::Header;
    else if (isValidName(head.name))
        head.kind = Kind::Step;
    else
        head.kind = Kind::BadName;
    return head;
}

} // namespace txs
