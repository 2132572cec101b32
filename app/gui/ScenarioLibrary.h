#pragma once
// The built-in scenarios, compiled into the program from resources/scenarios/*.txs and, as the
// group "Isolation (Hermitage)", resources/scenarios/isolation/*.txs (file names are unique
// across the groups: a scenario is found by its name alone).

#include <QString>
#include <QVector>
#include <optional>

class QComboBox;

struct Scenario
{
    QString name;         // file name without .txs: "seed-concurrent-writes"
    QString title;        // the first comment line, for menus: "The seed: 16 concurrent writers"
    QString resourcePath; // ":/scenarios/seed-concurrent-writes.txs"
    QString group;        // "" for the demos, "Isolation (Hermitage)" for isolation/
    QString text;
};

namespace ScenarioLibrary {
QVector<Scenario> all(); // the seed first, then MVCC demos, then SQLite stories, then each group
std::optional<Scenario> find(const QString& name);
// Adds every scenario to `box` (its title, its name as data), each group under a heading that
// cannot be chosen.
void addItems(QComboBox* box);
} // namespace ScenarioLibrary
