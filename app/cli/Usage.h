#pragma once
// What txscope-cli prints for --help (stdout) and after a usage error (stderr).

namespace txs::cli {

// The synopsis and a pointer to --help: short, for stderr after a usage error.
const char* usageText();
// The full help: synopsis, options, output and exit codes.
const char* helpText();

} // namespace txs::cli
