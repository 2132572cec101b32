#include "widgets/views/ConnectionFilter.h"

#include "widgets/models/ModelRoles.h"

namespace txs {

ConnectionFilter::ConnectionFilter(QObject* parent) : QSortFilterProxyModel(parent)
{
    // Rows change state as the run goes on (a connection closes): re-filter on dataChanged.
    setDynamicSortFilter(true);
}

void ConnectionFilter::setShowInternal(bool show)
{
    if (show == showInternal_) return;
    showInternal_ = show;
    invalidateFilter();
}

void ConnectionFilter::setHideClosed(bool hide)
{
    if (hide == hideClosed_) return;
    hideClosed_ = hide;
    invalidateFilter();
}

bool ConnectionFilter::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    const QVariant id = index.data(models::ConnectionIdRole);
    if (!showInternal_ && id.isValid() && id.toUInt() == 0) return false;
    if (hideClosed_) {
        const QVariant open = index.data(models::OpenRole);
        if (open.isValid() && !open.toBool()) return false;
    }
    return true;
}

} // namespace txs
