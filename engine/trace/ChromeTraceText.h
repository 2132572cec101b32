#pragma once
// The Chrome-trace exporter's pieces of text (ChromeTrace.cpp only): items whose names and args
// live in an arena string, the args object written straight into it, the cache of escaped
// statement texts. They let the export allocate nothing per event once its buffers have grown.

#include "engine/api/TransparentHash.h"
#include "engine/trace/JsonText.h"
#include "engine/trace/NestedLanes.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace txs::chrome_trace {

// Each connection keeps the text of the items it has not written yet in one string (its
// arena), cleared once they are written: the arena's capacity is kept, so the steady state of a
// run allocates nothing per event for its JSON. An item names its pieces by offsets into it.
struct TextRange
{
    std::size_t begin = 0;
    std::size_t end = 0;
    std::string_view in(const std::string& arena) const { return {arena.data() + begin, end - begin}; }
};

// The "args" object of one trace event, written straight into an arena; the object is closed
// (its '}' written and its range recorded) when the Args goes away, at the end of the statement
// that built it.
class Args
{
public:
    Args(std::string& out, TextRange& range) : out_(out), range_(range)
    {
        range_.begin = out_.size();
        out_ += '{';
    }
    ~Args()
    {
        out_ += '}';
        range_.end = out_.size();
    }
    Args(const Args&) = delete;
    Args& operator=(const Args&) = delete;

    Args& text(const char* key, std::string_view value)
    {
        appendKey(key);
        appendJsonString(out_, value);
        return *this;
    }
    // A value already quoted and escaped (a cached statement text).
    Args& json(const char* key, std::string_view quoted)
    {
        appendKey(key);
        out_ += quoted;
        return *this;
    }
    Args& number(const char* key, std::int64_t value)
    {
        appendKey(key);
        appendInteger(out_, value);
        return *this;
    }

private:
    void appendKey(const char* key)
    {
        if (out_.size() > range_.begin + 1) out_ += ',';
        // Keys are this file's literals: plain ASCII, nothing to escape.
        out_ += '"';
        out_ += key;
        out_ += "\":";
    }
    std::string& out_;
    TextRange& range_;
};

struct Item
{
    LaneSpan span; // an instant is a span with end == begin
    bool instant = false;
    std::int64_t tid = 0;
    const char* category = ""; // a literal: plain ASCII
    TextRange name;            // quoted JSON string, in the arena
    TextRange args;            // JSON object, in the arena
    // An explanation added to an error's args after later items were written to the arena: the
    // members (no braces), written before args' closing brace. Empty (no allocation) otherwise.
    std::string moreArgs;
};

// The quoted JSON forms of a statement's text and of its shortened name, kept for texts that
// repeat: a workers phase runs the same few statements (values are bound) for the whole run.
struct EscapedSql
{
    std::string name;
    std::string sql;
};

// Stable like std::stable_sort, without its temporary buffer (an allocation per call): a
// connection's batch is a transaction's few items, mostly in order already.
constexpr std::size_t kInsertionSortMax = 32;
template <typename T, typename Less> void insertionSort(std::vector<T>& items, Less less)
{
    for (std::size_t i = 1; i < items.size(); ++i) {
        if (!less(items[i], items[i - 1])) continue;
        T moving = std::move(items[i]);
        std::size_t j = i;
        for (; j > 0 && less(moving, items[j - 1]); --j)
            items[j] = std::move(items[j - 1]);
        items[j] = std::move(moving);
    }
}

} // namespace txs::chrome_trace
