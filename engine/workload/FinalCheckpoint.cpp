#include "engine/workload/FinalCheckpoint.h"

#include "engine/api/Database.h"
#include "engine/trace/TraceLog.h"

namespace txs {

void checkpointForPlainReaders(Database& database, TraceLog* trace, const std::string& databasePath)
{
    const auto error = database.checkpointForPlainReaders();
    if (!error || !trace) return;
    Event e;
    e.kind = EventKind::Note;
    e.text = "the checkpoint at the end of the run failed (" + error->describe() + "): the commits stay in " +
             databasePath +
             "-log, where TxScope's next open finds them, but programs that read the file without TxScope "
             "do not see them";
    trace->append(std::move(e));
}

} // namespace txs
