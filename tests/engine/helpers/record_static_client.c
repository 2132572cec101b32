/* A program with SQLite linked in statically (libsqlite3.a): the probe's tier 2 cannot see its
 * sqlite3_* calls, only its lock calls. It writes one row in a rollback-journal database, going
 * through every lock level: SHARED, RESERVED, PENDING, EXCLUSIVE. */
#include <sqlite3.h>
#include <stdio.h>

int main(int argc, char** argv)
{
    if (argc != 2) return 2;
    sqlite3* db = NULL;
    if (sqlite3_open(argv[1], &db) != SQLITE_OK) return 1;
    char* error = NULL;
    const int rc = sqlite3_exec(db,
                                "PRAGMA journal_mode=DELETE; CREATE TABLE IF NOT EXISTS t(x);"
                                "BEGIN IMMEDIATE; INSERT INTO t VALUES(1); COMMIT;",
                                NULL, NULL, &error);
    if (rc != SQLITE_OK) fprintf(stderr, "record_static_client: %s\n", error ? error : "?");
    sqlite3_free(error);
    sqlite3_close(db);
    return rc == SQLITE_OK ? 0 : 1;
}
