#pragma once
// The Database dock: what DB Browser for SQLite users look for. A header names the attached
// database, how it is attached (copy / in place / read-only), its journal mode, page size and
// count, free pages and WAL size, and what TxScope holds on it right now. Three tabs:
// Structure (tables, views, indexes, triggers and their SQL), Browse (a table's rows in a lazy,
// sortable, filterable grid) and SQL (a console with a results grid, on its own connection).
// The dock only reads through short reads (ShortRead.h) and the console (SqlConsole.h).

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTabWidget;
class QTreeView;

namespace txs {
class ElidingLabel;
class HintedTableView;
} // namespace txs

namespace txs::database {

class AttachedDatabase;
class ResultModel;
class SchemaModel;
class SqlConsole;
class TableRowsModel;

class DatabaseDock : public QWidget
{
    Q_OBJECT
public:
    explicit DatabaseDock(QWidget* parent = nullptr);

    // Shows `db` (null: nothing attached). The dock does not own it.
    void setDatabase(AttachedDatabase* db);
    // Whether a run's connections have the working file open (they may hold locks), and whether
    // that run has finished (its database stays open, idle, for the SQL console).
    void setRunOpen(bool open, bool finished = false);
    // Re-reads the facts, the schema and the row count (after a run, or on Refresh).
    void refresh();

    void browseTable(const QString& table);
    void showTab(int index); // 0 Structure, 1 Browse, 2 SQL
    // Runs the console's text (what the Run button does).
    void runConsole();
    void setConsoleText(const QString& sql);

    QString holdsText() const; // "TxScope holds: nothing", ...
    QString headerText() const;
    SqlConsole& console() { return *console_; }
    SchemaModel& schema() { return *schema_; }
    TableRowsModel& rows() { return *rows_; }
    ResultModel& results() { return *results_; }
    txs::HintedTableView& rowsView() { return *rowsView_; }
    QString consoleMessage() const;

private:
    void updateHeader();
    void showSchemaOf(const QModelIndex& index);

    AttachedDatabase* db_ = nullptr;
    bool runOpen_ = false;
    bool runFinished_ = false;
    SqlConsole* console_;
    SchemaModel* schema_;
    TableRowsModel* rows_;
    ResultModel* results_;
    txs::ElidingLabel* title_;
    txs::ElidingLabel* facts_;
    txs::ElidingLabel* holds_;
    QTabWidget* tabs_;
    QTreeView* tree_;
    QPlainTextEdit* schemaText_;
    QComboBox* tablePicker_;
    QComboBox* filterColumn_;
    QLineEdit* filter_;
    QLabel* rowsInfo_;
    txs::HintedTableView* rowsView_;
    QPlainTextEdit* sql_;
    QPushButton* runSql_;
    QLabel* sqlMessage_;
    txs::HintedTableView* resultsView_;
};

} // namespace txs::database
