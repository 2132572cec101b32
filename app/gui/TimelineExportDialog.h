#pragma once
// Export › Timeline as image: asks for the picture's size (slides and papers want a fixed one,
// not the window's) and its title, then the file.

#include <QSize>
#include <QString>
#include <optional>

class QWidget;

struct TimelineExportChoice
{
    QString path; // .png, .pdf or .svg
    QSize size;
    QString title;
};

std::optional<TimelineExportChoice> askTimelineExport(QWidget* parent, const QString& defaultTitle,
                                                      QSize defaultSize);
