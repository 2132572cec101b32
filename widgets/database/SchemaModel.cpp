#include "widgets/database/SchemaModel.h"

#include "widgets/database/ShortRead.h"

namespace txs::database {

namespace {
const char* const groupTitles[] = {"Tables", "Views", "Indexes", "Triggers"};
const char* const groupKinds[] = {"table", "view", "index", "trigger"};
} // namespace

SchemaModel::SchemaModel(QObject* parent) : QAbstractItemModel(parent) {}

bool SchemaModel::load(const QString& path)
{
    beginResetModel();
    for (auto& g : groups_)
        g.clear();
    error_.clear();
    if (!path.isEmpty()) {
        const ReadResult r = shortRead(
            path, "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name COLLATE NOCASE");
        if (!r.ok()) error_ = r.error;
        for (const auto& row : r.rows) {
            const QString kind = row.value(0).toString();
            for (int g = 0; g < GroupCount; ++g)
                if (kind == groupKinds[g])
                    groups_[g].push_back(
                        {row.value(1).toString(), row.value(2).toString(), row.value(3).toString(), kind});
        }
    }
    endResetModel();
    return error_.isEmpty();
}

QStringList SchemaModel::names(Group group) const
{
    QStringList out;
    for (const auto& o : groups_[group])
        out << o.name;
    return out;
}

QModelIndex SchemaModel::index(int row, int column, const QModelIndex& parent) const
{
    if (!hasIndex(row, column, parent)) return {};
    if (!parent.isValid()) return createIndex(row, column, quintptr(0));
    return createIndex(row, column, quintptr(parent.row() + 1));
}

QModelIndex SchemaModel::parent(const QModelIndex& child) const
{
    if (!child.isValid() || child.internalId() == 0) return {};
    return createIndex(int(child.internalId()) - 1, 0, quintptr(0));
}

int SchemaModel::rowCount(const QModelIndex& parent) const
{
    if (!parent.isValid()) return GroupCount;
    if (parent.internalId() != 0 || parent.column() != 0) return 0;
    return int(groups_[parent.row()].size());
}

int SchemaModel::columnCount(const QModelIndex&) const
{
    return ColumnCount;
}

QVariant SchemaModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid()) return {};
    if (index.internalId() == 0) {
        if (role == Qt::DisplayRole && index.column() == NameColumn)
            return QString("%1 (%2)").arg(groupTitles[index.row()]).arg(groups_[index.row()].size());
        return {};
    }
    const Object& o = groups_[index.internalId() - 1][index.row()];
    if (role == KindRole) return o.kind;
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case NameColumn:
            return o.name;
        case TableColumn:
            return o.table;
        case SqlColumn:
            return QString(o.sql).simplified(); // one line in the tree; the full text in the tooltip
        }
    }
    if (role == Qt::ToolTipRole) return o.sql.isEmpty() ? QString("(created by SQLite itself)") : o.sql;
    return {};
}

QVariant SchemaModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    static const char* const titles[] = {"Name", "On table", "Schema"};
    return section >= 0 && section < ColumnCount ? QVariant(titles[section]) : QVariant();
}

} // namespace txs::database
