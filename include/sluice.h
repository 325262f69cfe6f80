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

/*
** Close an engine: stops its jobs (background INSERTs too: sources stop, sinks flush), waits
** for them and frees everything it owns. Finalize its statements first. NULL is a harmless
** no-op.
*/
SL_API void sl_close(sl_engine *eng);

/*
** Set an engine setting, as `SET 'key' = 'value'` does; a NULL value resets it to its default,
** as `RESET 'key'` does. Borrows both strings.
** Returns SL_OK, or SL_CONFIG for an unknown key or invalid value (see sl_errmsg).
*/
SL_API int sl_config(sl_engine *eng, const char *key, const char *value);

/*
** The current value of a setting as text (its default when not SET), or NULL for an unknown
** key (sl_errmsg says why). Valid until the setting changes or eng is closed.
*/
SL_API const char *sl_config_get(sl_engine *eng, const char *key);

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
**   DDL, SET, RESET, STOP JOB:  execute and return SL_DONE. STOP JOB 'id' stops a running job
**                  (its sources stop, its sinks flush) and waits for it.
**   INSERT:        with 'table.dml-sync' = 'true' (the default), runs the job until its
**                  sources end, then flushes the sinks and returns SL_DONE. sl_interrupt()
**                  makes the sources stop early; the sinks still flush and the step returns
**                  SL_DONE. A runtime failure returns its error code.
**                  With 'table.dml-sync' = 'false', starts the job on its own thread and
**                  returns one SL_ROW, the job's id ("job id"), then SL_DONE; the job runs
**                  until its sources end, STOP JOB, or sl_close. sl_interrupt() does not
**                  reach it.
**   SELECT:        starts the query, then returns SL_ROW once per changelog row: sl_row_kind
**                  says +I, -U, +U or -D. It waits for rows; it returns SL_DONE when the
**                  sources ended (bounded), at LIMIT or the 'client.preview.max-rows' setting,
**                  or after sl_interrupt() (rows not yet returned are dropped). sl_finalize
**                  stops a query that is still running.
**   EXPLAIN, SHOW TABLES, SHOW JOBS, SHOW CREATE TABLE, DESCRIBE, SET (no arguments), HELP:
**                  return SL_ROW once per result row, then SL_DONE.
*/
SL_API int sl_step(sl_stmt *stmt);

/*
** sl_step, waiting at most timeout_ms for a SELECT's next row (negative: as long as it takes):
** SL_IDLE when none came in time. The same as sl_step for every other statement.
*/
SL_API int sl_step_timeout(sl_stmt *stmt, int timeout_ms);

/* Number of columns of the statement's result rows, known after sl_prepare; 0 for a
** statement that returns no rows. */
SL_API int sl_column_count(sl_stmt *stmt);

/* Name of result column i ("order_id", "table name", "job id"); NULL when out of range. Valid
** until sl_finalize. */
SL_API const char *sl_column_name(sl_stmt *stmt, int i);

/* SQL type of result column i ("INT", "DECIMAL(10, 2)", "STRING NOT NULL"); columns of
** SHOW, DESCRIBE, EXPLAIN ... are "STRING" except the counters of SHOW JOBS ("BIGINT").
** NULL when out of range. Valid until sl_finalize. */
SL_API const char *sl_column_type(sl_stmt *stmt, int i);

/*
** Text of column i of the current row, in SQL literal form without quotes (2020-03-08
** 13:12:11.120, TRUE, 1.0E7); NULL for a SQL NULL and when there is no current row. Valid
** until the next sl_step or sl_finalize.
*/
SL_API const char *sl_column_text(sl_stmt *stmt, int i);

/* Kind (sl_rowkind) of the current row; SL_INSERT for rows of statements other than SELECT. */
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
** called for each result row: (ud, ncol, texts), texts as sl_column_text gives them (NULL
** for a SQL NULL). A nonzero return from cb stops the script with SL_INTERRUPT. Borrows
** script. Returns SL_OK or the error.
*/
typedef int (*sl_row_cb)(void *ud, int ncol, const char *const *texts);
SL_API int sl_exec(sl_engine *eng, const char *script, sl_row_cb cb, void *ud);

/*
** Run one SELECT and call cb for each changelog row: (ud, kind, ncol, texts), kind an
** sl_rowkind, texts as sl_column_text gives them. Returns SL_OK when the query ended (its
** sources ended, LIMIT, sl_interrupt, or cb returned nonzero, which stops it), or the error.
** Borrows sql.
*/
typedef int (*sl_change_cb)(void *ud, int kind, int ncol, const char *const *texts);
SL_API int sl_select(sl_engine *eng, const char *sql, sl_change_cb cb, void *ud);

/*
** 1 when sql ends with a complete statement (a `;` outside strings, quoted names and
** comments), else 0. For REPLs.
*/
SL_API int sl_complete(const char *sql);

/* What the end of a shell's input is inside of (sl_input_state). */
typedef enum sl_input {
    SL_INPUT_EMPTY = 0,    /* only blanks and comments: nothing to run */
    SL_INPUT_COMPLETE = 1, /* ends with a `;` outside strings, quoted names and comments */
    SL_INPUT_MORE = 2,     /* a statement goes on */
    SL_INPUT_STRING = 3,   /* ... inside a '...' string */
    SL_INPUT_NAME = 4,     /* ... inside a `...` quoted name */
    SL_INPUT_COMMENT = 5,  /* ... inside a block comment */
    SL_INPUT_PAREN = 6     /* ... inside parentheses */
} sl_input;

/* The sl_input state of sql (NUL-terminated), for a REPL's continuation prompt. */
SL_API int sl_input_state(const char *sql);

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
** Kafka Connect configs. A MaxCompute Kafka connector config (the JSON posted to Kafka
** Connect's REST API: {"name": ..., "config": {"connector.class": ..., ...}}) translates to a
** SQL script: a 'kafka' source table of the records, a 'maxcompute' sink table with the
** connector's options, and the INSERT between them (docs/maxcompute-connector-config.md).
*/
typedef struct sl_connect_opts {
    const char *bootstrap_servers; /* "host:port[,...]" of the Kafka cluster, or NULL; wins over
                                      the worker config's */
    const char *worker_config;     /* text of a Kafka Connect worker .properties file, or NULL */
    const char *worker_config_name; /* its name in messages, or NULL */
    int mask_secrets;              /* 1: secret option values are written as '******' (for
                                      showing the SQL; such a script does not run as meant) */
} sl_connect_opts;

/* A span of the generated SQL and the span of the config text it was made from. */
typedef struct sl_connect_span {
    int sql_offset, sql_len;
    int src_offset, src_len;
} sl_connect_span;

typedef struct sl_connect_result {
    char *sql;       /* the script, NUL-terminated; NULL on failure */
    char *errmsg;    /* on failure, the message; NULL on success */
    int err_offset;  /* on failure, byte offset of the error in the config text, or -1 */
    int err_len;     /* its length in bytes (0 when err_offset is -1) */
    int nspans;      /* where the option literals of the SQL came from, for sl_connect_map */
    sl_connect_span *spans;
} sl_connect_result;

/*
** Translate the config json[0..len) into a SQL script. Borrows json and opts; fills *res,
** whose members are owned by it (free them with sl_connect_result_free, on success and failure
** alike). Returns SL_OK; SL_SYNTAX for malformed JSON; SL_CONFIG for a config that is not a
** valid MaxCompute sink connector config, or when no Kafka cluster is given; SL_MISUSE for
** NULL arguments. Options of the sink are not checked here but when the script's CREATE TABLE
** runs; sl_connect_map turns the position of such an error back into the config text.
*/
SL_API int sl_connect_config_to_sql(const char *json, size_t len, const sl_connect_opts *opts,
                                    sl_connect_result *res);

/*
** Map a byte offset in res->sql to the config text: the start of the innermost span holding
** it (its length in *len if len is not NULL), or -1 when the SQL there was not written from
** the config.
*/
SL_API int sl_connect_map(const sl_connect_result *res, int sql_offset, int *len);

/* Free what res owns and clear it. */
SL_API void sl_connect_result_free(sl_connect_result *res);

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
