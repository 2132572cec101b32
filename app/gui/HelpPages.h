#pragma once
// The Help menu's pages: the workload-format reference (docs/workload-format.md, compiled in as
// a resource, so it matches the program) and the list of built-in scenarios, each a link that
// opens it. Non-modal windows, so the reference stays open beside the editor.

#include <QString>
#include <functional>

class QWidget;
class QTextBrowser;

namespace HelpPages {

// The reference's Markdown, or an empty string when the resource is missing.
QString workloadFormatMarkdown();
// The scenario list as HTML: one link "scenario:NAME" per built-in scenario, with its title.
QString scenarioListHtml();

// Opens (or raises) a window showing the page; returns its browser (tests read it).
QTextBrowser* showWorkloadFormat(QWidget* parent);
// `open` is called with a scenario's name when its link is clicked.
QTextBrowser* showScenarioList(QWidget* parent, std::function<void(const QString& name)> open);

} // namespace HelpPages
