#pragma once
// Answering the window's modal dialogs in a test, as a user would. A modal dialog runs its own
// event loop, so the answer is queued before the action that opens it and polls (one queued call
// per turn of whatever loop runs) until the test says it is done. Header-only, like WindowTest.h.

#include <QAbstractButton>
#include <QApplication>
#include <QFileDialog>
#include <QMessageBox>
#include <QTimer>
#include <functional>
#include <memory>

namespace txs::test {

// Until `*done`: each turn, every visible top-level widget is offered to `answer` until it takes
// one (returns true). The next turn is queued before answering, as an answer may open a nested
// dialog (accepting a file dialog opens "replace it?") whose loop must find it.
inline void whenShown(std::function<bool(QWidget*)> answer, std::shared_ptr<bool> done)
{
    QTimer::singleShot(0, [answer = std::move(answer), done]() mutable {
        if (*done) return;
        whenShown(answer, done);
        for (QWidget* w : QApplication::topLevelWidgets())
            if (w->isVisible() && answer(w)) return;
    });
}

// What saveAsSoon saw: the "replace it?" questions, and the other message boxes (refusals).
struct SaveAsAnswers
{
    bool replace = true; // the answer to "... already exists. Do you want to replace it?"
    int fileDialogs = 0; // file dialogs answered
    QStringList questions;
    QStringList refusals;
};

// Answers Save As dialogs with `path` as a user would: types the name, accepts (Enter), and
// answers the replace question with `answers->replace`; after No, cancels the dialog as the user
// would. Any other message box is closed and its text kept in `answers->refusals`.
inline void saveAsSoon(const QString& path, std::shared_ptr<SaveAsAnswers> answers,
                       std::shared_ptr<bool> done)
{
    auto cancelNext = std::make_shared<bool>(false);
    whenShown(
        [path, answers, cancelNext](QWidget* w) {
            if (auto* box = qobject_cast<QMessageBox*>(w)) {
                QAbstractButton* yes = box->button(QMessageBox::Yes);
                QAbstractButton* no = box->button(QMessageBox::No);
                if (yes && no) { // "replace it?"
                    answers->questions << box->text();
                    *cancelNext = !answers->replace;
                    (answers->replace ? yes : no)->click();
                } else {
                    answers->refusals << box->text();
                    box->reject();
                }
                return true;
            }
            auto* dialog = qobject_cast<QFileDialog*>(w);
            if (!dialog) return false;
            if (*cancelNext) {
                *cancelNext = false;
                dialog->reject();
                return true;
            }
            if (dialog->property("answered").toBool()) return false;
            dialog->setProperty("answered", true); // accept() below may open a box: answer once
            ++answers->fileDialogs;
            dialog->selectFile(path);
            static_cast<QDialog*>(dialog)->accept(); // QFileDialog::accept, as Enter would
            return true;
        },
        std::move(done));
}

} // namespace txs::test
