// TreeAutoExpander: which rows of a tree open as they appear, which close again when they grow,
// and that a row the user toggled stays as the user left it. A QStandardItemModel stands in for
// the Versions panel's model (tables, keys, versions); the view need not be shown.

#include "widgets/views/TreeAutoExpander.h"

#include <QStandardItemModel>
#include <QTreeView>
#include <QtTest>
#include <memory>

using txs::TreeAutoExpander;

namespace {

QStandardItem* addRow(QStandardItem* parent, const QString& text)
{
    auto* item = new QStandardItem(text);
    parent->appendRow(item);
    return item;
}

// A key with `versions` versions, built before it is inserted (the model inserts a key with its
// chain, in one rowsInserted).
QStandardItem* keyWithVersions(const QString& name, int versions)
{
    auto* key = new QStandardItem(name);
    for (int v = 0; v < versions; ++v)
        key->appendRow(new QStandardItem(QString("v%1").arg(v)));
    return key;
}

// A tree whose rule opens up to depth 2 and at most `maxChildren` children.
struct Tree
{
    explicit Tree(int maxChildren)
    {
        view.setModel(&model);
        expander = std::make_unique<TreeAutoExpander>(&view, 2, maxChildren);
    }
    bool open(const QStandardItem* item) const { return view.isExpanded(item->index()); }

    QStandardItemModel model;
    QTreeView view;
    std::unique_ptr<TreeAutoExpander> expander;
};

} // namespace

class TstTreeAutoExpander : public QObject
{
    Q_OBJECT

private slots:
    void tablesAndKeysOpenAsTheyAppear()
    {
        Tree t(4);
        QStandardItem* table = addRow(t.model.invisibleRootItem(), "accounts");
        QVERIFY(t.open(table)); // open before its first key
        table->appendRow(keyWithVersions("1", 2));
        table->appendRow(keyWithVersions("2", 1));
        QVERIFY(t.open(table->child(0)));
        QVERIFY(t.open(table->child(1)));
        // A version (depth 3) is below the opened levels: nothing opens it.
        addRow(table->child(0)->child(0), "detail");
        QVERIFY(!t.open(table->child(0)->child(0)));
    }

    void aTableThatGrowsPastTheLimitClosesAndItsNewKeysStayClosed()
    {
        Tree t(4);
        QStandardItem* table = addRow(t.model.invisibleRootItem(), "hits");
        for (int k = 0; k < 4; ++k)
            table->appendRow(keyWithVersions(QString::number(k), 1));
        QVERIFY(t.open(table));
        table->appendRow(keyWithVersions("4", 1)); // the fifth key: past the limit of 4
        QVERIFY(!t.open(table));
        QVERIFY(!t.open(table->child(4)));
        // Many keys at once under a closed table: none is opened, the table stays closed.
        QList<QStandardItem*> many;
        for (int k = 5; k < 1000; ++k)
            many.append(keyWithVersions(QString::number(k), 1));
        for (QStandardItem* key : many)
            table->appendRow(key);
        QVERIFY(!t.open(table));
        QVERIFY(!t.open(table->child(999)));
    }

    void aKeyWithALongChainClosesAndOneBornLongStaysClosed()
    {
        Tree t(4);
        QStandardItem* table = addRow(t.model.invisibleRootItem(), "counters");
        QStandardItem* hot = keyWithVersions("hot", 1);
        table->appendRow(hot);
        QVERIFY(t.open(hot));
        for (int v = 1; v <= 4; ++v)
            addRow(hot, QString("v%1").arg(v)); // five versions: past the limit
        QVERIFY(!t.open(hot));
        QVERIFY(t.open(table)); // the table has one key: still open
        table->appendRow(keyWithVersions("born long", 5));
        QVERIFY(!t.open(table->child(1)));
    }

    void whatTheUserOpenedOrClosedStaysSo()
    {
        Tree t(2);
        QStandardItem* big = addRow(t.model.invisibleRootItem(), "big");
        big->appendRow(keyWithVersions("1", 1));
        t.view.collapse(big->index()); // the user closes it
        big->appendRow(keyWithVersions("2", 1));
        QVERIFY(!t.open(big));
        QVERIFY(!t.open(big->child(1)));         // under a closed table: left alone
        t.view.expand(big->index());             // the user opens it again: theirs now
        big->appendRow(keyWithVersions("3", 1)); // past the limit of 2
        QVERIFY(t.open(big));                    // not closed on the user
        QVERIFY(!t.open(big->child(2)));         // but the big table's new keys stay closed
    }

    void rowsPresentAtAResetOpenTooAndRemovedRowsAreForgotten()
    {
        QStandardItemModel model;
        QStandardItem* table = addRow(model.invisibleRootItem(), "accounts");
        table->appendRow(keyWithVersions("1", 2));
        QTreeView view;
        view.setModel(&model);
        TreeAutoExpander expander(&view, 2, 4); // made after the rows: it opens what is there
        QVERIFY(view.isExpanded(table->index()));
        QVERIFY(view.isExpanded(table->child(0)->index()));
        // A row removed and inserted again (the instant moved back and forth) is a new row: it
        // opens again while small.
        model.removeRow(0);
        QStandardItem* again = new QStandardItem("accounts");
        again->appendRow(keyWithVersions("1", 1));
        model.appendRow(again);
        QVERIFY(view.isExpanded(again->index()));
        QVERIFY(view.isExpanded(again->child(0)->index()));
        // Many removals and insertions: each new row is opened as the first was.
        for (int i = 0; i < 500; ++i) {
            model.removeRow(0);
            auto* t = new QStandardItem(QString("t%1").arg(i));
            t->appendRow(keyWithVersions("k", 1));
            model.appendRow(t);
            QVERIFY(view.isExpanded(t->index()));
        }
        model.clear(); // a reset
        QStandardItem* fresh = addRow(model.invisibleRootItem(), "fresh");
        QVERIFY(view.isExpanded(fresh->index()));
    }
};

QTEST_MAIN(TstTreeAutoExpander)
#include "tst_tree_auto_expander.moc"
