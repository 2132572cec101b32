#include "app/gui/ScenarioLibrary.h"

#include <QDir>
#include <QFile>
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

int order(const Scenario& s)
{
    if (s.name.startsWith("seed")) return 0;
    return s.name.startsWith("sqlite-") ? 2 : 1;
}

} // namespace

QVector<Scenario> ScenarioLibrary::all()
{
    QVector<Scenario> out;
    const QDir dir(":/scenarios");
    for (const QString& file : dir.entryList({"*.txs"}, QDir::Files, QDir::Name)) {
        QFile f(dir.filePath(file));
        if (!f.open(QIODevice::ReadOnly)) continue;
        Scenario s;
        s.name = file.chopped(4);
        s.resourcePath = dir.filePath(file);
        s.text = QString::fromUtf8(f.readAll());
        s.title = titleOf(s.name, s.text);
        out << s;
    }
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
