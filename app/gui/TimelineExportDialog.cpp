#include "app/gui/TimelineExportDialog.h"

#include "app/gui/SaveFileDialog.h"

#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>

std::optional<TimelineExportChoice> askTimelineExport(QWidget* parent, const QString& defaultTitle,
                                                      QSize defaultSize)
{
    QDialog dialog(parent);
    dialog.setWindowTitle("Export the timeline");
    auto* form = new QFormLayout(&dialog);
    auto* title = new QLineEdit(defaultTitle, &dialog);
    title->setObjectName("exportTitle");
    form->addRow("Title:", title);
    auto* width = new QSpinBox(&dialog);
    auto* height = new QSpinBox(&dialog);
    for (QSpinBox* box : {width, height}) {
        box->setRange(200, 8000);
        box->setSuffix(" px");
    }
    width->setValue(defaultSize.width());
    height->setValue(defaultSize.height());
    auto* sizeRow = new QHBoxLayout;
    sizeRow->addWidget(width);
    sizeRow->addWidget(new QLabel("×", &dialog));
    sizeRow->addWidget(height);
    form->addRow("Size:", sizeRow);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    form->addRow(buttons);
    if (dialog.exec() != QDialog::Accepted) return std::nullopt;

    const QString path =
        askSaveFileName(parent, {"Export timeline",
                                 "timeline.png",
                                 {"PNG image (*.png)", "PDF document (*.pdf)", "SVG drawing (*.svg)"},
                                 {"png", "pdf", "svg"}});
    if (path.isEmpty()) return std::nullopt;
    return TimelineExportChoice{path, {width->value(), height->value()}, title->text()};
}
