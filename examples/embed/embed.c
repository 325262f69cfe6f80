/*
** examples/embed/embed.c — a program that embeds sluice through its public API.
**
**   embed SCRIPT.sql
**
** Opens an engine, runs every statement of the script (an INSERT runs its job until the sources
** end, or until SIGINT/SIGTERM, which the program turns into sl_interrupt so the sinks flush and
** the offsets commit), prints result rows (EXPLAIN, SHOW ...) on standard output, and finally the
** record counters of the library's metrics on standard error. Exit status 0, or 1 with the error
** and its byte offset in the script.
**
** Build it against an installed sluice with the Makefile next to it (pkg-config sluice).
**
** SPDX-License-Identifier: MIT
*/
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sluice.h>

static sl_engine *engine;

static void on_signal(int sig)
{
    (void)sig;
    sl_interrupt(engine); /* async-signal-safe */
}

static int print_row(void *ud, int ncol, const char *const *cols)
{
    (void)ud;
    for (int i = 0; i < ncol; i++) printf("%s%s", i ? "\t" : "", cols[i]);
    putchar('\n');
    return 0; /* non-zero would stop the script */
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t r;
    while (buf && (r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (n + 1 == cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb) free(buf);
            buf = nb;
        }
    }
    fclose(f);
    if (buf) buf[n] = 0;
    return buf;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s SCRIPT.sql\n", argv[0]);
        return 2;
    }
    char *sql = slurp(argv[1]);
    if (!sql) {
        perror(argv[1]);
        return 1;
    }
    printf("-- sluice %s\n", sl_libversion());
    sl_log_config("warn", "text");
    if (sl_open(&engine) != SL_OK) return 1;

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    int rc = sl_exec(engine, sql, print_row, NULL);
    fflush(stdout);
    if (rc != SL_OK)
        fprintf(stderr, "%s: error at byte %d: %s (%s)\n", argv[1], sl_error_offset(engine),
                sl_errmsg(engine), sl_rc_name(rc));

    /* The library's metrics are process-wide; show the record counters. */
    char *metrics = sl_metrics_text();
    for (char *line = strtok(metrics, "\n"); line; line = strtok(NULL, "\n"))
        if (strncmp(line, "sluice_records_", 15) == 0) fprintf(stderr, "%s\n", line);
    sl_text_free(metrics);

    sl_close(engine);
    free(sql);
    return rc == SL_OK ? 0 : 1;
}
