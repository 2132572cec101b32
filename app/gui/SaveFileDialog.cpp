#include "app/gui/SaveFileDialog.h"

#include <QFileDialog>

QString askSaveFileName(QWidget* parent, const SaveFileChoice& choice)
{
    QFileDialog dialog(parent, choice.caption);
    dialog.setAcceptMode(QFileDialog::AcceptSave);
    dialog.setFileMode(QFileDialog::AnyFile);
    dialog.setOption(QFileDialog::DontUseNativeDialog); // see the header
    dialog.setNameFilters(choice.filters);
    // The suffix follows the filter the user picks: "t" under PDF is t.pdf, not t.png.
    auto suffixOf = [&choice](const QString& filter) {
        const qsizetype i = choice.filters.indexOf(filter);
        return i >= 0 && i < choice.suffixes.size() ? choice.suffixes[i] : QString();
    };
    if (!choice.filters.isEmpty()) dialog.setDefaultSuffix(suffixOf(choice.filters.first()));
    QObject::connect(
        &dialog, &QFileDialog::filterSelected, &dialog,
        [&dialog, suffixOf](const QString& filter) { dialog.setDefaultSuffix(suffixOf(filter)); });
    if (!choice.defaultName.isEmpty()) dialog.selectFile(choice.defaultName);
    if (dialog.exec() != QDialog::Accepted) return {};
    const QStringList files = dialog.selectedFiles();
    return files.isEmpty() ? QString() : files.first();
}
