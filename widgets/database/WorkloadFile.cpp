#include "widgets/database/WorkloadFile.h"

#include <QFile>
#include <QFileInfo>
#include <QStringDecoder>

namespace txs::database {

WorkloadFile readWorkloadFile(const QString& path)
{
    WorkloadFile out;
    const QString name = QFileInfo(path).fileName();
    auto refuse = [&](WorkloadFileProblem problem, const QString& why) {
        out.problem = problem;
        out.message = QString("%1: %2").arg(path, why);
        out.text.clear();
        return out;
    };
    QFile file(path);
    if (QFileInfo(path).isDir()) return refuse(WorkloadFileProblem::Unreadable, "is a folder");
    if (!file.open(QIODevice::ReadOnly)) return refuse(WorkloadFileProblem::Unreadable, file.errorString());
    if (file.size() > MaxWorkloadBytes)
        return refuse(WorkloadFileProblem::TooLarge,
                      QString("%1 MiB is too big for a workload script").arg(file.size() >> 20));
    const QByteArray bytes = file.read(MaxWorkloadBytes + 1);
    file.close();
    static const QByteArray sqliteHeader("SQLite format 3\0", 16);
    if (bytes.startsWith(sqliteHeader))
        return refuse(WorkloadFileProblem::SqliteDatabase,
                      QString("%1 is a SQLite database, not a workload script. Open it with "
                              "File › Open Database… to run workloads on it or browse it.")
                          .arg(name));
    if (bytes.contains('\0'))
        return refuse(WorkloadFileProblem::Binary,
                      "is a binary file (it contains NUL bytes), not a workload script");
    static const QByteArray byteOrderMark("\xEF\xBB\xBF");
    const bool marked = bytes.startsWith(byteOrderMark);
    // Stateless and without ConvertInitialBom: the mark, when there is one, is dropped (and
    // remembered in `form`), never shown in the editor.
    QStringDecoder decoder(QStringDecoder::Utf8);
    QString text = decoder.decode(bytes);
    if (decoder.hasError())
        return refuse(WorkloadFileProblem::NotUtf8,
                      "is not UTF-8 text; TxScope opens only what it can save back unchanged");
    // The editor works with '\n' line ends. All of them CRLF is a form Save writes back; some
    // CRLF and some not (or a lone CR) could not be.
    const qsizetype crlf = bytes.count("\r\n"), lf = bytes.count('\n'), cr = bytes.count('\r');
    if (cr != 0 && (cr != crlf || lf != crlf))
        return refuse(WorkloadFileProblem::MixedLineEnds,
                      "mixes CRLF and LF line ends (or has a lone CR); TxScope opens only what it can save "
                      "back unchanged. Convert its line ends, then open it again");
    if (crlf > 0) text.replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
    out.text = std::move(text);
    out.form = {marked, crlf > 0};
    return out;
}

QByteArray encodeWorkload(const QString& text, TextForm form)
{
    QString out = text;
    if (form.crlf) out.replace(QStringLiteral("\n"), QStringLiteral("\r\n"));
    QByteArray bytes = out.toUtf8();
    if (form.byteOrderMark) bytes.prepend("\xEF\xBB\xBF");
    return bytes;
}

} // namespace txs::database
