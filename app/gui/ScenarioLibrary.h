#pragma once
// The built-in scenarios, compiled into the program from resources/scenarios/*.txs.

#include <QString>
#include <QVector>
#include <optional>

struct Scenario
{
    QString name;         // file name without .txs: "seed-concurrent-writes"
    QString title;        // the first comment line, for menus: "The seed: 16 concurrent writers"
    QString resourcePath; // ":/scenarios/seed-concurrent-writes.txs"
    QString text;
};

namespace ScenarioLibrary {
QVector<Scenario> all(); // the seed first, then MVCC demos, then SQLite stories
std::optional<Scenario> find(const QString& name);
} // namespace ScenarioLibrary
