#pragma once
// The Dependencies panel's colours, from the palette so the graph reads in the light and dark
// themes and on a projector. One hue per edge type, the same meaning everywhere (legend,
// edges, labels): ww blue, wr green, rw orange; a predicate rw is violet and dashed, so it
// differs by more than hue.

#include "engine/analysis/DependencyGraph.h"

#include <QColor>
#include <QPalette>

namespace txs::dependencies {

struct DependencyColors
{
    QColor background, zebra, text, mutedText, box, boxBorder, cycle, halo;
    QColor ww, wr, rw, predicate;

    const QColor& of(const analysis::Edge& e) const
    {
        if (e.type == analysis::EdgeType::RW) return e.predicate ? predicate : rw;
        return e.type == analysis::EdgeType::WW ? ww : wr;
    }
    static DependencyColors fromPalette(const QPalette& palette);
};

} // namespace txs::dependencies
