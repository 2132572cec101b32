#pragma once
// The last connection a reader of the log looked up in its map, and what it found: a thread's
// events come in runs, so most lookups are the one before. The memory points into its owner's
// map (an unordered_map, whose references stay valid until the element is erased): a copy of
// the owner must not point into the original's map, so copying forgets, and an owner that
// erases a connection calls forget().

#include <cstdint>

namespace txs {

template <class T> class LastConnection
{
public:
    LastConnection() = default;
    LastConnection(const LastConnection&) {}
    LastConnection& operator=(const LastConnection&)
    {
        forget();
        return *this;
    }

    // What `remember(id, ...)` was told last, or nullptr.
    T* find(std::uint32_t id) const { return value_ && id_ == id ? value_ : nullptr; }
    void remember(std::uint32_t id, T& value)
    {
        id_ = id;
        value_ = &value;
    }
    void forget() { value_ = nullptr; }

private:
    std::uint32_t id_ = 0;
    T* value_ = nullptr;
};

} // namespace txs
