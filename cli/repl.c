/*
** cli/repl.c — the interactive shell: `sluice repl`, or `sluice` alone on a terminal.
**
** On a terminal: libedit line editing, a history of whole statements in ~/.sluice_history
** ($SLUICE_HISTORY overrides), statements that end at `;` over as many lines as they take
** with a continuation prompt that says what is still open (sl_input_state): '> inside a
** string, `> inside a quoted name, a star and slash inside a block comment, (> inside
** parentheses. Tabs are inserted, never completion; CRs are dropped, so pasted scripts work.
** Ctrl-C cancels the input being typed or the statement running, never the shell; Ctrl-D
** (or QUIT;) exits, stopping background jobs cleanly. INSERT starts a background job
** ('table.dml-sync' = 'false'). A SELECT streams
** its changelog in the mode 'sql-client.execution.result-mode' names: 'table' (the result
** table, redrawn in place), 'changelog' (one line per change, with its op) or 'tableau' (the
** changes in a boxed table); other results print as boxed tables.
**
** On any other standard input (a pipe, a file): no prompt, no history, statements run as
** they arrive and INSERT waits for its job ('table.dml-sync' stays 'true'); results are JSON
** lines, one object per row keyed by column name (with "op" for a SELECT), or CSV with a
** header per result (--output csv). Numbers and booleans are JSON numbers and booleans, SQL
** NULL is null. The first error stops the shell with exit code 1, like `sluice run`.
**
** The shell is a client of include/sluice.h only: every statement goes through sl_prepare /
** sl_step, so scripts and embedding programs get the same statements.
**
** SPDX-License-Identifier: MIT
*/
#include "repl.h"

#include <errno.h>
#include <histedit.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "display.h"
#include "render.h"
#include "sluice.h"
#include "subst.h"

enum { EXIT_OK = 0, EXIT_SQL = 1, EXIT_USAGE = 2, EXIT_CONFIG = 78 };

static const char usage[] =
    "usage: sluice repl [options]\n"
    "\n"
    "The interactive shell. On a terminal: line editing, history (~/.sluice_history, or\n"
    "$SLUICE_HISTORY), statements end at ';', HELP; lists them, Ctrl-C cancels the running\n"
    "statement, Ctrl-D exits. On other input: statements are read without prompts and\n"
    "results are printed as JSON lines (or CSV); the first error exits with status 1.\n"
    "\n"
    "Options:\n"
    "  --output json|csv   the format of results when standard input is not a terminal\n"
    "                      (default json: one object per row)\n"
    "  -D, --define NAME=VALUE\n"
    "                      define ${NAME} for the statements (before the environment)\n"
    "  --secrets-dir DIR   where ${secret_values.NAME} files are read from\n"
    "  --log-level LEVEL   error, warn (default), info or debug\n"
    "  -h, --help          print this help\n";

/* ---- signals -------------------------------------------------------------------------- */

static sl_engine *g_eng;
static volatile sig_atomic_t g_sigint;  /* a Ctrl-C came */
static volatile sig_atomic_t g_running; /* a statement runs: Ctrl-C interrupts it */
static volatile sig_atomic_t g_quit;    /* SIGTERM, or Ctrl-C without a terminal */
static int g_interactive;

static void on_signal(int sig)
{
    g_sigint = 1;
    if (sig == SIGTERM || !g_interactive) g_quit = 1;
    if (g_running) sl_interrupt(g_eng);
}

static void install_signals(int interactive)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    /* No SA_RESTART: a Ctrl-C must end the read() libedit is waiting in. */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    if (!interactive) {
        signal(SIGPIPE, SIG_IGN);
    }
}

/* ---- the shell's state ---------------------------------------------------------------- */

typedef enum { MODE_TABLE, MODE_CHANGELOG, MODE_TABLEAU } result_mode;

typedef struct repl {
    sl_engine *eng;
    int interactive; /* standard input is a terminal */
    int csv;         /* non-interactive output: CSV instead of JSON lines */
    EditLine *el;
    History *hist;
    char *histfile;
    sl_dbuf input;   /* the statement(s) being typed */
    sl_dbuf all;     /* non-interactive: everything read, for error positions */
    size_t input_at; /* offset of `input` in `all` */
    sl_subst subst;
    char prompt[32];
} repl;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *setting(repl *r, const char *key)
{
    const char *v = sl_config_get(r->eng, key);
    return v ? v : "";
}

static long setting_long(repl *r, const char *key)
{
    return strtol(setting(r, key), NULL, 10);
}

static result_mode mode_of(repl *r)
{
    const char *m = setting(r, "sql-client.execution.result-mode");
    if (strcasecmp(m, "changelog") == 0) return MODE_CHANGELOG;
    if (strcasecmp(m, "tableau") == 0) return MODE_TABLEAU;
    return MODE_TABLE;
}

static void out(const sl_dbuf *b)
{
    if (b->n) fwrite(b->p, 1, b->n, stdout);
    fflush(stdout);
}

/* ---- errors --------------------------------------------------------------------------- */

/*
** Report the engine's error for a statement that starts at `stmt_at` in the substituted
** input. Positions are mapped back to what was typed (before ${...} substitution); without a
** terminal they count from the first line read, so they match the script piped in.
*/
static void report(repl *r, size_t stmt_at, size_t stmt_len)
{
    char *msg = strdup(sl_errmsg(r->eng));
    int off = sl_error_offset(r->eng), len = sl_error_length(r->eng);
    size_t at, end;
    if (off >= 0) {
        at = sl_subst_map(&r->subst, stmt_at + (size_t)off);
        end = sl_subst_map(&r->subst, stmt_at + (size_t)off + (size_t)(len > 0 ? len : 0));
    } else {
        /* No SQL position (a job failing at run time): point at the statement's first word. */
        const char *s = r->subst.out + stmt_at;
        while (stmt_len && (*s == ' ' || *s == '\t' || *s == '\n')) {
            s++;
            stmt_len--;
        }
        at = sl_subst_map(&r->subst, (size_t)(s - r->subst.out));
        size_t w = 0;
        while (w < stmt_len && s[w] && s[w] != ' ' && s[w] != '\n' && s[w] != '\t') w++;
        end = at + w;
    }
    const char *src = r->interactive ? r->input.p : r->all.p;
    size_t srclen = r->interactive ? r->input.n : r->all.n;
    size_t base = r->interactive ? 0 : r->input_at;
    fflush(stdout);
    sl_cli_print_error(stderr, r->interactive ? "input" : "stdin", src, srclen,
                       (int)(base + at), end > at ? (int)(end - at) : 1, msg);
    free(msg);
}

/* ---- results that are not a SELECT ---------------------------------------------------- */

typedef struct table {
    int ncol;
    const char **names;
    const char **types;
    int *width;
    int n, cap;
    char **cells; /* n * ncol, owned; NULL = SQL NULL */
    int *kinds;   /* per row */
} table;

static void table_init(table *t, sl_stmt *stmt)
{
    memset(t, 0, sizeof *t);
    t->ncol = sl_column_count(stmt);
    t->names = calloc((size_t)t->ncol + 1, sizeof(char *));
    t->types = calloc((size_t)t->ncol + 1, sizeof(char *));
    t->width = calloc((size_t)t->ncol + 1, sizeof(int));
    for (int i = 0; i < t->ncol; i++) {
        t->names[i] = sl_column_name(stmt, i);
        t->types[i] = sl_column_type(stmt, i);
    }
}

static void table_add(table *t, sl_stmt *stmt)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 16;
        t->cells = realloc(t->cells, sizeof(char *) * (size_t)(t->cap * t->ncol + 1));
        t->kinds = realloc(t->kinds, sizeof(int) * (size_t)t->cap);
        if (!t->cells || !t->kinds) {
            fputs("sluice: out of memory\n", stderr);
            exit(70);
        }
    }
    for (int i = 0; i < t->ncol; i++) {
        const char *v = sl_column_text(stmt, i);
        t->cells[t->n * t->ncol + i] = v ? strdup(v) : NULL;
    }
    t->kinds[t->n] = sl_row_kind(stmt);
    t->n++;
}

static void table_remove(table *t, int row)
{
    for (int i = 0; i < t->ncol; i++) free(t->cells[row * t->ncol + i]);
    memmove(&t->cells[row * t->ncol], &t->cells[(row + 1) * t->ncol],
            sizeof(char *) * (size_t)((t->n - row - 1) * t->ncol));
    memmove(&t->kinds[row], &t->kinds[row + 1], sizeof(int) * (size_t)(t->n - row - 1));
    t->n--;
}

static void table_free(table *t)
{
    for (int i = 0; i < t->n * t->ncol; i++) free(t->cells[i]);
    free(t->cells);
    free(t->kinds);
    free(t->names);
    free(t->types);
    free(t->width);
    memset(t, 0, sizeof *t);
}

/* Widths from the contents, at most max columns each. */
static void widths_from_cells(table *t, int max)
{
    for (int i = 0; i < t->ncol; i++) {
        int w = sl_display_width(t->names[i]);
        for (int r = 0; r < t->n; r++) {
            const char *v = t->cells[r * t->ncol + i];
            int vw = v ? sl_display_width(v) : 4;
            if (vw > w) w = vw;
        }
        t->width[i] = w > max ? max : w;
    }
}

/* Widths from the column types, for rows not seen yet (streaming). */
static void widths_from_types(table *t, int max)
{
    for (int i = 0; i < t->ncol; i++) {
        int w = sl_display_type_width(t->types[i]);
        if (w < 0 || w > max) w = max;
        int nw = sl_display_width(t->names[i]);
        if (nw > w) w = nw > max ? max : nw;
        if (w < 4) w = 4; /* room for NULL */
        t->width[i] = w;
    }
}

/* "+----+-----+" */
static void box_rule(sl_dbuf *b, const table *t, int op)
{
    sl_dbuf_putc(b, '+');
    if (op) sl_dbuf_puts(b, "----+");
    for (int i = 0; i < t->ncol; i++) {
        sl_dbuf_repeat(b, "-", t->width[i] + 2);
        sl_dbuf_putc(b, '+');
    }
    sl_dbuf_putc(b, '\n');
}

/* "| op | a | b |" for the header (row < 0) or a row. */
static void box_line(sl_dbuf *b, const table *t, int op, int row, const char *const *cells,
                     int kind)
{
    sl_dbuf_putc(b, '|');
    if (op) sl_dbuf_printf(b, " %s |", row < 0 ? "op" : sl_rowkind_str(kind));
    for (int i = 0; i < t->ncol; i++) {
        sl_dbuf_putc(b, ' ');
        if (row < 0)
            sl_display_cell(b, t->names[i], t->width[i], 0, "");
        else
            sl_display_cell(b, cells[i], t->width[i], sl_display_type_numeric(t->types[i]),
                            "NULL");
        sl_dbuf_puts(b, " |");
    }
    sl_dbuf_putc(b, '\n');
}

static void print_box(const table *t)
{
    sl_dbuf b = {0};
    box_rule(&b, t, 0);
    box_line(&b, t, 0, -1, NULL, 0);
    box_rule(&b, t, 0);
    for (int r = 0; r < t->n; r++)
        box_line(&b, t, 0, r, (const char *const *)&t->cells[r * t->ncol], 0);
    box_rule(&b, t, 0);
    sl_dbuf_printf(&b, "%d row%s in set\n", t->n, t->n == 1 ? "" : "s");
    out(&b);
    sl_dbuf_free(&b);
}

/* One row as a JSON object or a CSV line; with_op adds the row kind first. */
static void machine_row(repl *r, sl_dbuf *b, sl_stmt *stmt, int with_op)
{
    int n = sl_column_count(stmt);
    if (r->csv) {
        if (with_op) {
            sl_dbuf_puts(b, sl_rowkind_str(sl_row_kind(stmt)));
            if (n) sl_dbuf_putc(b, ',');
        }
        for (int i = 0; i < n; i++) {
            if (i) sl_dbuf_putc(b, ',');
            sl_csv_field(b, sl_column_text(stmt, i));
        }
        sl_dbuf_putc(b, '\n');
        return;
    }
    sl_dbuf_putc(b, '{');
    if (with_op) sl_dbuf_printf(b, "\"op\":\"%s\"%s", sl_rowkind_str(sl_row_kind(stmt)), n ? "," : "");
    for (int i = 0; i < n; i++) {
        const char *v = sl_column_text(stmt, i), *type = sl_column_type(stmt, i);
        if (i) sl_dbuf_putc(b, ',');
        sl_json_string(b, sl_column_name(stmt, i));
        sl_dbuf_putc(b, ':');
        if (!v) {
            sl_dbuf_puts(b, "null");
        } else if (sl_display_type_boolean(type)) {
            sl_dbuf_puts(b, strcasecmp(v, "true") == 0 ? "true" : "false");
        } else if (sl_display_type_numeric(type) && strcmp(v, "NaN") && !strstr(v, "Infinity")) {
            sl_dbuf_puts(b, v);
        } else {
            sl_json_string(b, v);
        }
    }
    sl_dbuf_puts(b, "}\n");
}

static void machine_header(repl *r, sl_dbuf *b, sl_stmt *stmt, int with_op)
{
    if (!r->csv) return;
    int n = sl_column_count(stmt);
    if (with_op) sl_dbuf_puts(b, n ? "op," : "op");
    for (int i = 0; i < n; i++) {
        if (i) sl_dbuf_putc(b, ',');
        sl_csv_field(b, sl_column_name(stmt, i));
    }
    sl_dbuf_putc(b, '\n');
}

/* What a statement without result rows says on a terminal. */
static void print_done(const char *kind)
{
    if (strcmp(kind, "SET") == 0)
        puts("[INFO] Session property has been set.");
    else if (strcmp(kind, "RESET") == 0)
        puts("[INFO] Session property has been reset.");
    else if (strcmp(kind, "INSERT") == 0)
        puts("[INFO] Complete execution of the SQL update statement.");
    else if (strcmp(kind, "STOP JOB") == 0)
        puts("[INFO] The job has been stopped: its sources stopped and its sinks flushed.");
    else
        puts("[INFO] Execute statement succeeded.");
    fflush(stdout);
}

/* Run a statement that is not a SELECT to its end and show its rows. */
static int run_other(repl *r, sl_stmt *stmt)
{
    const char *kind = sl_stmt_type(stmt);
    int ncol = sl_column_count(stmt);
    table t;
    table_init(&t, stmt);
    sl_dbuf b = {0};
    int rc;
    if (!r->interactive) machine_header(r, &b, stmt, 0);
    int rows = 0;
    while ((rc = sl_step(stmt)) == SL_ROW) {
        rows++;
        if (!r->interactive)
            machine_row(r, &b, stmt, 0);
        else
            table_add(&t, stmt);
    }
    if (rc == SL_DONE) {
        if (!r->interactive) {
            if (rows || !r->csv) out(&b);
        } else if (strcmp(kind, "INSERT") == 0 && ncol == 1 && t.n == 1) {
            const char *id = t.cells[0];
            printf("[INFO] Job '%s' started in the background. SHOW JOBS; lists it, STOP JOB "
                   "'%s'; stops it.\n",
                   id, id);
            fflush(stdout);
        } else if (ncol == 1 && strcmp(t.names[0], "result") == 0) {
            for (int i = 0; i < t.n; i++) printf("%s\n", t.cells[i] ? t.cells[i] : "");
            fflush(stdout);
        } else if (ncol == 0) {
            print_done(kind);
        } else if (t.n == 0) {
            puts("Empty set");
            fflush(stdout);
        } else {
            widths_from_cells(&t, (int)setting_long(r, "sql-client.display.max-column-width"));
            print_box(&t);
        }
    }
    sl_dbuf_free(&b);
    table_free(&t);
    return rc == SL_DONE ? SL_OK : rc;
}

/* ---- SELECT --------------------------------------------------------------------------- */

static int term_size(int *rows, int *cols)
{
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0) {
        *rows = ws.ws_row;
        *cols = ws.ws_col;
        return 1;
    }
    *rows = 24;
    *cols = 80;
    return 0;
}

/* Table mode: the result table so far, drawn over the previous drawing. */
typedef struct live {
    table t;
    int drawn; /* lines of the last drawing, to move back over */
    int dirty;
    int64_t drawn_at;
    long max_rows;
    long evicted;
} live;

/* Apply a change: +I/+U add the row, -U/-D remove an equal one. */
static void live_apply(live *lv, sl_stmt *stmt)
{
    table *t = &lv->t;
    int kind = sl_row_kind(stmt);
    lv->dirty = 1;
    if (kind == SL_INSERT || kind == SL_UPDATE_AFTER) {
        if (lv->max_rows > 0 && t->n >= lv->max_rows) {
            table_remove(t, 0); /* FIFO, as Flink's table mode */
            lv->evicted++;
        }
        table_add(t, stmt);
        return;
    }
    for (int r = 0; r < t->n; r++) {
        int same = 1;
        for (int i = 0; i < t->ncol && same; i++) {
            const char *a = t->cells[r * t->ncol + i], *v = sl_column_text(stmt, i);
            same = (!a && !v) || (a && v && strcmp(a, v) == 0);
        }
        if (same) {
            table_remove(t, r);
            return;
        }
    }
}

static void live_draw(live *lv, const char *status, int maxw)
{
    int rows, cols;
    term_size(&rows, &cols);
    table *t = &lv->t;
    widths_from_cells(t, maxw); /* the table is all there: fit it */
    int room = rows - 6; /* rules, header, status */
    if (room < 1) room = 1;
    sl_dbuf b = {0}, screen = {0};
    box_rule(&b, t, 0);
    box_line(&b, t, 0, -1, NULL, 0);
    box_rule(&b, t, 0);
    int shown = t->n <= room ? t->n : room - 1;
    for (int r = 0; r < shown; r++)
        box_line(&b, t, 0, r, (const char *const *)&t->cells[r * t->ncol], 0);
    if (shown < t->n) sl_dbuf_printf(&b, "... %d more rows\n", t->n - shown);
    box_rule(&b, t, 0);
    sl_dbuf_printf(&b, "%s\n", status);
    /* Move up over the last drawing and clear it; every line is cut to the terminal's width
    ** so none wraps and the count of lines stays right. */
    if (lv->drawn) sl_dbuf_printf(&screen, "\r\033[%dA\033[J", lv->drawn);
    int lines = 0;
    for (const char *p = b.p; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        sl_display_clip(&screen, p, len, cols - 1);
        sl_dbuf_putc(&screen, '\n');
        lines++;
        p += len + (nl ? 1 : 0);
    }
    out(&screen);
    lv->drawn = lines;
    lv->dirty = 0;
    lv->drawn_at = now_ms();
    sl_dbuf_free(&b);
    sl_dbuf_free(&screen);
}

static int run_select(repl *r, sl_stmt *stmt)
{
    result_mode mode = mode_of(r);
    int maxw = (int)setting_long(r, "sql-client.display.max-column-width");
    live lv;
    memset(&lv, 0, sizeof lv);
    table_init(&lv.t, stmt);
    lv.max_rows = setting_long(r, "sql-client.execution.max-table-result.rows");
    widths_from_types(&lv.t, maxw);
    sl_dbuf b = {0};
    if (!r->interactive) {
        machine_header(r, &b, stmt, 1);
    } else if (mode == MODE_TABLE) {
        live_draw(&lv, "Running. Ctrl-C stops the query.", maxw);
    } else if (mode == MODE_TABLEAU) {
        box_rule(&b, &lv.t, 1);
        box_line(&b, &lv.t, 1, -1, NULL, 0);
        box_rule(&b, &lv.t, 1);
    } else {
        sl_dbuf_puts(&b, "op  ");
        for (int i = 0; i < lv.t.ncol; i++) {
            sl_display_cell(&b, lv.t.names[i], lv.t.width[i], 0, "");
            sl_dbuf_puts(&b, i + 1 < lv.t.ncol ? "  " : "\n");
        }
    }
    out(&b);
    long changes = 0;
    int rc;
    for (;;) {
        b.n = 0;
        rc = sl_step_timeout(stmt, 100);
        if (rc == SL_ROW) {
            changes++;
            const char *cells[256];
            int n = lv.t.ncol < 256 ? lv.t.ncol : 256;
            for (int i = 0; i < n; i++) cells[i] = sl_column_text(stmt, i);
            if (!r->interactive) {
                machine_row(r, &b, stmt, 1);
            } else if (mode == MODE_TABLE) {
                live_apply(&lv, stmt);
            } else if (mode == MODE_TABLEAU) {
                box_line(&b, &lv.t, 1, 0, cells, sl_row_kind(stmt));
            } else {
                sl_dbuf_printf(&b, "%s  ", sl_rowkind_str(sl_row_kind(stmt)));
                for (int i = 0; i < n; i++) {
                    sl_display_cell(&b, cells[i], lv.t.width[i],
                                    sl_display_type_numeric(lv.t.types[i]), "NULL");
                    sl_dbuf_puts(&b, i + 1 < n ? "  " : "");
                }
                sl_dbuf_putc(&b, '\n');
            }
            out(&b);
        } else if (rc != SL_IDLE) {
            break;
        }
        if (mode == MODE_TABLE && r->interactive && lv.dirty && now_ms() - lv.drawn_at >= 200) {
            char status[96];
            snprintf(status, sizeof status, "Running: %ld changes received. Ctrl-C stops the "
                                            "query.", changes);
            live_draw(&lv, status, maxw);
        }
    }
    if (r->interactive && rc == SL_DONE) {
        char status[160];
        int len = snprintf(status, sizeof status, "%s a total of %ld row%s",
                           g_sigint ? "Query terminated, received" : "Received", changes,
                           changes == 1 ? "" : "s");
        if (mode == MODE_TABLE) {
            if (lv.evicted)
                snprintf(status + len, sizeof status - (size_t)len,
                         " (%ld oldest rows dropped at the table's limit)", lv.evicted);
            live_draw(&lv, status, maxw);
        } else {
            b.n = 0;
            if (mode == MODE_TABLEAU) box_rule(&b, &lv.t, 1);
            sl_dbuf_printf(&b, "%s\n", status);
            out(&b);
        }
    }
    sl_dbuf_free(&b);
    table_free(&lv.t);
    return rc == SL_DONE ? SL_OK : rc;
}

/* ---- running input -------------------------------------------------------------------- */

/* Run every statement of text (the substituted input). Returns SL_OK or the first error. */
static int run_text(repl *r, const char *text, size_t len)
{
    const char *p = text, *end = text + len;
    while (p < end) {
        sl_stmt *stmt = NULL;
        const char *tail = p;
        g_sigint = 0;
        int rc = sl_prepare(r->eng, p, (int)(end - p), &stmt, &tail);
        if (rc) {
            report(r, (size_t)(p - text), (size_t)(tail - p));
            return rc;
        }
        if (!stmt) break;
        g_running = 1;
        if (strcmp(sl_stmt_type(stmt), "SELECT") == 0)
            rc = run_select(r, stmt);
        else
            rc = run_other(r, stmt);
        g_running = 0;
        sl_finalize(stmt);
        if (rc) {
            report(r, (size_t)(p - text), (size_t)(tail - p));
            return rc;
        }
        p = tail;
        if (g_quit) break;
    }
    return SL_OK;
}

static int run_input(repl *r)
{
    if (sl_subst_run(&r->subst, r->input.p, r->input.n)) {
        size_t base = r->interactive ? 0 : r->input_at;
        fflush(stdout);
        sl_cli_print_error(stderr, r->interactive ? "input" : "stdin",
                           r->interactive ? r->input.p : r->all.p,
                           r->interactive ? r->input.n : r->all.n,
                           (int)(base + r->subst.err_offset), 2, r->subst.errmsg);
        sl_subst_free(&r->subst);
        return SL_CONFIG;
    }
    /* The library masks registered secrets in every message, row and log line. */
    for (int i = 0; i < r->subst.nsecrets; i++) sl_secret_add(r->subst.secrets[i]);
    int rc = run_text(r, r->subst.out, r->subst.out_len);
    sl_subst_free(&r->subst);
    return rc;
}

/* QUIT or EXIT, with or without ';' (not SQL: the shell's own). */
static int is_quit(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\n') s++;
    const char *w = s;
    while (*s && *s != ';' && *s != ' ' && *s != '\n' && *s != '\t') s++;
    size_t n = (size_t)(s - w);
    if (!((n == 4 && strncasecmp(w, "quit", 4) == 0) || (n == 4 && strncasecmp(w, "exit", 4) == 0)))
        return 0;
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == ';') s++;
    return *s == 0;
}

/* Append a line without its CRs (pasted Windows text) and with a final newline. */
static void add_line(sl_dbuf *b, const char *line, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (line[i] != '\r') sl_dbuf_putc(b, line[i]);
    if (!b->n || b->p[b->n - 1] != '\n') sl_dbuf_putc(b, '\n');
}

/* Take one more line of input: what to do next. */
enum { FEED_MORE, FEED_RUN, FEED_QUIT };

static int feed(repl *r, const char *line, size_t n)
{
    add_line(&r->input, line, n);
    int state = sl_input_state(r->input.p);
    if (state == SL_INPUT_EMPTY) {
        r->input.n = 0; /* blank lines and comments alone run nothing */
        return FEED_MORE;
    }
    if (is_quit(r->input.p)) return FEED_QUIT;
    return state == SL_INPUT_COMPLETE ? FEED_RUN : FEED_MORE;
}

/* ---- without a terminal --------------------------------------------------------------- */

static int run_batch(repl *r)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = SL_OK;
    while (!g_quit && (n = getline(&line, &cap, stdin)) >= 0) {
        if (!r->input.n) r->input_at = r->all.n;
        add_line(&r->all, line, (size_t)n);
        int what = feed(r, line, (size_t)n);
        if (what == FEED_QUIT) break;
        if (what == FEED_MORE) continue;
        rc = run_input(r);
        r->input.n = 0;
        if (rc) break;
    }
    /* A last statement without ';'. */
    if (!rc && !g_quit && r->input.n && sl_input_state(r->input.p) != SL_INPUT_EMPTY &&
        !is_quit(r->input.p))
        rc = run_input(r);
    free(line);
    if (rc == SL_CONFIG && r->subst.errmsg[0]) return EXIT_CONFIG;
    return rc ? EXIT_SQL : EXIT_OK;
}

/* ---- on a terminal -------------------------------------------------------------------- */

static repl *g_repl; /* for the prompt callback */

static char *prompt_fn(EditLine *el)
{
    (void)el;
    return g_repl->prompt;
}

static void choose_prompt(repl *r)
{
    const char *p = "sluice> ";
    if (r->input.n) {
        switch (sl_input_state(r->input.p)) {
        case SL_INPUT_STRING: p = "     '> "; break;
        case SL_INPUT_NAME: p = "     `> "; break;
        case SL_INPUT_COMMENT: p = "    */> "; break;
        case SL_INPUT_PAREN: p = "     (> "; break;
        default: p = "      > "; break;
        }
    }
    snprintf(r->prompt, sizeof r->prompt, "%s", p);
}

static void history_open(repl *r)
{
    HistEvent ev;
    const char *env = getenv("SLUICE_HISTORY"), *home = getenv("HOME");
    if (env && *env) {
        r->histfile = strdup(env);
    } else if (home && *home) {
        size_t n = strlen(home) + 32;
        r->histfile = malloc(n);
        snprintf(r->histfile, n, "%s/.sluice_history", home);
    }
    r->hist = history_init();
    history(r->hist, &ev, H_SETSIZE, 2000);
    history(r->hist, &ev, H_SETUNIQUE, 1);
    if (r->histfile) history(r->hist, &ev, H_LOAD, r->histfile);
}

/* One statement, as typed (newlines kept), is one history entry. */
static void history_add(repl *r)
{
    HistEvent ev;
    size_t n = r->input.n;
    while (n && (r->input.p[n - 1] == '\n' || r->input.p[n - 1] == ' ')) n--;
    char *entry = strndup(r->input.p, n);
    history(r->hist, &ev, H_ENTER, entry);
    free(entry);
    if (r->histfile) history(r->hist, &ev, H_SAVE, r->histfile);
}

static int running_jobs(repl *r)
{
    sl_stmt *stmt;
    int n = 0;
    if (sl_prepare(r->eng, "SHOW JOBS", -1, &stmt, NULL) != SL_OK || !stmt) return 0;
    while (sl_step(stmt) == SL_ROW) {
        const char *status = sl_column_text(stmt, 2);
        if (status && strcmp(status, "RUNNING") == 0) n++;
    }
    sl_finalize(stmt);
    return n;
}

static int run_terminal(repl *r)
{
    g_repl = r;
    r->el = el_init("sluice", stdin, stdout, stderr);
    el_set(r->el, EL_EDITOR, "emacs");
    el_set(r->el, EL_PROMPT, prompt_fn);
    history_open(r);
    el_set(r->el, EL_HIST, history, r->hist);
    el_source(r->el, NULL); /* ~/.editrc */
    /* A tab is text (pasted scripts have them), never completion. */
    el_set(r->el, EL_BIND, "^I", "ed-insert", NULL);

    /* The shell's defaults: INSERT runs in the background. */
    sl_config(r->eng, "table.dml-sync", "false");
    printf("sluice %s interactive shell. Statements end with ';'. HELP; lists them, Ctrl-C "
           "cancels, Ctrl-D exits.\n",
           sl_libversion());
    fflush(stdout);
    for (;;) {
        choose_prompt(r);
        int count = 0;
        g_sigint = 0;
        const char *line = el_gets(r->el, &count);
        if (!line) {
            if (count < 0 && (errno == EINTR || g_sigint)) {
                /* Ctrl-C while typing: drop what was typed. */
                if (g_quit) break;
                fputs("^C\n", stdout);
                fflush(stdout);
                r->input.n = 0;
                continue;
            }
            fputc('\n', stdout);
            break; /* Ctrl-D */
        }
        int what = feed(r, line, (size_t)count);
        if (what == FEED_QUIT) break;
        if (what == FEED_MORE) continue;
        history_add(r);
        run_input(r);
        r->input.n = 0;
        if (g_quit) break;
    }
    int n = running_jobs(r);
    if (n) {
        printf("[INFO] Stopping %d running job%s: sources stop, sinks flush.\n", n,
               n == 1 ? "" : "s");
        fflush(stdout);
    }
    el_end(r->el);
    history_end(r->hist);
    free(r->histfile);
    return EXIT_OK;
}

/* ---- entry ---------------------------------------------------------------------------- */

int sl_repl_main(int argc, char **argv)
{
    repl r;
    memset(&r, 0, sizeof r);
    const char *loglevel = NULL;
    const char **defines = calloc((size_t)argc + 1, sizeof(char *));
    int ndefines = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage, stdout);
            free(defines);
            return EXIT_OK;
        } else if ((strcmp(a, "-D") == 0 || strcmp(a, "--define") == 0) && i + 1 < argc &&
                   strchr(argv[i + 1], '=') && argv[i + 1][0] != '=') {
            defines[ndefines++] = argv[++i];
        } else if (strncmp(a, "--define=", 9) == 0 && strchr(a + 9, '=') && a[9] != '=') {
            defines[ndefines++] = a + 9;
        } else if (strcmp(a, "--secrets-dir") == 0 && i + 1 < argc) {
            r.subst.secrets_dir = argv[++i];
        } else if ((strcmp(a, "--output") == 0 && i + 1 < argc) ||
                   strncmp(a, "--output=", 9) == 0) {
            const char *v = a[8] == '=' ? a + 9 : argv[++i];
            if (strcmp(v, "csv") != 0 && strcmp(v, "json") != 0) {
                fprintf(stderr, "sluice repl: --output takes json or csv, not '%s'\n", v);
                free(defines);
                return EXIT_USAGE;
            }
            r.csv = strcmp(v, "csv") == 0;
        } else if (strcmp(a, "--log-level") == 0 && i + 1 < argc) {
            loglevel = argv[++i];
        } else if (strncmp(a, "--log-level=", 12) == 0) {
            loglevel = a + 12;
        } else {
            fprintf(stderr, "sluice repl: unknown or incomplete option '%s'\n\n%s", a, usage);
            free(defines);
            return EXIT_USAGE;
        }
    }
    if (loglevel && sl_log_config(loglevel, NULL) != SL_OK) {
        fprintf(stderr, "sluice repl: unknown log level '%s' (error, warn, info, debug)\n",
                loglevel);
        free(defines);
        return EXIT_USAGE;
    }
    r.subst.defines = defines;
    r.subst.ndefines = ndefines;
    r.interactive = g_interactive = isatty(STDIN_FILENO);
    sl_display_init();
    sl_open(&r.eng);
    g_eng = r.eng;
    install_signals(r.interactive);
    int rc = r.interactive ? run_terminal(&r) : run_batch(&r);
    sl_close(r.eng); /* stops background jobs: sources stop, sinks flush */
    g_eng = NULL;
    sl_dbuf_free(&r.input);
    sl_dbuf_free(&r.all);
    sl_subst_free(&r.subst);
    free(defines);
    return rc;
}
