/*
** cli/options.c — parsing the sluice command line and its SLUICE_* environment twins.
**
** Flags take their value as the next argument or after '=' (--http=127.0.0.1:9249); short
** flags only as the next argument. Anything that is not a flag is the command, then the file.
** After the command line, each flag it did not set is read from its environment twin; an
** invalid value there is a usage error naming the variable.
**
** SPDX-License-Identifier: MIT
*/
#define _POSIX_C_SOURCE 200809L
#include "options.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sluice.h"

const char sl_cli_usage[] =
    "usage: sluice run [options] [FILE.sql | FILE.json]\n"
    "       sluice explain [options] FILE.sql | FILE.json\n"
    "       sluice [repl] [options]\n"
    "       sluice version | help\n"
    "\n"
    "Commands:\n"
    "  run FILE.sql        run a job script: CREATE TABLE statements register tables, each\n"
    "                      INSERT runs as a job until its sources end (or SIGINT/SIGTERM);\n"
    "                      the first failing statement stops the script\n"
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
    "Options (environment twin in brackets; a flag wins over its twin):\n"
    "  -f, --file FILE     the job script, as the FILE argument; '-' reads standard input\n"
    "                      [SLUICE_FILE]\n"
    "  -e, --execute SQL   run the SQL text instead of a file [SLUICE_EXECUTE]\n"
    "  -i, --init FILE     run FILE first: CREATE TABLE, SET, RESET only [SLUICE_INIT]\n"
    "  -D, --define NAME=VALUE\n"
    "                      define ${NAME} (before the environment, which ${NAME} reads\n"
    "                      itself, so there is no twin)\n"
    "  --secrets-dir DIR   where ${secret_values.NAME} files are read from (a mounted\n"
    "                      Kubernetes Secret) [SLUICE_SECRETS_DIR]\n"
    "  --validate          parse, substitute variables, check every option and plan, then\n"
    "                      exit 0 or 78 without connecting to anything [SLUICE_VALIDATE=1]\n"
    "  --log-level LEVEL   error, warn (default), info or debug [SLUICE_LOG_LEVEL]\n"
    "  --log-format FMT    json (JSON lines; the default when standard error is not a\n"
    "                      terminal) or text [SLUICE_LOG_FORMAT]\n"
    "  --http ADDR:PORT    serve /healthz, /readyz and /metrics (Prometheus) on ADDR:PORT,\n"
    "                      e.g. 127.0.0.1:9249 [SLUICE_HTTP]\n"
    "  --shutdown-timeout DURATION\n"
    "                      after SIGTERM/SIGINT, how long draining (flush the sinks, commit\n"
    "                      the sources) may take before exit 75; 30s by default, 0: no limit\n"
    "                      [SLUICE_SHUTDOWN_TIMEOUT]\n"
    "  --bootstrap-servers HOST:PORT[,...]\n"
    "                      JSON configs: the Kafka cluster to read (wins over the worker's)\n"
    "                      [SLUICE_BOOTSTRAP_SERVERS]\n"
    "  --worker-config FILE\n"
    "                      JSON configs: a Kafka Connect worker .properties file; its\n"
    "                      bootstrap.servers, consumer.* and offset.flush.interval.ms apply\n"
    "                      [SLUICE_WORKER_CONFIG]\n"
    "  --print-sql         JSON configs: print the SQL (secrets masked) instead of running\n"
    "  -h, --help          print this help\n"
    "\n"
    "Exit codes:\n"
    "  0   the script finished, or a job drained cleanly after SIGTERM/SIGINT\n"
    "  1   an error in a statement (printed as file:line:col) or a job failure\n"
    "  2   usage error (bad command or option)\n"
    "  69  a dependency (Kafka cluster, MaxCompute endpoint) was unreachable at start-up\n"
    "  70  internal error: an unrecoverable Kafka client error, out of memory, a bug\n"
    "  74  local I/O error (writing output or state failed)\n"
    "  75  draining did not finish: --shutdown-timeout passed or a second signal came;\n"
    "      restarting is expected to work (nothing was committed past what the sinks hold)\n"
    "  78  configuration error: an invalid or unknown option, an undefined ${variable}, a\n"
    "      missing secret, an unreadable job file\n"
    "\n"
    "Variables: ${NAME}, ${NAME:-default}, ${NAME:?message}, ${secret_values.NAME}\n"
    "(SLUICE_SECRET_NAME or the file NAME in --secrets-dir); $$ is a $. Secret values are\n"
    "masked as ****** in every log line, message and plan.\n";

static int usage_error(char *msg, size_t msglen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, msglen, fmt, ap);
    va_end(ap);
    return SL_EXIT_USAGE;
}

/* "30s", "500ms", "2m", "1min", "1h", "45" (seconds); blanks allowed before the unit. */
static int parse_duration_ms(const char *s, long long *out)
{
    if (!s || !isdigit((unsigned char)*s)) return -1;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno || v < 0) return -1;
    while (*end == ' ') end++;
    static const struct {
        const char *unit;
        long long ms;
    } units[] = {{"", 1000}, {"ms", 1}, {"s", 1000}, {"sec", 1000}, {"m", 60000},
                 {"min", 60000}, {"h", 3600000}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcasecmp(end, units[i].unit) == 0) {
            if (v > (long long)1e15 / units[i].ms) return -1;
            *out = v * units[i].ms;
            return 0;
        }
    return -1;
}

static int parse_bool(const char *s, int *out)
{
    static const char *const yes[] = {"1", "true", "yes", "on"};
    static const char *const no[] = {"0", "false", "no", "off", ""};
    for (size_t i = 0; i < 4; i++)
        if (strcasecmp(s, yes[i]) == 0) return *out = 1, 0;
    for (size_t i = 0; i < 5; i++)
        if (strcasecmp(s, no[i]) == 0) return *out = 0, 0;
    return -1;
}

/* --name VALUE or --name=VALUE (long), -x VALUE (short). Returns 1 when a matched. */
static int flag(int argc, char **argv, int *i, const char *shortname, const char *longname,
                const char **value, int *missing)
{
    const char *a = argv[*i];
    size_t ln = strlen(longname);
    if (strncmp(a, longname, ln) == 0 && a[ln] == '=') {
        *value = a + ln + 1;
        return 1;
    }
    if (strcmp(a, longname) != 0 && !(shortname && strcmp(a, shortname) == 0)) return 0;
    if (*i + 1 >= argc) {
        *missing = 1;
        return 1;
    }
    *value = argv[++*i];
    return 1;
}

static int check_define(const char *d, char *msg, size_t msglen)
{
    if (!strchr(d, '=') || d[0] == '=')
        return usage_error(msg, msglen, "--define needs NAME=VALUE, not '%s'", d);
    return 0;
}

static int check_values(sl_cli_options *o, const char *dur, const char *dur_from,
                        const char *val, const char *val_from, char *msg, size_t msglen)
{
    if (dur && parse_duration_ms(dur, &o->shutdown_ms))
        return usage_error(msg, msglen,
                           "%s: invalid duration '%s' (expected e.g. 30s, 500ms, 2m, 0)",
                           dur_from, dur);
    if (val && parse_bool(val, &o->validate))
        return usage_error(msg, msglen, "%s: expected true or false, not '%s'", val_from, val);
    if (o->log_level && sl_log_config(o->log_level, NULL) != SL_OK)
        return usage_error(msg, msglen, "unknown log level '%s' (error, warn, info, debug)",
                           o->log_level);
    if (o->log_format && sl_log_config(NULL, o->log_format) != SL_OK)
        return usage_error(msg, msglen, "unknown log format '%s' (json, text)", o->log_format);
    if (o->http && (!strrchr(o->http, ':') || !*(strrchr(o->http, ':') + 1)))
        return usage_error(msg, msglen, "--http needs ADDR:PORT (e.g. 127.0.0.1:9249), not '%s'",
                           o->http);
    if (o->execute && o->file)
        return usage_error(msg, msglen, "give either a script file or -e SQL, not both");
    return 0;
}

int sl_cli_parse(int argc, char **argv, sl_cli_options *o, char *msg, size_t msglen)
{
    memset(o, 0, sizeof *o);
    o->shutdown_ms = 30000;
    const char *dur = NULL, *validate = NULL, *dur_from = "--shutdown-timeout";
    const char *val_from = "--validate";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = NULL;
        int missing = 0;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            o->help = 1;
        } else if (strcmp(a, "--validate") == 0) {
            validate = "true";
        } else if (flag(argc, argv, &i, "-D", "--define", &v, &missing)) {
            if (missing) return usage_error(msg, msglen, "--define needs NAME=VALUE");
            if (check_define(v, msg, msglen)) return SL_EXIT_USAGE;
            if (o->ndefines == SL_CLI_MAX_DEFINES)
                return usage_error(msg, msglen, "too many --define (at most %d)",
                                   SL_CLI_MAX_DEFINES);
            o->defines[o->ndefines++] = v;
        } else if (flag(argc, argv, &i, "-f", "--file", &v, &missing)) {
            o->file = v;
        } else if (flag(argc, argv, &i, "-e", "--execute", &v, &missing)) {
            o->execute = v;
        } else if (flag(argc, argv, &i, "-i", "--init", &v, &missing)) {
            o->init = v;
        } else if (flag(argc, argv, &i, NULL, "--secrets-dir", &v, &missing)) {
            o->secrets_dir = v;
        } else if (flag(argc, argv, &i, NULL, "--log-level", &v, &missing)) {
            o->log_level = v;
        } else if (flag(argc, argv, &i, NULL, "--log-format", &v, &missing)) {
            o->log_format = v;
        } else if (flag(argc, argv, &i, NULL, "--http", &v, &missing)) {
            o->http = v;
        } else if (flag(argc, argv, &i, NULL, "--shutdown-timeout", &v, &missing)) {
            dur = v;
        } else if (flag(argc, argv, &i, NULL, "--bootstrap-servers", &v, &missing)) {
            o->bootstrap_servers = v;
        } else if (flag(argc, argv, &i, NULL, "--worker-config", &v, &missing)) {
            o->worker_config = v;
        } else if (strcmp(a, "--print-sql") == 0) {
            o->print_sql = 1;
        } else if (a[0] == '-' && a[1]) {
            return usage_error(msg, msglen, "unknown option '%s'", a);
        } else if (!o->command) {
            o->command = a;
        } else if (!o->file) {
            o->file = a;
        } else {
            return usage_error(msg, msglen, "unexpected argument '%s'", a);
        }
        if (missing) return usage_error(msg, msglen, "option '%s' needs a value", a);
    }
    /* Environment twins for what the command line left unset. */
    const char *e;
    if (!o->file && !o->execute && (e = getenv("SLUICE_FILE")) && *e) o->file = e;
    if (!o->execute && !o->file && (e = getenv("SLUICE_EXECUTE")) && *e) o->execute = e;
    if (!o->init && (e = getenv("SLUICE_INIT")) && *e) o->init = e;
    if (!o->secrets_dir && (e = getenv("SLUICE_SECRETS_DIR")) && *e) o->secrets_dir = e;
    if (!o->log_level && (e = getenv("SLUICE_LOG_LEVEL")) && *e) o->log_level = e;
    if (!o->log_format && (e = getenv("SLUICE_LOG_FORMAT")) && *e) o->log_format = e;
    if (!o->http && (e = getenv("SLUICE_HTTP")) && *e) o->http = e;
    if (!o->bootstrap_servers && (e = getenv("SLUICE_BOOTSTRAP_SERVERS")) && *e)
        o->bootstrap_servers = e;
    if (!o->worker_config && (e = getenv("SLUICE_WORKER_CONFIG")) && *e) o->worker_config = e;
    if (!dur && (e = getenv("SLUICE_SHUTDOWN_TIMEOUT")) && *e) {
        dur = e;
        dur_from = "SLUICE_SHUTDOWN_TIMEOUT";
    }
    if (!validate && (e = getenv("SLUICE_VALIDATE"))) {
        validate = e;
        val_from = "SLUICE_VALIDATE";
    }
    return check_values(o, dur, dur_from, validate, val_from, msg, msglen);
}

int sl_cli_exit_code(int rc)
{
    switch (rc) {
    case SL_OK:
    case SL_DONE: return SL_EXIT_OK;
    case SL_CONFIG: return SL_EXIT_CONFIG;
    case SL_UNAVAILABLE: return SL_EXIT_UNAVAILABLE;
    case SL_INTERNAL:
    case SL_NOMEM:
    case SL_MISUSE: return SL_EXIT_INTERNAL;
    case SL_IO: return SL_EXIT_IO;
    default: return SL_EXIT_SQL;
    }
}
