#include "app/gui/ScenarioLibrary.h"

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QStandardItemModel>
#include <algorithm>

namespace {

QString titleOf(const QString& name, const QString& text)
{
    for (const QString& line : text.split('\n')) {
        const QString t = line.trimmed();
        if (!t.startsWith('#')) break;
        QString title = t.mid(1).trimmed();
        if (title.endsWith('.')) title.chop(1);
        if (!title.isEmpty()) return title;
    }
    return name;
}

// Sub-folders of :/scenarios and the title of their group.
constexpr std::pair<const char*, const char*> kGroups[] = {{"isolation", "Isolation (Hermitage)"}};

int order(const Scenario& s)
{
    if (!s.group.isEmpty()) return 3;
    if (s.name.startsWith("seed")) return 0;
    return s.name.startsWith("sqlite-") ? 2 : 1;
}

void addFolder(QVector<Scenario>& out, const QString& path, const QString& group)
{
    const QDir dir(path);
    for (const QString& file : dir.entryList({"*.txs"}, QDir::Files, QDir::Name)) {
        QFile f(dir.filePath(file));
        if (!f.open(QIODevice::ReadOnly)) continue;
        Scenario s;
        s.name = file.chopped(4);
        s.resourcePath = dir.filePath(file);
        s.group = group;
        s.text = QString::fromUtf8(f.readAll());
        s.title = titleOf(s.name, s.text);
        out << s;
    }
}

} // namespace

QVector<Scenario> ScenarioLibrary::all()
{
    QVector<Scenario> out;
    addFolder(out, ":/scenarios", QString());
    for (const auto& [folder, title] : kGroups)
        addFolder(out, QStringLiteral(":/scenarios/") + folder, QString::fromUtf8(title));
    std::stable_sort(out.begin(), out.end(),
                     [](const Scenario& a, const Scenario& b) { return order(a) < order(b); });
    return out;
}

std::optional<Scenario> ScenarioLibrary::find(const QString& name)
{
    for (const auto& s : all())
        if (s.name == name) return s;
    return std::nullopt;
}

void ScenarioLibrary::addItems(QComboBox* box)
{
    QString group;
    for (const auto& s : all()) {
        if (s.group != group) {
            group = s.group;
            box->insertSeparator(box->count());
            box->addItem(group);
            if (auto* model = qobject_cast<QStandardItemModel*>(box->model())) {
                QStandardItem* heading = model->item(box->count() - 1);
                heading->setFlags(heading->flags() & ~(Qt::ItemIsSelectable | Qt::ItemIsEnabled));
                QFont bold = heading->font();
                bold.setBold(true);
                heading->setFont(bold);
            }
        }
        box->addItem(s.title, s.name);
    }
}
