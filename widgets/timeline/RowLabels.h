#pragma once
// Small names of the rows under each lane ("stmt", "db", "WAL", "READ", "MVCC"), written in the
// left margin under the lane's name when the rows are tall enough to hold them.

#include "widgets/timeline/TimelineScene.h"

#include <qcustomplot.h>

namespace txs::timeline {

class RowLabels : public QCPLayerable
{
public:
    RowLabels(QCPAxisRect* axisRect, const TimelineScene& scene, const QString& layer);

    // The widest label, for the axis rect's left margin.
    int maximumWidth() const;
    QFont font() const;

protected:
    void applyDefaultAntialiasingHint(QCPPainter* painter) const override;
    void draw(QCPPainter* painter) override;

private:
    QCPAxisRect* axisRect_;
    const TimelineScene& scene_;
};

} // namespace txs::timeline
