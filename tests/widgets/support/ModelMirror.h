#pragma once
// A test's stand-in for an item view, to check that a model announces every change it makes.

#include <QAbstractItemModel>
#include <QHash>
#include <QPersistentModelIndex>
#include <QStringList>

namespace txs {

// What a view knows of a model: the text of every cell, updated only through the model's
// signals. Comparing it with the model's data catches a change the model did not announce
// (QAbstractItemModelTester checks the signals' consistency, not that they were sent).
class Mirror
{
public:
    explicit Mirror(QAbstractItemModel* model) : model_(model)
    {
        capture({});
        QObject::connect(model, &QAbstractItemModel::rowsInserted,
                         [this](const QModelIndex& parent, int first, int last) {
                             for (int r = first; r <= last; ++r)
                                 captureRow(model_->index(r, 0, parent), true);
                         });
        QObject::connect(model, &QAbstractItemModel::rowsAboutToBeRemoved,
                         [this](const QModelIndex& parent, int first, int last) {
                             for (int r = first; r <= last; ++r)
                                 forget(model_->index(r, 0, parent));
                         });
        QObject::connect(model, &QAbstractItemModel::dataChanged,
                         [this](const QModelIndex& tl, const QModelIndex& br) {
                             for (int r = tl.row(); r <= br.row(); ++r)
                                 captureRow(model_->index(r, 0, tl.parent()), false);
                         });
        QObject::connect(model, &QAbstractItemModel::modelReset, [this] {
            cells_.clear();
            capture({});
        });
    }

    // Describes the first cell whose mirrored text differs from the model's; empty when none.
    QString mismatch() const { return check({}); }

private:
    QStringList texts(const QModelIndex& row) const
    {
        QStringList out;
        for (int c = 0; c < model_->columnCount(row.parent()); ++c)
            out << model_->data(row.siblingAtColumn(c)).toString();
        return out;
    }
    void captureRow(const QModelIndex& row, bool withChildren)
    {
        cells_[QPersistentModelIndex(row)] = texts(row);
        if (withChildren) capture(row);
    }
    void capture(const QModelIndex& parent)
    {
        for (int r = 0; r < model_->rowCount(parent); ++r)
            captureRow(model_->index(r, 0, parent), true);
    }
    void forget(const QModelIndex& row)
    {
        for (int r = 0; r < model_->rowCount(row); ++r)
            forget(model_->index(r, 0, row));
        cells_.remove(QPersistentModelIndex(row));
    }
    QString check(const QModelIndex& parent) const
    {
        for (int r = 0; r < model_->rowCount(parent); ++r) {
            const QModelIndex row = model_->index(r, 0, parent);
            const auto it = cells_.find(QPersistentModelIndex(row));
            const QStringList now = texts(row);
            if (it == cells_.end() || *it != now)
                return QString("%1 row %2: shown [%3], now [%4]")
                    .arg(model_->metaObject()->className())
                    .arg(r)
                    .arg(it == cells_.end() ? QString("nothing") : it->join(" | "), now.join(" | "));
            if (QString m = check(row); !m.isEmpty()) return m;
        }
        return {};
    }

    QAbstractItemModel* model_;
    QHash<QPersistentModelIndex, QStringList> cells_;
};

} // namespace txs
