#pragma once
// How the workbench sets up the views of the session models (Transactions, Locks, Statement
// log; the Versions tree): whole rows selected one at a time, alternating rows, one line per
// row, and cells painted by PlainTextDelegate. One place, so that bench/gui/bench_models paints
// what the window paints.

class QTableView;
class QTreeView;

namespace txs {

void setUpSessionTable(QTableView* view);
void setUpSessionTree(QTreeView* view);

} // namespace txs
