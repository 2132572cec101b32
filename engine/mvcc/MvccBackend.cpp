#include "engine/mvcc/MvccBackend.h"

// Placeholder while the MVCC engine is written on main; replaced there.
namespace txs {
std::unique_ptr<Backend> makeMvccBackend(const std::string&, std::shared_ptr<TraceLog>, Error* error)
{
    if (error) *error = Error::notSupported("the MVCC engine is not built yet");
    return nullptr;
}
} // namespace txs
