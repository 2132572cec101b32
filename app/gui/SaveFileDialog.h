#pragma once
// The file dialog every Save As and export goes through. The dialog itself adds the suffix
// (QFileDialog::setDefaultSuffix) before it checks whether the file exists, so typing "mine"
// where mine.txs exists asks before replacing it. (Appending the suffix after the dialog had
// closed replaced mine.txs without a word: the dialog had only asked about "mine".) It is Qt's
// own dialog, never the desktop's: a desktop's dialog confirms the name as typed and Qt adds the
// suffix to its answer afterwards, which would be the same silent replacement.

#include <QString>
#include <QStringList>

class QWidget;

struct SaveFileChoice
{
    QString caption;
    QString defaultName; // preselected file name, e.g. "timeline.png"; may be empty
    // Name filters, each with the suffix added to a name typed without one while it is selected
    // ("PNG image (*.png)" with "png"); the first is selected at first.
    QStringList filters;
    QStringList suffixes;
};

// The chosen path (with a suffix), or an empty string when the user cancelled.
QString askSaveFileName(QWidget* parent, const SaveFileChoice& choice);
