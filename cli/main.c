/*
** cli/main.c — the sluice command: run a job script, validate or explain it, print help.
**
** The CLI is a client of the public API only (include/sluice.h), like SQLite's shell. Options
** and exit codes are in options.c, the admin HTTP endpoint in http.c, variables in subst.c. A
** script runs statement by statement (after the -i init script); the first error stops it with
** a message pointing into the file as written.
**
** Signals: the first SIGTERM or SIGINT asks the running job to stop (sources stop reading,
** sinks flush, sources commit) and the rest of the script is skipped; exit 0 once drained. A
** watchdog thread bounds the drain by --shutdown-timeout; when it passes, or when a second
** signal arrives, the process exits 75 at once (nothing was committed beyond what the sinks
** hold, so a restart is safe).
**
** A file whose first non-blank byte is '{' is a Kafka Connect config of the MaxCompute sink
** connector: variables are substituted in it, it is translated to SQL
** (sl_connect_config_to_sql) and run, validated or explained as a script; errors in that SQL
** are shown at the config key or value they came from.
**
** SPDX-License-Identifier: MIT
*/
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "connect.h"
#include "http.h"
#include "options.h"
#include "render.h"
#include "repl.h"
#include "sluice.h"
#include "subst.h"

/* A script as the user wrote it and as it runs (variables substituted). */
typedef struct script {
    const char *name; /* for messages: the file name, or "-e" */
    char *orig;       /* owned */
    size_t orig_len;
    sl_subst subst;
    sl_connect_result conn; /* a JSON config's translation (conn.sql runs); else empty */
    const char *text;       /* what runs: subst.out, or conn.sql */
    size_t text_len;
} script;

/* load_script's answer when --print-sql printed a config's SQL: nothing is left to run. */
#define LOADED_AND_DONE (-1)

typedef enum run_mode { MODE_RUN, MODE_EXPLAIN, MODE_VALIDATE } run_mode;

static sl_engine *g_eng;
static volatile sig_atomic_t g_signals;
static sem_t g_drain;
static long long g_shutdown_ms;

/* ---- signals and the drain watchdog --------------------------------------------------- */

static void on_signal(int sig)
{
    (void)sig;
    if (++g_signals == 1) {
        sl_interrupt(g_eng);
        sem_post(&g_drain);
        return;
    }
    static const char msg[] = "sluice: second signal: exiting without finishing the drain\n";
    ssize_t w = write(2, msg, sizeof msg - 1);
    (void)w;
    _exit(SL_EXIT_TEMPFAIL);
}

static void log_line(const char *level, const char *msg, const char *const *fields)
{
    sl_log_write(level, "runner", fields, msg);
}

static void *watchdog(void *arg)
{
    (void)arg;
    while (sem_wait(&g_drain) != 0 && errno == EINTR) {
    }
    char limit[32];
    snprintf(limit, sizeof limit, "%lld", g_shutdown_ms);
    const char *fields[] = {"shutdown_timeout_ms", limit, NULL};
    log_line("info", "stop requested: draining (sources stop, sinks flush, offsets commit)",
             fields);
    if (g_shutdown_ms <= 0) return NULL;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += (time_t)(g_shutdown_ms / 1000);
    ts.tv_nsec += (long)(g_shutdown_ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    while (sem_timedwait(&g_drain, &ts) != 0) {
        if (errno == EINTR) continue;
        log_line("error", "the drain did not finish within the shutdown timeout; exiting 75",
                 fields);
        _exit(SL_EXIT_TEMPFAIL);
    }
    return NULL;
}

static void install_signals(void)
{
    sem_init(&g_drain, 0, 0);
    pthread_t t;
    if (pthread_create(&t, NULL, watchdog, NULL) == 0) pthread_detach(t);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* ---- loading scripts ------------------------------------------------------------------ */

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

static void report(const script *s, int out_offset, int len, const char *msg);

/* A JSON connector config (substituted): its SQL translation becomes the text that runs. */
static int translate_config(script *s, const sl_cli_options *o)
{
    size_t wlen;
    char *wtext = o->worker_config ? read_file(o->worker_config, &wlen) : NULL;
    if (o->worker_config && !wtext) {
        fprintf(stderr, "sluice: cannot read %s: %s\n", o->worker_config, strerror(errno));
        return SL_EXIT_CONFIG;
    }
    sl_connect_opts copts = {.bootstrap_servers = o->bootstrap_servers,
                             .worker_config = wtext,
                             .worker_config_name = o->worker_config};
    int rc = sl_cli_translate(o->print_sql, &copts, s->subst.out, s->subst.out_len, &s->conn);
    free(wtext);
    if (rc == 0) return LOADED_AND_DONE; /* --print-sql printed it */
    if (rc > 0) {
        if (s->conn.errmsg) report(s, s->conn.err_offset, s->conn.err_len, s->conn.errmsg);
        return SL_EXIT_CONFIG;
    }
    s->text = s->conn.sql;
    s->text_len = strlen(s->conn.sql);
    return 0;
}

/*
** Load a script from a file (text NULL) or from text (-e), translate a JSON job, substitute
** variables and register the secret values it used. Returns 0 or an exit code (message
** printed).
*/
static int load_script(script *s, const char *name, const char *text, const sl_cli_options *o)
{
    memset(s, 0, sizeof *s);
    s->name = name;
    if (text) {
        s->orig_len = strlen(text);
        s->orig = strdup(text);
    } else if (!(s->orig = read_file(name, &s->orig_len))) {
        fprintf(stderr, "sluice: cannot read %s: %s\n", name, strerror(errno));
        return SL_EXIT_CONFIG;
    }
    s->subst.json = !text && sl_cli_is_json(s->orig, s->orig_len);
    if ((o->bootstrap_servers || o->worker_config || o->print_sql) && !s->subst.json) {
        fprintf(stderr, "sluice: --bootstrap-servers, --worker-config and --print-sql apply to "
                        "JSON connector configs; %s is a SQL script\n", name);
        return SL_EXIT_USAGE;
    }
    s->subst.defines = o->defines;
    s->subst.ndefines = o->ndefines;
    s->subst.secrets_dir = o->secrets_dir;
    if (sl_subst_run(&s->subst, s->orig, s->orig_len)) {
        sl_cli_print_error(stderr, name, s->orig, s->orig_len, (int)s->subst.err_offset, 2,
                           s->subst.errmsg);
        return SL_EXIT_CONFIG;
    }
    for (int i = 0; i < s->subst.nsecrets; i++) sl_secret_add(s->subst.secrets[i]);
    s->text = s->subst.out;
    s->text_len = s->subst.out_len;
    return s->subst.json ? translate_config(s, o) : 0;
}

static void free_script(script *s)
{
    sl_connect_result_free(&s->conn);
    sl_subst_free(&s->subst);
    free(s->orig);
}

/* ---- running scripts ------------------------------------------------------------------ */

static void print_rows(sl_stmt *stmt, int rc)
{
    while (rc == SL_ROW) {
        int n = sl_column_count(stmt);
        for (int i = 0; i < n; i++) {
            if (i) fputc('\t', stdout);
            const char *t = sl_column_text(stmt, i);
            fputs(t ? t : "NULL", stdout);
        }
        fputc('\n', stdout);
        rc = sl_step(stmt);
    }
    fflush(stdout);
}

/* Report an error at out_offset of the substituted text (or without a position). */
static void report(const script *s, int out_offset, int len, const char *msg)
{
    /* In a JSON config's SQL, the position goes back to the config text first. */
    if (s->conn.sql && s->text == s->conn.sql && out_offset >= 0)
        out_offset = sl_connect_map(&s->conn, out_offset, &len);
    if (out_offset < 0) {
        sl_cli_print_error(stderr, s->name, s->orig, s->orig_len, -1, 0, msg);
        return;
    }
    size_t at = sl_subst_map(&s->subst, (size_t)out_offset);
    size_t end = sl_subst_map(&s->subst, (size_t)out_offset + (size_t)(len > 0 ? len : 0));
    sl_cli_print_error(stderr, s->name, s->orig, s->orig_len, (int)at,
                       end > at ? (int)(end - at) : 1, msg);
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

static int is_query(sl_stmt *stmt)
{
    const char *t = sl_stmt_type(stmt);
    return strcmp(t, "INSERT") == 0 || strcmp(t, "SELECT") == 0;
}

typedef struct counts {
    int statements, jobs;
} counts;

/*
** Run every statement of s in mode: RUN steps them all; EXPLAIN prints the plans of INSERT and
** SELECT statements instead of running them (catalog statements still run, to define the
** tables); VALIDATE steps everything except INSERT, which is only prepared (planned), and prints
** nothing. An init script (-i) refuses INSERT and SELECT in every mode. Returns an exit code.
*/
static int run_script(const script *s, run_mode mode, int is_init, counts *cnt)
{
    const char *src = s->text, *p = src, *end = src + s->text_len;
    while (p < end && !g_signals) {
        sl_stmt *stmt = NULL;
        const char *tail = p, *base = p;
        char *text = NULL;
        int rc = sl_prepare(g_eng, p, (int)(end - p), &stmt, &tail);
        const char *start = skip_blanks(p, tail);
        if (!rc && stmt && is_init && is_query(stmt)) {
            char msg[256];
            snprintf(msg, sizeof msg, "an init script may only define tables and settings "
                                      "(CREATE TABLE, DROP TABLE, SET, RESET), not %s",
                     sl_stmt_type(stmt));
            report(s, (int)(start - src), (int)(tail - start), msg);
            sl_finalize(stmt);
            return SL_EXIT_SQL;
        }
        if (!rc && stmt && mode == MODE_EXPLAIN && is_query(stmt)) {
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
        int job = stmt && strcmp(sl_stmt_type(stmt), "INSERT") == 0;
        if (rc == SL_OK && stmt) {
            cnt->statements++;
            cnt->jobs += job;
            rc = mode == MODE_VALIDATE && job ? SL_DONE : sl_step(stmt);
        }
        if (rc != SL_OK && rc != SL_ROW && rc != SL_DONE) {
            int off = sl_error_offset(g_eng);
            /* Errors without a position (a job failing at run time) point at the statement. */
            int at = off >= 0 ? off + (int)(base - src) : (int)(start - src);
            report(s, at, off >= 0 ? sl_error_length(g_eng) : 0, sl_errmsg(g_eng));
            sl_finalize(stmt);
            return sl_cli_exit_code(rc);
        }
        p = tail;
        if (!stmt) break;
        if (mode != MODE_VALIDATE) print_rows(stmt, rc);
        sl_finalize(stmt);
    }
    return SL_EXIT_OK;
}

/* ---- main ----------------------------------------------------------------------------- */

int main(int argc, char **argv)
{
    /* The interactive shell: `sluice repl [options]`, or `sluice` alone on a terminal. */
    if (argc >= 2 && strcmp(argv[1], "repl") == 0) return sl_repl_main(argc - 2, argv + 2);
    if (argc == 1 && isatty(STDIN_FILENO)) return sl_repl_main(0, argv + 1);
    sl_cli_options o;
    char msg[512];
    if (sl_cli_parse(argc, argv, &o, msg, sizeof msg)) {
        fprintf(stderr, "sluice: %s\n(sluice --help lists the options)\n", msg);
        return SL_EXIT_USAGE;
    }
    if (o.help || (o.command && strcmp(o.command, "help") == 0)) {
        fputs(sl_cli_usage, stdout);
        return SL_EXIT_OK;
    }
    if (!o.command) {
        fputs(sl_cli_usage, stderr);
        return SL_EXIT_USAGE;
    }
    if (strcmp(o.command, "version") == 0) {
        printf("sluice %s\n", sl_libversion());
        return SL_EXIT_OK;
    }
    int explain = strcmp(o.command, "explain") == 0;
    if (!explain && strcmp(o.command, "run") != 0) {
        fprintf(stderr, "sluice: unknown command '%s'\n(sluice --help lists the commands)\n",
                o.command);
        return SL_EXIT_USAGE;
    }
    if (!o.file && !o.execute) {
        fprintf(stderr, "sluice: %s needs a script: a FILE, -f FILE or -e SQL\n", o.command);
        return SL_EXIT_USAGE;
    }
    if (!o.log_format) sl_log_config(NULL, isatty(2) ? "text" : "json");
    g_shutdown_ms = o.shutdown_ms;

    script init, main_script;
    int have_init = o.init != NULL, rc = 0;
    if (have_init && (rc = load_script(&init, o.init, NULL, &o))) {
        free_script(&init);
        return rc;
    }
    if ((rc = load_script(&main_script, o.execute ? "-e" : o.file, o.execute, &o))) {
        free_script(&main_script);
        if (have_init) free_script(&init);
        return rc == LOADED_AND_DONE ? SL_EXIT_OK : rc;
    }
    if (sl_open(&g_eng) != SL_OK) {
        fprintf(stderr, "sluice: cannot open an engine\n");
        return SL_EXIT_INTERNAL;
    }
    install_signals();
    if (o.http && !o.validate && sl_cli_http_start(o.http, msg, sizeof msg)) {
        fprintf(stderr, "sluice: %s\n", msg);
        rc = SL_EXIT_CONFIG;
    }
    run_mode mode = o.validate ? MODE_VALIDATE : explain ? MODE_EXPLAIN : MODE_RUN;
    counts cnt = {0, 0};
    if (!rc && have_init) rc = run_script(&init, mode, 1, &cnt);
    if (!rc) rc = run_script(&main_script, mode, 0, &cnt);
    /* Under --validate every problem found is a problem of the job's configuration. */
    if (rc && mode == MODE_VALIDATE) rc = SL_EXIT_CONFIG;
    if (!rc && mode == MODE_VALIDATE)
        printf("%s: valid (%d statement%s, %d job%s)\n", main_script.name, cnt.statements,
               cnt.statements == 1 ? "" : "s", cnt.jobs, cnt.jobs == 1 ? "" : "s");
    if (!rc && g_signals) log_line("info", "drained cleanly after a stop request", NULL);
    sl_cli_http_stop();
    sl_engine *eng = g_eng;
    g_eng = NULL; /* a late signal must not reach a closed engine */
    sl_close(eng);
    free_script(&main_script);
    if (have_init) free_script(&init);
    return rc;
}
