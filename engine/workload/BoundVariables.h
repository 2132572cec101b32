#pragma once
// $worker and $iter as bound parameters: a workers body statement is prepared once per
// connection and run with the values bound, instead of being rewritten (and parsed again by
// SQLite) on every iteration. SQLite reads `$worker` as a named parameter itself, so the text
// stays as written and the connection's statement cache, keyed by text, finds it again.
//
// Binding is only chosen where it cannot change what the statement does; elsewhere the values
// are substituted as literal text (Substitution.h), as before. Bound when all of these hold:
// - the statement starts with SELECT, INSERT, REPLACE, UPDATE, DELETE, WITH or VALUES (SQLite
//   refuses parameters in PRAGMA, CREATE ... DEFAULT/CHECK, views and triggers);
// - every variable is a token of its own: not inside a string literal ('w$worker') or quoted
//   name, not part of a longer name (t_$worker, $worker$iter), not followed by '(' or ':' (which
//   SQLite would read as part of a Tcl-style parameter name);
// - the statement has no other parameters (?, ?1, :x, @x, $x): their numbering would mix with ours;
// - no ON CONFLICT or RETURNING (the MVCC engine evaluates those clauses itself, in helper
//   statements that do not see the body's parameters);
// - no variable is a term of an ORDER BY / GROUP BY / PARTITION BY list (right after BY or a
//   comma following it): there a literal integer is a column number, a parameter an expression.
// A bound variable is an INTEGER, as the literal was; the one visible difference is the name of
// a result column that is just a variable (`SELECT $worker` names it "$worker", not "3").

#include "engine/api/Value.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace txs {

enum class WorkerVariable { Worker, Iter };

struct WorkerStatement
{
    // True: run `sql` as written with params(); false: run substituteVariables(sql, ...).
    bool bound = false;
    std::string sql;
    // The distinct variables in order of first appearance: SQLite numbers named parameters so.
    std::vector<WorkerVariable> order;

    Params params(int worker, std::int64_t iter) const;
};

WorkerStatement prepareWorkerStatement(std::string_view sql);

} // namespace txs
