#include "widgets/views/TreeAutoExpander.h"

#include <QScopedValueRollback>
#include <QTreeView>

namespace txs {

TreeAutoExpander::TreeAutoExpander(QTreeView* view, int maxDepth, int maxChildren)
    : QObject(view), view_(view), maxDepth_(maxDepth), maxChildren_(maxChildren)
{
    QAbstractItemModel* model = view->model();
    Q_ASSERT(model);
    connect(model, &QAbstractItemModel::rowsInserted, this, &TreeAutoExpander::rowsInserted);
    connect(model, &QAbstractItemModel::modelReset, this, &TreeAutoExpander::modelReset);
    // QTreeView emits these for expand()/collapse() calls too: `acting_` tells this rule's own.
    connect(view, &QTreeView::expanded, this, &TreeAutoExpander::userToggled);
    connect(view, &QTreeView::collapsed, this, &TreeAutoExpander::userToggled);
    modelReset(); // rows the model already has
}

int TreeAutoExpander::depthOf(const QModelIndex& index) const
{
    int depth = 0;
    for (QModelIndex i = index; i.isValid(); i = i.parent())
        ++depth;
    return depth;
}

void TreeAutoExpander::setExpanded(const QModelIndex& index, bool expanded)
{
    {
        const QScopedValueRollback acting(acting_, true);
        view_->setExpanded(index, expanded);
    }
    if (expanded)
        auto_.insert(QPersistentModelIndex(index));
    else
        auto_.remove(QPersistentModelIndex(index));
}

void TreeAutoExpander::consider(const QModelIndex& index, int depth)
{
    const QAbstractItemModel* model = view_->model();
    const int children = model->rowCount(index);
    if (children > maxChildren_) return;
    setExpanded(index, true);
    if (depth >= maxDepth_) return;
    for (int row = 0; row < children; ++row)
        consider(model->index(row, 0, index), depth + 1);
}

void TreeAutoExpander::rowsInserted(const QModelIndex& parent, int first, int last)
{
    const int parentDepth = depthOf(parent);
    if (parentDepth >= maxDepth_ + 1) return; // below the levels this rule opens
    const int children = view_->model()->rowCount(parent);
    const bool small = children <= maxChildren_;
    // isExpanded first: a closed parent (a big table) costs no persistent index per insert.
    if (parent.isValid() && !small && view_->isExpanded(parent) &&
        auto_.contains(QPersistentModelIndex(parent))) {
        setExpanded(parent, false); // grown past the rule's size: the user may open it
        return;
    }
    if (!small || parentDepth == maxDepth_) return;
    if (parent.isValid() && !view_->isExpanded(parent)) return; // closed by the user, or too big before
    for (int row = first; row <= last; ++row)
        consider(view_->model()->index(row, 0, parent), parentDepth + 1);
    // Removed rows leave invalid entries; sweep them once the set has doubled since the last sweep.
    if (auto_.size() > 2 * sizeAfterLastSweep_ + 64) {
        auto_.removeIf([](const QPersistentModelIndex& i) { return !i.isValid(); });
        sizeAfterLastSweep_ = auto_.size();
    }
}

void TreeAutoExpander::modelReset()
{
    auto_.clear();
    sizeAfterLastSweep_ = 0;
    const int rows = view_->model()->rowCount();
    if (rows > 0) rowsInserted({}, 0, rows - 1);
}

void TreeAutoExpander::userToggled(const QModelIndex& index)
{
    if (!acting_) auto_.remove(QPersistentModelIndex(index));
}

} // namespace txs
