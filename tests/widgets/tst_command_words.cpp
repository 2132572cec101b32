// The Trace Application dialog's command line split as a POSIX shell splits words (without
// expanding anything): checked against /bin/sh's own splitting of the same lines.

#include "widgets/record/CommandWords.h"

#include <QProcess>
#include <QTest>

using namespace txs::record_view;

class TestCommandWords : public QObject
{
    Q_OBJECT

private slots:
    void splitsAsAShellDoes_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QStringList>("words");
        QTest::newRow("plain") << "python3 app.py --db x.db"
                               << QStringList{"python3", "app.py", "--db", "x.db"};
        QTest::newRow("blanks") << "  a \t b  " << QStringList{"a", "b"};
        QTest::newRow("single quotes") << "python3 -c 'import app; app.run(\"x\")'"
                                       << QStringList{"python3", "-c", "import app; app.run(\"x\")"};
        QTest::newRow("double quotes")
            << "sqlite3 \"my data.db\" \"it's\"" << QStringList{"sqlite3", "my data.db", "it's"};
        QTest::newRow("escapes in double quotes")
            << "echo \"a \\\"b\\\" \\\\ \\n\"" << QStringList{"echo", "a \"b\" \\ \\n"};
        QTest::newRow("backslash outside") << "ls my\\ file \\'x" << QStringList{"ls", "my file", "'x"};
        QTest::newRow("joined parts") << "--name='a b'\"c\"d" << QStringList{"--name=a bcd"};
        QTest::newRow("empty word") << "prog '' \"\"" << QStringList{"prog", "", ""};
        QTest::newRow("no expansion") << "echo $HOME *.db ~" << QStringList{"echo", "$HOME", "*.db", "~"};
        QTest::newRow("empty line") << "   " << QStringList{};
    }

    void splitsAsAShellDoes()
    {
        QFETCH(QString, line);
        QFETCH(QStringList, words);
        const CommandWords split = splitCommandWords(line);
        QVERIFY2(split.error.isEmpty(), qPrintable(split.error));
        QCOMPARE(split.words, words);
        // The same line through the shell (with expansion turned off: `set -f`, and the
        // expected words have no $ or ~ the shell would expand in the lines it sees here).
        if (line.contains('$') || line.contains('~')) return;
        QProcess sh;
        sh.start("/bin/sh", {"-c", "set -f; for w in " + line + "; do printf '%s\\0' \"$w\"; done"});
        QVERIFY(sh.waitForFinished(5000));
        QStringList shellWords;
        const QByteArray out = sh.readAllStandardOutput();
        for (const QByteArray& w : out.split('\0'))
            shellWords << QString::fromUtf8(w);
        shellWords.removeLast(); // after the last \0
        QCOMPARE(split.words, shellWords);
    }

    void unterminatedQuotesAreSaid()
    {
        QVERIFY(splitCommandWords("python3 -c 'oops").error.contains("single quote at character 12"));
        QVERIFY(splitCommandWords("a \"b").error.contains("double quote"));
        QVERIFY(splitCommandWords("a b\\").error.contains("backslash"));
    }
};

QTEST_GUILESS_MAIN(TestCommandWords)
#include "tst_command_words.moc"
