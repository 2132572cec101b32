#include "widgets/database/DatabaseDock.h"

#include "widgets/database/AttachedDatabase.h"
#include "widgets/database/ResultModel.h"
#include "widgets/database/SchemaModel.h"
#include "widgets/database/SqlConsole.h"
#include "widgets/database/TableRowsModel.h"
#include "widgets/views/ElidingLabel.h"
#include "widgets/views/HintedTableView.h"

#include <QComboBox>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QShortcut>
#include <QSplitter>
#include <QTabWidget>
#include <QTreeView>
#include <QVBoxLayout>

namespace txs::database {

namespace {

QString bytesText(qint64 bytes)
{
    if (bytes < 0) return "none";
    if (bytes < 10 * 1024) return QString("%1 B").arg(bytes);
    if (bytes < 10 * 1024 * 1024) return QString("%1 KiB").arg(bytes / 1024);
    return QString("%1 MiB").arg(bytes / (1024 * 1024));
}

txs::HintedTableView* makeGrid(QAbstractItemModel* model, const QString& hint, QWidget* parent)
{
    auto* view = new txs::HintedTableView(parent);
    view->setEmptyHint(hint);
    view->setModel(model);
    view->setAlternatingRowColors(true);
    view->setWordWrap(false);
    view->setSelectionBehavior(QAbstractItemView::SelectItems);
    view->horizontalHeader()->setStretchLastSection(true);
    // Every row the same height: the view then never asks for rows it does not show.
    view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
    return view;
}

} // namespace

DatabaseDock::DatabaseDock(QWidget* parent)
    : QWidget(parent), console_(new SqlConsole(this)), schema_(new SchemaModel(this)),
      rows_(new TableRowsModel(this)), results_(new ResultModel(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    // One line each, cut with "…" when narrow (the whole text in the tooltip): wrapped, the three
    // took the whole narrow dock in presentation mode and squeezed the tables and rows out.
    title_ = new txs::ElidingLabel(this);
    QFont bold = title_->font();
    bold.setBold(true);
    title_->setFont(bold);
    facts_ = new txs::ElidingLabel(this);
    holds_ = new txs::ElidingLabel(this);
    title_->setObjectName("databaseTitle");
    facts_->setObjectName("databaseFacts");
    holds_->setObjectName("databaseHolds");
    holds_->setToolTip("Locks TxScope has on the file now. Browsing reads with a short read-only "
                       "connection per query and closes it, so it never holds a lock between queries.");
    auto* refresh = new QPushButton("Refresh", this);
    refresh->setToolTip("Read the file's facts, schema and row count again");
    connect(refresh, &QPushButton::clicked, this, &DatabaseDock::refresh);
    // Refresh beside the name only: the facts and what TxScope holds get the dock's whole width.
    auto* header = new QHBoxLayout;
    header->addWidget(title_, 1);
    header->addWidget(refresh, 0);
    layout->addLayout(header);
    layout->addWidget(facts_);
    layout->addWidget(holds_);

    tabs_ = new QTabWidget(this);
    layout->addWidget(tabs_, 1);

    // Structure
    auto* structure = new QSplitter(Qt::Vertical, tabs_);
    tree_ = new QTreeView(structure);
    tree_->setModel(schema_);
    tree_->setUniformRowHeights(true);
    tree_->header()->setStretchLastSection(true);
    schemaText_ = new QPlainTextEdit(structure);
    schemaText_->setReadOnly(true);
    schemaText_->setPlaceholderText("Select an object to see the SQL that defines it.");
    schemaText_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    structure->addWidget(tree_);
    structure->addWidget(schemaText_);
    structure->setStretchFactor(0, 3);
    structure->setStretchFactor(1, 1);
    connect(tree_->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& index) { showSchemaOf(index); });
    connect(tree_, &QTreeView::doubleClicked, this, [this](const QModelIndex& index) {
        const QString kind = index.siblingAtColumn(0).data(SchemaModel::KindRole).toString();
        if (kind == "table" || kind == "view") {
            browseTable(index.siblingAtColumn(0).data().toString());
            showTab(1);
        }
    });
    tabs_->addTab(structure, "Structure");

    // Browse
    auto* browse = new QWidget(tabs_);
    auto* browseLayout = new QVBoxLayout(browse);
    browseLayout->setContentsMargins(0, 4, 0, 0);
    auto* controls = new QHBoxLayout;
    tablePicker_ = new QComboBox(browse);
    // Narrow minimums: the dock shares the right-hand area with Locks and Version chains, and in
    // presentation mode a wide minimum here squeezed the timeline to a sliver.
    tablePicker_->setMinimumContentsLength(8);
    tablePicker_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    tablePicker_->setToolTip("The table or view to browse");
    filter_ = new QLineEdit(browse);
    filter_->setPlaceholderText("Filter: text to find, then Enter");
    filter_->setToolTip("Shows the rows whose text contains this (as LIKE does: ASCII letters ignore case). "
                        "On a big table a filter reads the whole table, so it runs when you press Enter.");
    filter_->setClearButtonEnabled(true);
    filter_->setMinimumWidth(filter_->fontMetrics().horizontalAdvance(QLatin1Char('x')) * 8);
    filterColumn_ = new QComboBox(browse);
    filterColumn_->setToolTip("Which column the filter looks in");
    filterColumn_->setMinimumContentsLength(6);
    filterColumn_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    // Two rows: on one, the dock was as wide as a label, two drop-downs and the filter together,
    // and in presentation mode at 1280 px it scrolled sideways, its header cut off.
    controls->addWidget(new QLabel("Table:", browse));
    controls->addWidget(tablePicker_, 1);
    auto* filterRow = new QHBoxLayout;
    filterRow->addWidget(filter_, 1);
    filterRow->addWidget(filterColumn_);
    browseLayout->addLayout(controls);
    browseLayout->addLayout(filterRow);
    rowsView_ = makeGrid(rows_, "Pick a table to see its rows.", browse);
    rowsView_->setObjectName("databaseRows");
    rowsView_->setSortingEnabled(true);
    // A sort by an unindexed column reads the table once, off the window's thread.
    rows_->setReadsInBackground(true);
    rowsView_->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    browseLayout->addWidget(rowsView_, 1);
    rowsInfo_ = new QLabel(browse);
    rowsInfo_->setWordWrap(true);
    browseLayout->addWidget(rowsInfo_);
    connect(tablePicker_, &QComboBox::activated, this, [this] { browseTable(tablePicker_->currentText()); });
    // The filter reads the whole table once, on a worker thread: the window stays responsive, the
    // grid says it is filtering, and a new filter (or table) supersedes one still running.
    auto applyFilter = [this] {
        const int total = rows_->filter().isEmpty() ? rows_->rowCount() : -1;
        rows_->setFilterInBackground(filter_->text(), filterColumn_->currentIndex() - 1);
        if (!rows_->filtering()) return; // no filter: the table's rows are back at once
        const QString of = total >= 0 ? QString(" of %L1 rows").arg(total) : QString();
        rowsView_->setEmptyHint(QString("Filtering%1 for “%2”… (one read of the whole table on its own "
                                        "connection; the window stays usable)")
                                    .arg(of, filter_->text()));
        rowsInfo_->setText(
            QString("Filtering%1… TxScope holds a read lock only while this one query runs").arg(of));
    };
    connect(rows_, &TableRowsModel::filterFinished, this, [this](int matches, qint64 ms) {
        rowsView_->setEmptyHint(db_ ? "This table has no rows (or none match the filter)."
                                    : "Open a database (File › Open Database…) to browse its tables.");
        rowsInfo_->setText(
            rows_->filter().isEmpty()
                ? QString("%L1 rows · read a page at a time as you scroll").arg(matches)
                : QString("%L1 rows match · found in %L2 ms · read a page at a time as you scroll")
                      .arg(matches)
                      .arg(ms));
    });
    // Sorting filtered rows reads the matches again in the new order, on the worker thread too.
    connect(rowsView_->horizontalHeader(), &QHeaderView::sortIndicatorChanged, this, [this] {
        if (!rows_->filtering()) return;
        rowsView_->setEmptyHint(QString("Sorting the rows that contain “%1”… (one read on its own "
                                        "connection; the window stays usable)")
                                    .arg(rows_->filter()));
        rowsInfo_->setText("Sorting the matches… TxScope holds a read lock only while this one query runs");
    });
    connect(filter_, &QLineEdit::returnPressed, this, applyFilter);
    connect(filter_, &QLineEdit::textChanged, this, [this, applyFilter](const QString& text) {
        if (text.isEmpty()) applyFilter();
    });
    connect(filterColumn_, &QComboBox::activated, this, applyFilter);
    connect(rows_, &TableRowsModel::readFailed, this, [this](const QString& message) {
        rowsInfo_->setText("Could not read these rows now: " + message + " (Refresh tries again)");
    });
    tabs_->addTab(browse, "Browse");

    // SQL
    auto* console = new QSplitter(Qt::Vertical, tabs_);
    auto* top = new QWidget(console);
    auto* topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 4, 0, 0);
    sql_ = new QPlainTextEdit(top);
    sql_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    sql_->setPlaceholderText("SQL to run on the console's own connection (Ctrl+Enter)");
    runSql_ = new QPushButton("Run SQL", top);
    runSql_->setToolTip("Run on the console's own connection (Ctrl+Enter)");
    sqlMessage_ = new QLabel(top);
    sqlMessage_->setWordWrap(true);
    sqlMessage_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* runRow = new QHBoxLayout;
    runRow->addWidget(runSql_);
    runRow->addWidget(sqlMessage_, 1);
    topLayout->addWidget(sql_, 1);
    topLayout->addLayout(runRow);
    resultsView_ = makeGrid(results_, "The rows a statement returns appear here.", console);
    console->addWidget(top);
    console->addWidget(resultsView_);
    console->setStretchFactor(0, 1);
    console->setStretchFactor(1, 2);
    connect(runSql_, &QPushButton::clicked, this, &DatabaseDock::runConsole);
    auto* shortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), sql_);
    shortcut->setContext(Qt::WidgetShortcut);
    connect(shortcut, &QShortcut::activated, this, &DatabaseDock::runConsole);
    connect(console_, &SqlConsole::transactionChanged, this, &DatabaseDock::updateHeader);
    tabs_->addTab(console, "SQL");

    setDatabase(nullptr);
}

void DatabaseDock::setDatabase(AttachedDatabase* db)
{
    db_ = db;
    console_->close();
    console_->setFile(db ? db->workingPath() : QString(), db && db->mode() == AttachMode::ReadOnly);
    results_->clear();
    sqlMessage_->clear();
    rows_->setSource({}, {});
    refresh();
}

void DatabaseDock::setRunOpen(bool open, bool finished)
{
    if (runOpen_ == open && runFinished_ == finished) return;
    runOpen_ = open;
    runFinished_ = finished;
    updateHeader();
}

void DatabaseDock::refresh()
{
    if (db_) db_->refresh();
    schema_->load(db_ ? db_->workingPath() : QString());
    tree_->expandAll();
    tree_->resizeColumnToContents(0);
    const QString current = rows_->table();
    tablePicker_->clear();
    const QStringList browsable = schema_->names(SchemaModel::Tables) + schema_->names(SchemaModel::Views);
    tablePicker_->addItems(browsable);
    if (!current.isEmpty() && browsable.contains(current))
        browseTable(current);
    else if (!browsable.isEmpty())
        browseTable(browsable.first());
    else
        rows_->setSource({}, {});
    rowsView_->setEmptyHint(db_ ? "This table has no rows (or none match the filter)."
                                : "Open a database (File › Open Database…) to browse its tables.");
    updateHeader();
}

void DatabaseDock::browseTable(const QString& table)
{
    if (!db_) return;
    QElapsedTimer t;
    t.start();
    filter_->blockSignals(true);
    filter_->clear();
    filter_->blockSignals(false);
    if (!rows_->setSource(db_->workingPath(), table)) {
        rowsInfo_->setText(QString("Cannot read %1: %2").arg(table, rows_->error()));
        return;
    }
    tablePicker_->setCurrentText(table);
    filterColumn_->clear();
    filterColumn_->addItem("any column");
    for (int c = 0; c < rows_->columnCount(); ++c)
        filterColumn_->addItem(rows_->headerData(c, Qt::Horizontal).toString());
    rowsView_->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    rowsInfo_->setText(QString("%L1 rows · counted in %2 ms · read a page at a time as you scroll")
                           .arg(rows_->rowCount())
                           .arg(t.elapsed()));
}

void DatabaseDock::showTab(int index)
{
    tabs_->setCurrentIndex(index);
}

void DatabaseDock::setConsoleText(const QString& sql)
{
    sql_->setPlainText(sql);
}

QString DatabaseDock::consoleMessage() const
{
    return sqlMessage_->text();
}

void DatabaseDock::runConsole()
{
    const QString text =
        sql_->textCursor().hasSelection() ? sql_->textCursor().selectedText() : sql_->toPlainText();
    if (text.trimmed().isEmpty()) return;
    QElapsedTimer t;
    t.start();
    const auto out = console_->execute(text);
    results_->setResult(out.columns, out.rows);
    const QString where = out.traced ? "on the run's database, traced (see the timeline)"
                                     : "untraced: no run is open, so there is no timeline to show it on";
    if (!out.ok()) {
        sqlMessage_->setText(QString("<b>Error:</b> %1 <i>(%2)</i>").arg(out.error.toHtmlEscaped(), where));
    } else {
        QString what = out.columns.isEmpty() ? QString("%L1 rows changed").arg(out.changes)
                                             : QString("%L1 rows").arg(out.totalRows);
        if (out.totalRows > out.rows.size()) what += QString(" (first %L1 shown)").arg(out.rows.size());
        sqlMessage_->setText(QString("%1 in %2 ms <i>(%3)</i>").arg(what).arg(t.elapsed()).arg(where));
    }
    refresh(); // the statement may have changed the schema, the rows or the journal mode
}

QString DatabaseDock::holdsText() const
{
    QStringList held;
    if (console_->inTransaction()) held << "the SQL console's open transaction (COMMIT or ROLLBACK ends it)";
    // A finished run's statements and transactions have all ended: "the run's connections" would
    // send a developer hunting a lock nobody holds.
    if (runOpen_ && runFinished_)
        held << "the finished run's idle connection (no transaction)";
    else if (runOpen_)
        held << "the run's connections (see the Locks panel)";
    return "TxScope holds: " + (held.isEmpty() ? QString("nothing") : held.join("; "));
}

QString DatabaseDock::headerText() const
{
    return title_->text();
}

void DatabaseDock::updateHeader()
{
    if (!db_) {
        title_->setText("No database attached.");
        title_->setToolTip({});
        facts_->setText("File › Open Database… attaches one (as a copy by default); File › New Database… "
                        "makes one.");
        holds_->setText("TxScope holds: nothing");
        return;
    }
    const auto& info = db_->info();
    QString how;
    switch (db_->mode()) {
    case AttachMode::Copy:
        how = "a copy (runs change the copy, never the file)";
        break;
    case AttachMode::InPlace:
        how = "in place (runs change the file itself)";
        break;
    case AttachMode::ReadOnly:
        how = "read-only (runs use a fresh database)";
        break;
    }
    title_->setText(QString("%1 — %2").arg(QFileInfo(db_->source()).fileName(), how));
    title_->setToolTip(db_->mode() == AttachMode::Copy
                           ? QString("%1\ncopied to %2").arg(db_->source(), db_->workingPath())
                           : db_->source());
    if (!info.ok()) {
        facts_->setText("Cannot read it now: " + info.error);
    } else {
        // The journal mode first: when the line is cut, what decides the locking stays.
        facts_->setText(QString("journal %1%2 · %L3 pages × %L4 B (%5) · %L6 free · WAL %7")
                            .arg(info.journalMode, info.mvcc ? " + MVCC log" : "")
                            .arg(info.pageCount)
                            .arg(info.pageSize)
                            .arg(bytesText(info.pageSize * info.pageCount))
                            .arg(info.freelistCount)
                            .arg(bytesText(info.walBytes)));
    }
    holds_->setText(holdsText());
}

void DatabaseDock::showSchemaOf(const QModelIndex& index)
{
    schemaText_->setPlainText(index.siblingAtColumn(0).data(Qt::ToolTipRole).toString());
}

} // namespace txs::database
