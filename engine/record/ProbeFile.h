#pragma once
// Reads the record files the probe wrote (ProbeRecord.h). They come from other programs, maybe
// killed mid-write, maybe planted: every record is checked (magic, version, op, text length)
// and a bad one is counted and skipped, never trusted.

#include "engine/record/ProbeRecord.h"

#include <cstdint>
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

// The record's text as a string (bounded by its checked length).
std::string recordText(const ProbeRecord& r);

} // namespace txs::record
