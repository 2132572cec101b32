#pragma once
// Reads the record files the probe wrote (ProbeRecord.h). They come from other programs, maybe
// killed mid-write, maybe planted: every record is checked (magic, version, op, text length)
// and a bad one is counted and skipped, never trusted.

#include "engine/record/ProbeRecord.h"

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace txs::record {

using ProbeRecord = txscope_probe_record;

struct ProbeFiles
{
    std::vector<ProbeRecord> records; // every valid record of every file, file by file
    std::uint64_t invalid = 0;        // records skipped: wrong magic, version or fields
    std::uint64_t torn = 0;           // files ending in part of a record (a process killed mid-write)
    std::vector<std::string> errors;  // files that could not be read: "PATH: cause"
};

// Every `*.rec` file directly in `directory` (regular files only; links are not followed).
ProbeFiles readProbeDirectory(const std::string& directory);
// One file's records appended to `into`.
void readProbeFile(const std::string& path, ProbeFiles& into);
// The whole records from byte `offset` on; returns the offset after the last whole one. `live`:
// the writer may still be writing, so a part of a record at the end is not torn (yet).
std::uint64_t readProbeFileFrom(const std::string& path, std::uint64_t offset, ProbeFiles& into, bool live);

// Follows a record folder while the processes write: each readNew() decodes only the whole
// records written since the last one (every file's offset is kept), new files included.
class ProbeTail
{
public:
    explicit ProbeTail(std::string directory) : directory_(std::move(directory)) {}
    // Appends the new records to `into`; returns how many.
    std::size_t readNew(ProbeFiles& into);
    const std::string& directory() const { return directory_; }
    // Files with bytes after their last whole record: torn, once every writer is gone.
    std::uint64_t tornTails() const;

private:
    std::string directory_;
    std::map<std::string, std::uint64_t> offsets_;
    std::set<std::string> reported_;
};

// The record's text as a string (bounded by its checked length).
std::string recordText(const ProbeRecord& r);

} // namespace txs::record
