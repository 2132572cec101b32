#pragma once
// EXPECT_ERROR: a statement must fail with an error of a given kind whose message names a word,
// for tests that check SQLite's and Turso's refusals message by message.

#include "engine/api/Connection.h"
#include "engine/api/Error.h"

#include <QTest>
#include <string>

namespace txs::test {

inline bool mentions(const std::string& text, const std::string& needle)
{
    return text.find(needle) != std::string::npos;
}

inline std::string describeKind(const Error& e, ErrorKind expected)
{
    return e.describe() + " [kind " + errorKindName(e.kind) + ", expected " + errorKindName(expected) + "]";
}

} // namespace txs::test

// `sql` on `conn` must fail with an error of `expectedKind` whose message contains `needle`;
// the error is copied to `out` for further checks.
#define EXPECT_ERROR_INTO(out, conn, sql, expectedKind, needle)                                              \
    do {                                                                                                     \
        auto r_ = (conn).execute(sql);                                                                       \
        QVERIFY2(!r_.ok(), (std::string("expected an error from: ") + (sql)).c_str());                       \
        (out) = *r_.error;                                                                                   \
        QVERIFY2(r_.error->kind == (expectedKind),                                                           \
                 ::txs::test::describeKind(*r_.error, (expectedKind)).c_str());                              \
        QVERIFY2(::txs::test::mentions(r_.error->message, (needle)),                                         \
                 (r_.error->message + " does not mention \"" + (needle) + "\"").c_str());                    \
    } while (0)

#define EXPECT_ERROR(conn, sql, expectedKind, needle)                                                        \
    do {                                                                                                     \
        ::txs::Error e_;                                                                                     \
        EXPECT_ERROR_INTO(e_, conn, sql, expectedKind, needle);                                              \
    } while (0)
