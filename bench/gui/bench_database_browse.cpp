// Browsing a 1M-row table in the Database dock's grid: how long until the first rows show, and
// how long a jump to the end takes, through a real QTableView painted offscreen. Also a scroll
// through consecutive pages (keyset paging), a jump to the middle (the worst OFFSET), sorting by
// an unindexed column, and a filter. Every read is a short read: its own connection, one
// statement, closed again (so each figure includes opening the database).
// Prints wall-clock figures; the machines are shared, so read them as orders of magnitude.
//
// Usage: bench_database_browse [rows=1000000]

#include "widgets/database/ShortRead.h"
#include "widgets/database/TableRowsModel.h"
#include "widgets/views/HintedTableView.h"

#include <QApplication>
#include <QEventLoop>
#include <QHeaderView>
#include <QScrollBar>
#include <QTemporaryDir>
#include <chrono>
#include <cstdio>
#include <sqlite3.h>

using txs::database::TableRowsModel;
using Clock = std::chrono::steady_clock;

namespace {

double msSince(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

bool makeTable(const QString& path, long long rows)
{
    sqlite3* db = nullptr;
    sqlite3_open(path.toUtf8().constData(), &db);
    const QString sql =
        QString("PRAGMA journal_mode=wal; PRAGMA synchronous=off;"
                "CREATE TABLE big(id INTEGER PRIMARY KEY, grp INT, name TEXT, amount REAL);"
                "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < %1) "
                "INSERT INTO big SELECT i, i % 97, 'customer ' || i, (i * 7919) % 10000 / 100.0 "
                "FROM c; PRAGMA wal_checkpoint(TRUNCATE);")
            .arg(rows);
    const int rc = sqlite3_exec(db, sql.toUtf8().constData(), nullptr, nullptr, nullptr);
    sqlite3_close(db);
    return rc == SQLITE_OK;
}

// Paints the view now, as the screen would.
void paint(QWidget& view)
{
    view.repaint();
    QCoreApplication::processEvents();
}

} // namespace

int main(int argc, char** argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const long long rows = argc > 1 ? std::atoll(argv[1]) : 1'000'000;
    QTemporaryDir dir;
    const QString path = dir.filePath("big.db");
    auto start = Clock::now();
    if (!makeTable(path, rows)) {
        std::fprintf(stderr, "cannot create the table\n");
        return 1;
    }
    std::printf("table of %lld rows made in %.0f ms\n", rows, msSince(start));

    TableRowsModel model;
    txs::HintedTableView view;
    view.resize(900, 700);
    view.verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    view.verticalHeader()->setDefaultSectionSize(22);
    view.show();

    start = Clock::now();
    model.setSource(path, "big");
    view.setModel(&model);
    paint(view);
    std::printf("first rows painted:          %8.1f ms (%d reads; count(*) included)\n", msSince(start),
                model.reads());

    int reads = model.reads();
    start = Clock::now();
    view.scrollToBottom();
    paint(view);
    std::printf("jump to the end painted:     %8.1f ms (%d reads)\n", msSince(start), model.reads() - reads);
    if (model.index(model.rowCount() - 1, 0).data(TableRowsModel::ValueRole).toLongLong() != rows) {
        std::fprintf(stderr, "the last row is wrong\n");
        return 1;
    }

    reads = model.reads();
    start = Clock::now();
    const int pages = 100;
    for (int row = model.rowCount() / 2; row < model.rowCount() / 2 + pages * TableRowsModel::PageRows;
         row += TableRowsModel::PageRows)
        model.index(row, 0).data();
    std::printf("jump to the middle + %d more pages in order: %.1f ms (%d reads)\n", pages - 1,
                msSince(start), model.reads() - reads);

    start = Clock::now();
    for (int i = 0; i < 20; ++i)
        paint(view);
    const double paintMs = msSince(start) / 20;
    std::printf("painting the view alone (no read): %.2f ms a frame\n", paintMs);

    {
        QScrollBar* bar = view.verticalScrollBar();
        start = Clock::now();
        for (int i = 0; i < 50; ++i)
            bar->setValue(bar->value() - 1);
        std::printf("50 one-row scrolls, not painted: %.2f ms each\n", msSince(start) / 50);
        start = Clock::now();
        for (int i = 0; i < 50; ++i) {
            bar->setValue(bar->value() - 1);
            paint(view);
        }
        std::printf("50 one-row scrolls, painted: %.2f ms each\n", msSince(start) / 50);
    }
    reads = model.reads();
    start = Clock::now();
    QScrollBar* bar = view.verticalScrollBar();
    const int steps = 200;
    for (int i = 0; i < steps; ++i) {
        bar->setValue(bar->value() - bar->pageStep());
        paint(view);
    }
    std::printf("%d page-ups from the end, painted: %.1f ms total, %.2f ms each (%d reads)\n", steps,
                msSince(start), msSince(start) / steps, model.reads() - reads);

    start = Clock::now();
    view.scrollToTop();
    model.sort(2, Qt::DescendingOrder); // name: no index
    paint(view);
    std::printf("sort by an unindexed column, first rows: %.1f ms\n", msSince(start));
    start = Clock::now();
    view.scrollToBottom();
    paint(view);
    std::printf("sorted, jump to the end:     %8.1f ms\n", msSince(start));

    model.sort(-1);
    start = Clock::now();
    model.setFilter("99999");
    paint(view);
    std::printf("filter \"99999\" (%d rows match), waited for and painted: %.1f ms\n", model.rowCount(),
                msSince(start));

    // What the Database dock does: the filter's one read on a worker thread. The GUI thread is
    // blocked only for the call; the matches arrive with filterFinished.
    for (const char* text : {"99999", "customer 1"}) {
        model.setFilter({});
        paint(view);
        start = Clock::now();
        model.setFilterInBackground(text);
        const double blocked = msSince(start);
        QEventLoop loop;
        QObject::connect(&model, &TableRowsModel::filterFinished, &loop, &QEventLoop::quit);
        if (model.filtering()) loop.exec();
        paint(view);
        const double shown = msSince(start);
        std::printf("filter \"%s\" in the background (%d rows match): GUI thread blocked %.2f ms, "
                    "matches painted after %.1f ms\n",
                    text, model.rowCount(), blocked, shown);
        reads = model.reads();
        start = Clock::now();
        view.scrollToBottom();
        paint(view);
        std::printf("  then jump to the last match, painted: %.1f ms (%d reads)\n", msSince(start),
                    model.reads() - reads);
        start = Clock::now();
        for (int i = 0; i < 50; ++i) {
            bar->setValue(bar->value() - bar->pageStep());
            paint(view);
        }
        std::printf("  then 50 page-ups through the matches, painted: %.2f ms each\n", msSince(start) / 50);
    }

    // A filter with a sort by an unindexed column (the header clicked while filtered): the matches
    // are read again in the sorted order, once, on the worker thread; each page then by its
    // rowids. Before, every page was an ORDER BY … LIMIT/OFFSET on the GUI thread: a scan and
    // sort of the matches per page, as "sorted, jump to the end" above still costs without one.
    for (const char* text : {"99999", "customer 1"}) {
        model.sort(-1);
        model.setFilterInBackground(text);
        {
            QEventLoop loop;
            QObject::connect(&model, &TableRowsModel::filterFinished, &loop, &QEventLoop::quit);
            if (model.filtering()) loop.exec();
        }
        view.scrollToTop();
        paint(view);
        start = Clock::now();
        model.sort(2, Qt::DescendingOrder); // name: no index
        const double blocked = msSince(start);
        QEventLoop loop;
        QObject::connect(&model, &TableRowsModel::filterFinished, &loop, &QEventLoop::quit);
        if (model.filtering()) loop.exec();
        paint(view);
        std::printf("filter \"%s\" + sort by an unindexed column (%d rows match): GUI thread blocked "
                    "%.2f ms, first sorted rows painted after %.1f ms\n",
                    text, model.rowCount(), blocked, msSince(start));
        reads = model.reads();
        start = Clock::now();
        view.scrollToBottom();
        paint(view);
        std::printf("  then jump to the end, painted: %.1f ms (%d reads)\n", msSince(start),
                    model.reads() - reads);
        start = Clock::now();
        for (int i = 0; i < 50; ++i) {
            bar->setValue(bar->value() - bar->pageStep());
            paint(view);
        }
        std::printf("  then 50 page-ups, painted: %.2f ms each\n", msSince(start) / 50);
        // What one page of it cost before, on the GUI thread: the query the model used to run.
        start = Clock::now();
        const auto old = txs::database::shortRead(
            path,
            "SELECT rowid, * FROM big WHERE (CAST(id AS TEXT) LIKE ?1 OR CAST(grp AS TEXT) LIKE ?1 OR "
            "CAST(name AS TEXT) LIKE ?1 OR CAST(amount AS TEXT) LIKE ?1) ORDER BY name ASC, rowid ASC "
            "LIMIT 256 OFFSET 0",
            {QString("%%1%").arg(text)});
        std::printf("  (before: each page an ORDER BY … OFFSET read on the GUI thread: %.1f ms for the last "
                    "page, %d rows)\n",
                    msSince(start), int(old.rows.size()));
    }
    return 0;
}
