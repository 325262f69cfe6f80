/*
** cli/main.c — the sluice command: run a job script, explain it, print help.
**
** The CLI is a client of the public API only (include/sluice.h), like SQLite's shell. A
** script runs statement by statement; the first error stops it with a message pointing into
** the file. SIGINT and SIGTERM stop a running job cleanly: sources stop reading, sinks flush,
** and the process exits 0; the rest of the script is not run.
**
** A file whose first non-blank byte is '{' is a Kafka Connect config of the MaxCompute sink
** connector: it is translated to SQL (sl_connect_config_to_sql) and run, or explained, as a
** script; errors in that SQL are shown at the config key or value they came from.
**
** SPDX-License-Identifier: MIT
*/
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "connect.h"
#include "render.h"
#include "repl.h"
#include "sluice.h"
#include "subst.h"

enum { EXIT_OK = 0, EXIT_SQL = 1, EXIT_USAGE = 2, EXIT_CONFIG = 78 };

static sl_engine *g_eng;
static volatile sig_atomic_t g_stop;
static sl_subst g_subst;
static const char *g_file, *g_orig;
static size_t g_orig_len;
static const sl_connect_result *g_connect; /* the translation being run, when the file is JSON */

static const char usage[] =
    "usage: sluice <command> [options] [FILE]\n"
    "\n"
    "Commands:\n"
    "  run FILE.sql        run a job script: CREATE TABLE statements register tables, each\n"
    "                      INSERT runs as a job until its sources end (or SIGINT/SIGTERM)\n"
    "  explain FILE.sql    print the plan of every INSERT and SELECT in the script, with the\n"
    "                      changelog mode, keys and state of each operator; runs nothing\n"
    "  run|explain FILE.json\n"
    "                      the same for a MaxCompute Kafka connector config (Kafka Connect\n"
    "                      JSON), translated to SQL: a kafka source, a maxcompute sink and\n"
    "                      the INSERT between them (docs/maxcompute-connector-config.md)\n"
    "  repl                the interactive shell (the default on a terminal); with input\n"
    "                      from a pipe it prints results as JSON lines (sluice repl --help)\n"
    "  version             print the version\n"
    "  help                print this help\n"
    "\n"
    "Options:\n"
    "  -D, --define NAME=VALUE\n"
    "                      define ${NAME} for the script (before the environment)\n"
    "  --secrets-dir DIR   where ${secret_values.NAME} files are read from\n"
    "  --log-level LEVEL   error, warn (default), info or debug; logs go to standard error\n"
    "  --bootstrap-servers HOST:PORT[,...]\n"
    "                      JSON configs: the Kafka cluster to read (wins over the worker's)\n"
    "  --worker-config FILE\n"
    "                      JSON configs: a Kafka Connect worker .properties file; its\n"
    "                      bootstrap.servers, consumer.* and offset.flush.interval.ms apply\n"
    "  --print-sql         JSON configs: print the SQL (secrets masked) instead of running\n"
    "  -h, --help          print this help\n"
    "\n"
    "Exit codes:\n"
    "  0  the script finished, or a job was stopped cleanly by SIGINT/SIGTERM\n"
    "  1  an error in a statement (printed as file:line:col) or a job failure\n"
    "  2  usage error (bad command or option)\n"
    "  78 configuration error: an undefined ${variable} or a missing secret\n"
    "\n"
    "Variables: ${NAME}, ${NAME:-default}, ${NAME:?message}, ${secret_values.NAME}; $$ is a $.\n";

static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
    sl_interrupt(g_eng);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (n + 1 >= cap) {
            cap *= 2;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                if (f != stdin) fclose(f);
                errno = ENOMEM;
                return NULL;
            }
            buf = nb;
        }
        size_t r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
        if (r == 0) break;
    }
    int failed = ferror(f);
    if (f != stdin) fclose(f);
    if (failed) {
        free(buf);
        return NULL;
    }
    buf[n] = 0;
    *len = n;
    return buf;
}

static void print_rows(sl_stmt *stmt, int rc)
{
    while (rc == SL_ROW) {
        int n = sl_column_count(stmt);
        for (int i = 0; i < n; i++) {
            const char *text = sl_column_text(stmt, i); /* NULL for a SQL NULL */
            if (i) fputc('\t', stdout);
            fputs(text ? text : "NULL", stdout);
        }
        fputc('\n', stdout);
        rc = sl_step(stmt);
    }
    fflush(stdout);
}

/* Report an error at out_offset of the substituted text (or without a position). */
static void report(int out_offset, int len, const char *msg)
{
    char *m = sl_subst_mask(&g_subst, strdup(msg));
    if (g_connect && out_offset >= 0) out_offset = sl_connect_map(g_connect, out_offset, &len);
    if (out_offset < 0) {
        sl_cli_print_error(stderr, g_file, g_orig, g_orig_len, -1, 0, m);
    } else {
        size_t at = sl_subst_map(&g_subst, (size_t)out_offset);
        size_t end = sl_subst_map(&g_subst, (size_t)out_offset + (size_t)(len > 0 ? len : 0));
        sl_cli_print_error(stderr, g_file, g_orig, g_orig_len, (int)at,
                           end > at ? (int)(end - at) : 1, m);
    }
    free(m);
}

static int is_query(const char *stmt)
{
    return strncasecmp(stmt, "INSERT", 6) == 0 || strncasecmp(stmt, "SELECT", 6) == 0;
}

static const char *skip_blanks(const char *p, const char *end)
{
    for (;;) {
        while (p < end && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')) p++;
        if (p + 1 < end && p[0] == '-' && p[1] == '-') {
            while (p < end && *p != '\n') p++;
        } else if (p + 1 < end && p[0] == '/' && p[1] == '*') {
            const char *c = strstr(p + 2, "*/");
            p = c ? c + 2 : end;
        } else {
            return p;
        }
    }
}

/*
** Run every statement of the script; with explain_only, print the plans of INSERT and SELECT
** statements instead of running them (catalog statements still run, to define the tables).
*/
static int run_script(const char *src, size_t len, int explain_only)
{
    const char *p = src, *end = src + len;
    while (p < end && !g_stop) {
        sl_stmt *stmt = NULL;
        const char *tail = p, *base = p;
        char *text = NULL;
        int rc = sl_prepare(g_eng, p, (int)(end - p), &stmt, &tail);
        const char *start = skip_blanks(p, tail);
        if (!rc && stmt && explain_only && is_query(start)) {
            /* Re-prepare the statement as EXPLAIN; offsets then count the prefix too. */
            size_t n = (size_t)(tail - start);
            text = malloc(n + 9);
            memcpy(text, "EXPLAIN ", 8);
            memcpy(text + 8, start, n);
            text[8 + n] = 0;
            sl_finalize(stmt);
            stmt = NULL;
            rc = sl_prepare(g_eng, text, (int)(n + 8), &stmt, NULL);
            base = start - 8;
        }
        free(text);
        if (rc == SL_OK && stmt) rc = sl_step(stmt);
        if (rc != SL_OK && rc != SL_ROW && rc != SL_DONE) {
            int off = sl_error_offset(g_eng);
            /* Errors without a position (a job failing at run time) point at the statement. */
            int at = off >= 0 ? off + (int)(base - src) : (int)(start - src);
            report(at, off >= 0 ? sl_error_length(g_eng) : 0, sl_errmsg(g_eng));
            sl_finalize(stmt);
            return EXIT_SQL;
        }
        p = tail;
        if (!stmt) break;
        print_rows(stmt, rc);
        sl_finalize(stmt);
    }
    return EXIT_OK;
}

int main(int argc, char **argv)
{
    const char *cmd = NULL, *file = NULL, *loglevel = NULL, *worker = NULL;
    sl_connect_opts copts = {0};
    int print_sql = 0;
    static const char *defines[256];
    int ndefines = 0;
    /* The interactive shell: `sluice repl [options]`, or `sluice` alone on a terminal. */
    if (argc >= 2 && strcmp(argv[1], "repl") == 0) return sl_repl_main(argc - 2, argv + 2);
    if (argc == 1 && isatty(STDIN_FILENO)) return sl_repl_main(0, argv + 1);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage, stdout);
            return EXIT_OK;
        } else if ((strcmp(a, "-D") == 0 || strcmp(a, "--define") == 0) && i + 1 < argc) {
            const char *d = argv[++i];
            if (!strchr(d, '=') || d[0] == '=' || ndefines == 256) {
                fprintf(stderr, "sluice: --define needs NAME=VALUE, not '%s'\n", d);
                return EXIT_USAGE;
            }
            defines[ndefines++] = d;
        } else if (strncmp(a, "--define=", 9) == 0 && strchr(a + 9, '=') && ndefines < 256) {
            defines[ndefines++] = a + 9;
        } else if (strcmp(a, "--secrets-dir") == 0 && i + 1 < argc) {
            g_subst.secrets_dir = argv[++i];
        } else if (strcmp(a, "--log-level") == 0 && i + 1 < argc) {
            loglevel = argv[++i];
        } else if (strncmp(a, "--log-level=", 12) == 0) {
            loglevel = a + 12;
        } else if (strcmp(a, "--bootstrap-servers") == 0 && i + 1 < argc) {
            copts.bootstrap_servers = argv[++i];
        } else if (strcmp(a, "--worker-config") == 0 && i + 1 < argc) {
            worker = argv[++i];
        } else if (strcmp(a, "--print-sql") == 0) {
            print_sql = 1;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "sluice: unknown option '%s'\n\n%s", a, usage);
            return EXIT_USAGE;
        } else if (!cmd) {
            cmd = a;
        } else if (!file) {
            file = a;
        } else {
            fprintf(stderr, "sluice: unexpected argument '%s'\n\n%s", a, usage);
            return EXIT_USAGE;
        }
    }
    if (!cmd || strcmp(cmd, "help") == 0) {
        fputs(usage, cmd ? stdout : stderr);
        return cmd ? EXIT_OK : EXIT_USAGE;
    }
    if (strcmp(cmd, "version") == 0) {
        printf("sluice %s\n", sl_libversion());
        return EXIT_OK;
    }
    int explain = strcmp(cmd, "explain") == 0;
    if (!explain && strcmp(cmd, "run") != 0) {
        fprintf(stderr, "sluice: unknown command '%s'\n\n%s", cmd, usage);
        return EXIT_USAGE;
    }
    if (!file) {
        fprintf(stderr, "sluice: %s needs a script file\n\n%s", cmd, usage);
        return EXIT_USAGE;
    }
    if (loglevel && sl_log_config(loglevel, NULL) != SL_OK) {
        fprintf(stderr, "sluice: unknown log level '%s' (error, warn, info, debug)\n", loglevel);
        return EXIT_USAGE;
    }
    size_t len = 0;
    char *src = read_file(file, &len);
    if (!src) {
        fprintf(stderr, "sluice: cannot read %s: %s\n", file, strerror(errno));
        return EXIT_SQL;
    }
    g_file = file;
    g_orig = src;
    g_orig_len = len;
    g_subst.defines = defines;
    g_subst.ndefines = ndefines;
    g_subst.json = sl_cli_is_json(src, len);
    if ((worker || copts.bootstrap_servers || print_sql) && !g_subst.json) {
        fprintf(stderr, "sluice: --bootstrap-servers, --worker-config and --print-sql apply to "
                        "JSON connector configs; %s is a SQL script\n", file);
        free(src);
        return EXIT_USAGE;
    }
    if (sl_subst_run(&g_subst, src, len)) {
        sl_cli_print_error(stderr, file, src, len, (int)g_subst.err_offset, 2, g_subst.errmsg);
        free(src);
        return EXIT_CONFIG;
    }
    sl_connect_result conn = {0};
    const char *script = g_subst.out;
    size_t script_len = g_subst.out_len;
    if (g_subst.json) {
        size_t wlen;
        char *wtext = worker ? read_file(worker, &wlen) : NULL;
        if (worker && !wtext) {
            fprintf(stderr, "sluice: cannot read %s: %s\n", worker, strerror(errno));
            free(src);
            return EXIT_SQL;
        }
        copts.worker_config = wtext;
        copts.worker_config_name = worker;
        int rc = sl_cli_translate(print_sql, &copts, g_subst.out, g_subst.out_len, &conn);
        free(wtext);
        if (rc >= 0) {
            if (conn.errmsg) report(conn.err_offset, conn.err_len, conn.errmsg);
            sl_connect_result_free(&conn);
            sl_subst_free(&g_subst);
            free(src);
            return rc;
        }
        g_connect = &conn;
        script = conn.sql;
        script_len = strlen(conn.sql);
    }
    sl_open(&g_eng);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    int rc = run_script(script, script_len, explain);
    sl_close(g_eng);
    sl_connect_result_free(&conn);
    sl_subst_free(&g_subst);
    free(src);
    return rc;
}
