#include "widgets/views/SessionTable.h"

#include "widgets/views/PlainTextDelegate.h"

#include <QHeaderView>
#include <QTableView>
#include <QTreeView>

namespace txs {

void setUpSessionTable(QTableView* view)
{
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setAlternatingRowColors(true);
    view->verticalHeader()->hide();
    view->horizontalHeader()->setStretchLastSection(true);
    view->setWordWrap(false);
    view->setItemDelegate(new PlainTextDelegate(view));
}

void setUpSessionTree(QTreeView* view)
{
    view->setAlternatingRowColors(true);
    // Every row one line high: the view never measures rows to lay out a tree of many keys.
    view->setUniformRowHeights(true);
    view->setItemDelegate(new PlainTextDelegate(view));
}

} // namespace txs
