#pragma once
// The objects of a database — tables, views, indexes and triggers — as a two-level tree: one
// group per kind, then each object with its table and the SQL that defines it. Read from
// sqlite_schema as data (one short read): nothing stored in the file is executed.

#include <QAbstractItemModel>
#include <QVector>

namespace txs::database {

class SchemaModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column { NameColumn, TableColumn, SqlColumn, ColumnCount };
    enum Group { Tables, Views, Indexes, Triggers, GroupCount };
    static constexpr int KindRole = Qt::UserRole + 1; // "table", "view", ... on object rows

    explicit SchemaModel(QObject* parent = nullptr);

    // Reads the schema of `path` (empty clears). Returns false and keeps an error when the file
    // cannot be read.
    bool load(const QString& path);
    QString error() const { return error_; }
    // Names of the objects of one group, in the order shown.
    QStringList names(Group group) const;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Object
    {
        QString name, table, sql, kind;
    };
    // A group index carries no internal id (0); an object index carries its group + 1.
    QVector<Object> groups_[GroupCount];
    QString error_;
};

} // namespace txs::database
