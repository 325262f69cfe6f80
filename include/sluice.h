/*
** include/sluice.h — the public API of sluice, an embedded SQL streaming engine.
**
** sluice runs Flink-style SQL (CREATE TABLE ... WITH (...), INSERT INTO ... SELECT ...) over
** changelog streams: every row carries a kind, +I insert, -U update-before, +U update-after or
** -D delete. It is embedded the way SQLite is: open an engine, prepare statements from SQL text,
** step them, finalize them, close the engine.
**
** This header is the authority on the API. Ownership words used below:
**   borrows               the callee uses the argument only during the call;
**   takes ownership       the callee frees it, on success and on failure alike;
**   returns owned         the caller frees it with the named function;
**   valid until ...       a returned pointer stays valid until the named event.
**
** Threads: one engine is used by one thread at a time. sl_interrupt() is the exception: it may
** be called from any thread or from a signal handler.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SLUICE_H
#define SLUICE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define SL_API __attribute__((visibility("default")))
#else
#define SL_API
#endif

#define SL_VERSION "0.1.0"
#define SL_VERSION_NUMBER 1000 /* X*1000000 + Y*1000 + Z */

/*
** Result codes. One list generates the enum, sl_errstr() and sl_rc_name().
** Codes below 100 are errors; SL_ROW, SL_IDLE and SL_DONE are step results.
*/
#define SL_RC_MAP(X)                                                                               \
    X(OK, 0, "not an error")                                                                       \
    X(ERROR, 1, "generic error")                                                                   \
    X(NOMEM, 2, "out of memory")                                                                   \
    X(MISUSE, 3, "API misuse")                                                                     \
    X(SYNTAX, 4, "syntax error")                                                                   \
    X(SEMANTIC, 5, "invalid query")                                                                \
    X(CONFIG, 6, "invalid option")                                                                 \
    X(UNSUPPORTED, 7, "not supported")                                                             \
    X(IO, 8, "I/O error")                                                                          \
    X(CONNECTOR, 9, "connector error")                                                             \
    X(INTERRUPT, 10, "interrupted")                                                                \
    X(DATA, 11, "bad record")                                                                      \
    X(UNAVAILABLE, 12, "dependency unavailable")                                                   \
    X(INTERNAL, 13, "internal error")                                                              \
    X(ROW, 100, "row ready")                                                                       \
    X(IDLE, 101, "no input ready")                                                                 \
    X(DONE, 102, "finished")

typedef enum sl_rc {
#define SL__RC_ENUM(name, num, text) SL_##name = num,
    SL_RC_MAP(SL__RC_ENUM)
#undef SL__RC_ENUM
} sl_rc;

/* Static text for a result code ("syntax error"); never NULL. */
SL_API const char *sl_errstr(int rc);
/* Static name of a result code ("SL_SYNTAX"); never NULL. */
SL_API const char *sl_rc_name(int rc);

/* Row kinds. The numbers are fixed: they are stored and used as bit positions. */
typedef enum sl_rowkind {
    SL_INSERT = 0,        /* +I */
    SL_UPDATE_BEFORE = 1, /* -U */
    SL_UPDATE_AFTER = 2,  /* +U */
    SL_DELETE = 3         /* -D */
} sl_rowkind;

/* "+I", "-U", "+U" or "-D"; "??" for anything else. */
SL_API const char *sl_rowkind_str(int kind);

typedef struct sl_engine sl_engine; /* one per embedding: catalog, settings, jobs */
typedef struct sl_stmt sl_stmt;     /* one prepared statement */

/*
** Open an engine. *out receives it (returns owned; free with sl_close). Returns SL_OK or
** SL_NOMEM. The built-in connectors (kafka, upsert-kafka, print, ...) and formats are registered.
*/
SL_API int sl_open(sl_engine **out);

/* Close an engine: stops its jobs and frees everything it owns. NULL is a harmless no-op. */
SL_API void sl_close(sl_engine *eng);

/*
** Set an engine setting, as `SET 'key' = 'value'` does. Borrows both strings.
** Returns SL_OK, or SL_CONFIG for an unknown key or invalid value (see sl_errmsg).
*/
SL_API int sl_config(sl_engine *eng, const char *key, const char *value);

/*
** Compile the first statement of sql (nbyte bytes, or up to NUL if nbyte < 0).
** *out receives the statement (returns owned; free with sl_finalize), or NULL when the text
** holds only whitespace and comments. *tail, if not NULL, receives a pointer to the first byte
** after the statement, inside sql. Borrows sql.
**
** Catalog statements (CREATE TABLE, SET) take effect when stepped, so a script must be
** prepared and stepped statement by statement (sl_exec does that).
** Errors: SL_SYNTAX, SL_SEMANTIC, SL_CONFIG, SL_UNSUPPORTED with a message and a byte offset
** into sql (sl_errmsg, sl_error_offset).
*/
SL_API int sl_prepare(sl_engine *eng, const char *sql, int nbyte, sl_stmt **out,
                      const char **tail);

/*
** Run a statement one step.
**   DDL and SET:   executes and returns SL_DONE.
**   INSERT:        runs the job until its sources end, then flushes the sinks and returns
**                  SL_DONE. sl_interrupt() makes the sources stop early; the sinks still flush
**                  and the step returns SL_DONE. A runtime failure returns its error code.
**   EXPLAIN:       returns SL_ROW once per output line (sl_column_text(stmt, 0)), then SL_DONE.
*/
SL_API int sl_step(sl_stmt *stmt);

/* Number of columns of the current result row; 0 when there is none. */
SL_API int sl_column_count(sl_stmt *stmt);

/* Text of column i of the current row; valid until the next sl_step or sl_finalize. */
SL_API const char *sl_column_text(sl_stmt *stmt, int i);

/* Kind (sl_rowkind) of the current row. */
SL_API int sl_row_kind(sl_stmt *stmt);

/*
** What kind of statement stmt is, as its leading SQL words: "CREATE TABLE", "INSERT",
** "EXPLAIN", "SET", ... Static text; "statement" for NULL. A runner uses it to validate a script
** without starting jobs: step everything except "INSERT".
*/
SL_API const char *sl_stmt_type(sl_stmt *stmt);

/* Free a statement. NULL is a harmless no-op. Returns SL_OK. */
SL_API int sl_finalize(sl_stmt *stmt);

/*
** Run every statement of a script in order, stopping at the first error. cb, if not NULL, is
** called for each result row: (ud, ncol, texts). Borrows script. Returns SL_OK or the error.
*/
typedef int (*sl_row_cb)(void *ud, int ncol, const char *const *texts);
SL_API int sl_exec(sl_engine *eng, const char *script, sl_row_cb cb, void *ud);

/*
** 1 when sql ends with a complete statement (a `;` outside strings, quoted names and
** comments), else 0. For REPLs.
*/
SL_API int sl_complete(const char *sql);

/*
** The message of the most recent error on eng, or "not an error". Valid until the next call
** on eng.
*/
SL_API const char *sl_errmsg(sl_engine *eng);
/* The code of the most recent error on eng (an sl_rc). */
SL_API int sl_errcode(sl_engine *eng);
/* Byte offset, in the text given to sl_prepare, of the most recent error; -1 when none. */
SL_API int sl_error_offset(sl_engine *eng);
/* Length in bytes of the SQL span the error refers to; 0 when none. */
SL_API int sl_error_length(sl_engine *eng);

/*
** Ask running steps of eng to stop: sources stop reading, sinks flush, sl_step returns.
** Safe from any thread and from a signal handler.
*/
SL_API void sl_interrupt(sl_engine *eng);

/*
** Process-wide logging (all engines): level "error", "warn" (the default), "info" or "debug";
** format "text" or "json" (JSON lines). NULL leaves a value unchanged. Logs go to standard
** error and never contain secrets or record contents. Returns SL_OK, or SL_MISUSE for an
** unknown value.
*/
SL_API int sl_log_config(const char *level, const char *format);

/*
** Register a secret value (process-wide, any thread): from now on it is replaced by ****** in
** every log line, error message (sl_errmsg), result row (EXPLAIN, SHOW CREATE TABLE, SET) and
** metrics label, whatever option it was given to. Borrows value (copied). Empty values are
** ignored. Returns SL_OK, or SL_MISUSE for NULL.
*/
SL_API int sl_secret_add(const char *value);

/*
** Observability, process-wide and safe from any thread (an HTTP server thread serves them while
** the engine runs a job). Texts are returned owned; free them with sl_text_free.
**
** sl_metrics_text: every metric in the Prometheus text format 0.0.4 (docs/metrics.md).
** sl_readiness: 1 when at least one job runs and every source and sink of the running jobs is
**   connected, else 0; *json (when json is not NULL) receives a JSON object with one entry per
**   connector: {"ready":true,"connectors":[{"job","table","connector","role","connected"}]}.
** sl_heartbeat_age_ms: milliseconds since the least recently active running job loop made
**   progress (it beats at least every 100 ms while healthy); 0 when no job runs.
*/
SL_API char *sl_metrics_text(void);
SL_API int sl_readiness(char **json);
SL_API int64_t sl_heartbeat_age_ms(void);
SL_API void sl_text_free(char *text);

/*
** Write one line through the same logger (for embedding programs and the CLI): level as in
** sl_log_config, component a short name ("runner"), fields name/value pairs ending with a NULL
** name (or NULL), msg the text. Dropped when below the configured level. Registered secrets are
** masked. Returns SL_OK, or SL_MISUSE for an unknown level or a NULL msg.
*/
SL_API int sl_log_write(const char *level, const char *component, const char *const *fields,
                        const char *msg);

/* SL_VERSION_NUMBER of the library actually linked. */
SL_API int sl_libversion_number(void);
/* SL_VERSION of the library actually linked. */
SL_API const char *sl_libversion(void);

#ifdef __cplusplus
}
#endif
#endif /* SLUICE_H */
