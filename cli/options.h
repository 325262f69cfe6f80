/*
** cli/options.h — the sluice command line: commands, flags, their SLUICE_* environment twins,
** and the exit codes (spec ux-conventions 4.1).
**
** Precedence: a flag on the command line wins over its environment twin, which wins over the
** default. --define has no twin: ${NAME} falls back to the environment by itself.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_CLI_OPTIONS_H
#define SL_CLI_OPTIONS_H

#include <stddef.h>

/* Exit codes, documented in --help and docs/runner.md. */
enum {
    SL_EXIT_OK = 0,           /* finished, or drained cleanly after SIGTERM/SIGINT */
    SL_EXIT_SQL = 1,          /* an error in a statement or a job failure */
    SL_EXIT_USAGE = 2,        /* bad command line */
    SL_EXIT_UNAVAILABLE = 69, /* a dependency (Kafka, MaxCompute) unreachable at start-up */
    SL_EXIT_INTERNAL = 70,    /* internal error, unrecoverable client error, out of memory */
    SL_EXIT_IO = 74,          /* local I/O error (state, output) */
    SL_EXIT_TEMPFAIL = 75,    /* drain did not finish: shutdown timeout or a second signal */
    SL_EXIT_CONFIG = 78       /* configuration: option, undefined ${VAR}, secret, job file */
};

#define SL_CLI_MAX_DEFINES 256

typedef struct sl_cli_options {
    const char *command;      /* run, explain, version, help */
    const char *file;         /* the job script (FILE argument, -f, SLUICE_FILE) */
    const char *execute;      /* -e SQL (SLUICE_EXECUTE) */
    const char *init;         /* -i FILE (SLUICE_INIT) */
    const char *defines[SL_CLI_MAX_DEFINES];
    int ndefines;
    const char *secrets_dir;  /* SLUICE_SECRETS_DIR */
    const char *log_level;    /* SLUICE_LOG_LEVEL */
    const char *log_format;   /* SLUICE_LOG_FORMAT; NULL: json unless stderr is a terminal */
    const char *http;         /* ADDR:PORT (SLUICE_HTTP) */
    long long shutdown_ms;    /* --shutdown-timeout (SLUICE_SHUTDOWN_TIMEOUT), default 30 s */
    int validate;             /* --validate (SLUICE_VALIDATE) */
    /* JSON connector configs (cli/connect.c) */
    const char *bootstrap_servers; /* --bootstrap-servers (SLUICE_BOOTSTRAP_SERVERS) */
    const char *worker_config;     /* --worker-config FILE (SLUICE_WORKER_CONFIG) */
    int print_sql;                 /* --print-sql */
    int help;                 /* -h, --help */
} sl_cli_options;

extern const char sl_cli_usage[];

/*
** Parse argv, then fill what the command line left unset from the environment. Returns 0, or
** SL_EXIT_USAGE with msg set ("unknown option '--x'").
*/
int sl_cli_parse(int argc, char **argv, sl_cli_options *o, char *msg, size_t msglen);

/* The exit code for a result code of the library (sl_rc). */
int sl_cli_exit_code(int rc);

#endif
