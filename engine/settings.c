/*
** engine/settings.c — session settings: SET 'key' = 'value', SET, RESET.
**
** The table lists every key sluice acts on, with its type and default; validation reuses the
** option machinery of connectors (base/opt.h), so an unknown key gets a suggestion and an
** invalid value the valid choices. Keys Flink knows but sluice does not act on are rejected
** rather than accepted and ignored.
**
** SPDX-License-Identifier: MIT
*/
#include <stdio.h>

#include "base/duration.h"
#include "engine/engine_int.h"

static const sl_opt_def settings[] = {
    {"table.exec.sink.not-null-enforcer", SL_OPT_ENUM, 0, "ERROR", "ERROR|DROP", 1, 0,
     "What a sink does with a NULL in a NOT NULL column: fail the job (ERROR) or drop the row "
     "(DROP)."},
    {"pipeline.name", SL_OPT_STRING, 0, "", NULL, 1, 0, "The name of the jobs started next."},
    {"execution.checkpointing.interval", SL_OPT_DURATION, 0, "0 ms", NULL, 1, 0,
     "How often a running job makes its sinks durable and then commits its sources' progress "
     "(Kafka group offsets, Kafka transactions). 0: only when the job ends or is stopped."},
    {"table.dml-sync", SL_OPT_BOOL, 0, "true", NULL, 1, 0,
     "true: an INSERT runs its job to the end before the next statement (scripts). false: it "
     "starts the job in the background and returns its id (the interactive shell's default); "
     "SHOW JOBS lists the jobs, STOP JOB stops one."},
    {"client.preview.max-rows", SL_OPT_LONG, 0, "0", NULL, 0, INT64_MAX,
     "A SELECT stops after this many result rows (changelog rows), like a LIMIT on every "
     "query. 0: no bound; an unbounded source then runs until interrupted."},
    {"sql-client.execution.result-mode", SL_OPT_ENUM, 0, "table", "table|changelog|tableau", 1,
     0,
     "How the interactive shell shows a SELECT: 'table' keeps the result table and redraws it "
     "in place, 'changelog' prints every change with its op (+I/-U/+U/-D), 'tableau' prints "
     "the changes as a boxed table."},
    {"sql-client.execution.max-table-result.rows", SL_OPT_INT, 0, "1000000", NULL, 1,
     2147483647,
     "The shell's 'table' mode keeps at most this many rows; older ones are dropped first."},
    {"sql-client.display.max-column-width", SL_OPT_INT, 0, "30", NULL, 1, 1000,
     "The shell shows at most this many columns (display width) of a value; longer values are "
     "cut and end in '...'."},
};

#define NSETTINGS ((int)SL_ARRAY_LEN(settings))

void sl_settings_init(sl_engine *eng)
{
    eng->settings = sl_calloc(NSETTINGS, sizeof(sl_setting));
    for (int i = 0; i < NSETTINGS; i++) eng->settings[i].key = settings[i].name;
}

void sl_settings_free(sl_engine *eng)
{
    for (int i = 0; i < NSETTINGS; i++) sl_free(eng->settings[i].value);
    sl_free(eng->settings);
}

static int find(const char *key)
{
    for (int i = 0; i < NSETTINGS; i++)
        if (strcmp(settings[i].name, key) == 0) return i;
    return -1;
}

static int unknown(const char *key, sl_err *err)
{
    const char *names[NSETTINGS];
    for (int i = 0; i < NSETTINGS; i++) names[i] = settings[i].name;
    const char *hint = sl_suggest(key, names, NSETTINGS);
    if (hint)
        return sl_err_set(err, SL_CONFIG, "Unknown setting '%s'. Did you mean '%s'?", key, hint);
    return sl_err_set(err, SL_CONFIG, "Unknown setting '%s'. SET; lists the settings sluice "
                                      "supports.",
                      key);
}

int sl_settings_check_key(const char *key, sl_err *err)
{
    return find(key) < 0 ? unknown(key, err) : SL_OK;
}

int sl_settings_set(sl_engine *eng, const char *key, const char *value, sl_err *err)
{
    int i = find(key);
    if (i < 0) return unknown(key, err);
    int rc = sl_opt_check_value(&settings[i], key, value, err);
    if (rc) return rc;
    sl_free(eng->settings[i].value);
    eng->settings[i].value = sl_strdup(value);
    return SL_OK;
}

int sl_settings_reset(sl_engine *eng, const char *key, sl_err *err)
{
    if (!key) {
        for (int i = 0; i < NSETTINGS; i++) {
            sl_free(eng->settings[i].value);
            eng->settings[i].value = NULL;
        }
        return SL_OK;
    }
    int i = find(key);
    if (i < 0) return unknown(key, err);
    sl_free(eng->settings[i].value);
    eng->settings[i].value = NULL;
    return SL_OK;
}

const char *sl_settings_get(const sl_engine *eng, const char *key)
{
    int i = find(key);
    SL_ASSERT(i >= 0);
    return eng->settings[i].value ? eng->settings[i].value : settings[i].dflt;
}

void sl_settings_list(const sl_engine *eng, sl_rows *rows)
{
    sl_rows_init(rows, 2);
    for (int i = 0; i < NSETTINGS; i++) {
        const char *cells[2] = {settings[i].name, sl_settings_get(eng, settings[i].name)};
        sl_rows_add(rows, cells);
    }
}

int64_t sl_settings_duration_ms(const sl_engine *eng, const char *key)
{
    int64_t ns = 0;
    sl_err err = SL_ERR_INIT;
    if (sl_duration_parse(sl_settings_get(eng, key), &ns, &err)) return 0;
    return ns / 1000000;
}

void sl_settings_plan_config(const sl_engine *eng, sl_plan_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->sink_not_null_drop =
        sl_strcaseeq(sl_settings_get(eng, "table.exec.sink.not-null-enforcer"), "DROP");
}
