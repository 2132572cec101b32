#include "app/gui/HelpPages.h"

#include "app/gui/ScenarioLibrary.h"

#include <QDialog>
#include <QFile>
#include <QTextBrowser>
#include <QUrl>
#include <QVBoxLayout>

namespace {

QTextBrowser* pageWindow(QWidget* parent, const QString& objectName, const QString& title)
{
    if (auto* existing = parent->findChild<QDialog*>(objectName)) {
        existing->show();
        existing->raise();
        existing->activateWindow();
        return existing->findChild<QTextBrowser*>();
    }
    auto* dialog = new QDialog(parent);
    dialog->setObjectName(objectName);
    dialog->setWindowTitle(title);
    dialog->setModal(false);
    auto* browser = new QTextBrowser(dialog);
    auto* layout = new QVBoxLayout(dialog);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(browser);
    // A comfortable reading size, never larger than the window it belongs to.
    const QSize room = parent->size();
    dialog->resize(std::min(760, std::max(480, room.width() * 2 / 3)),
                   std::min(900, std::max(360, room.height() * 5 / 6)));
    dialog->show();
    return browser;
}

} // namespace

QString HelpPages::workloadFormatMarkdown()
{
    QFile f(":/docs/workload-format.md");
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QString::fromUtf8(f.readAll());
}

QString HelpPages::scenarioListHtml()
{
    QString html = "<h2>Built-in scenarios</h2><p>Click one to open it in the editor; F5 runs it.</p><ul>";
    QString group;
    for (const Scenario& s : ScenarioLibrary::all()) {
        if (s.group != group) {
            group = s.group;
            html += QString("</ul><h3>%1</h3><ul>").arg(group.toHtmlEscaped());
        }
        html += QString("<li><a href=\"scenario:%1\"><b>%2</b></a><br><code>%1.txs</code></li>")
                    .arg(s.name.toHtmlEscaped(), s.title.toHtmlEscaped());
    }
    return html + "</ul>";
}

QTextBrowser* HelpPages::showWorkloadFormat(QWidget* parent)
{
    QTextBrowser* browser = pageWindow(parent, "workloadFormatHelp", "The workload format (.txs) — TxScope");
    // Links to other documents of the repository are not shipped: keep the browser where it is.
    browser->setOpenLinks(false);
    browser->setMarkdown(workloadFormatMarkdown());
    return browser;
}

QTextBrowser* HelpPages::showScenarioList(QWidget* parent, std::function<void(const QString&)> open)
{
    QTextBrowser* browser = pageWindow(parent, "scenarioListHelp", "Built-in scenarios — TxScope");
    browser->setOpenLinks(false);
    browser->setHtml(scenarioListHtml());
    QObject::disconnect(browser, &QTextBrowser::anchorClicked, nullptr, nullptr);
    QObject::connect(browser, &QTextBrowser::anchorClicked, browser, [open](const QUrl& url) {
        if (url.scheme() == "scenario" && open) open(url.path());
    });
    return browser;
}
