/*
** engine/jobs.c — the engine's INSERT jobs: run in the foreground or the background, SHOW
** JOBS, STOP JOB.
**
** Every INSERT an engine runs gets an entry with an id ("1", "2", ... per engine), its name
** (pipeline.name or insert-into_<table>), its statement text and a status, Flink's names:
** RUNNING, FINISHED (the sources ended), CANCELED (stopped by STOP JOB, sl_interrupt or
** sl_close; the sinks still flushed), FAILED (with the error). With 'table.dml-sync' = 'true'
** (the library's default, so scripts run job after job) sl_step waits for the job; with
** 'false' (what the interactive shell sets) it returns the id at once and the job runs on its
** own thread until it ends or STOP JOB stops it.
**
** A background job owns its plan, taken from the statement, and the plan points into catalog
** tables, so DROP TABLE refuses a table a running job uses. Finished jobs are reaped lazily
** (at the next statement or SHOW JOBS): their thread is joined, counters and error kept, the
** runtime job and plan freed. sl_interrupt never reaches background jobs: Ctrl-C in the shell
** cancels the statement in the foreground only.
**
** SPDX-License-Identifier: MIT
*/
#include <stdio.h>

#include "base/log.h"
#include "engine/engine_int.h"

static const char *const status_names[] = {"RUNNING", "FINISHED", "CANCELED", "FAILED"};

/* The statement on one line: runs of white space (newlines too) become one space. */
static char *one_line(const char *text)
{
    sl_buf b = SL_BUF_INIT;
    int space = 0;
    for (const char *p = text; *p; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
            space = b.n > 0;
            continue;
        }
        if (space) sl_buf_putc(&b, ' ');
        space = 0;
        sl_buf_putc(&b, *p);
    }
    sl_buf_putc(&b, 0);
    return sl_buf_detach(&b);
}

/* The job ended (sl_job_wait returned rc): keep its outcome, free the runtime objects. */
static void settle(sl_engine *eng, sl_job_entry *e, int rc, const sl_err *err)
{
    e->rows_in = sl_job_rows_in(e->job);
    e->rows_out = sl_job_rows_out(e->job);
    if (rc != SL_DONE) {
        e->status = SL_JOB_FAILED;
        e->error = sl_strdup(err->msg);
    } else {
        e->status = e->stop_requested ? SL_JOB_CANCELED : SL_JOB_FINISHED;
    }
    sl_log(SL_LOG_INFO, "job", "%s (%s): %s; %llu rows in, %llu rows out", e->name, e->id,
           status_names[e->status], (unsigned long long)e->rows_in,
           (unsigned long long)e->rows_out);
    sl_job_free(e->job);
    e->job = NULL;
    if (e->plan != e->borrowed_plan) sl_plan_free(e->plan);
    e->plan = NULL;
    SL_UNUSED(eng);
}

void sl_jobs_reap(sl_engine *eng)
{
    for (int i = 0; i < eng->njobs; i++) {
        sl_job_entry *e = eng->jobs[i];
        if (!e->job) continue;
        sl_err err = SL_ERR_INIT;
        int rc = sl_job_wait(e->job, 0, &err);
        if (rc != SL_IDLE) settle(eng, e, rc, &err);
    }
}

int sl_jobs_run_insert(sl_stmt *stmt, int background, sl_err *err)
{
    sl_engine *eng = stmt->eng;
    sl_jobs_reap(eng);
    const char *name = sl_settings_get(eng, "pipeline.name");
    char defname[512];
    if (!name || !*name) {
        snprintf(defname, sizeof defname, "insert-into_%s", stmt->plan->root->table->qualified);
        name = defname;
    }
    sl_job_config cfg = {name, sl_settings_duration_ms(eng, "execution.checkpointing.interval"),
                         0};
    sl_job *job;
    int rc = sl_job_create(stmt->plan, &eng->reg, &eng->rt, &cfg, &job, err);
    if (rc) return rc;

    sl_job_entry *e = sl_calloc(1, sizeof *e);
    snprintf(e->id, sizeof e->id, "%d", ++eng->last_job_id);
    e->name = sl_strdup(name);
    e->statement = one_line(stmt->text);
    e->job = job;
    e->status = SL_JOB_RUNNING;
    if (eng->njobs == eng->capjobs) {
        eng->capjobs = eng->capjobs ? eng->capjobs * 2 : 8;
        eng->jobs = sl_realloc(eng->jobs, sizeof(sl_job_entry *) * (size_t)eng->capjobs);
    }
    eng->jobs[eng->njobs++] = e;

    if (background) {
        /* The job outlives the statement: it takes the plan. */
        e->plan = stmt->plan;
        stmt->plan = NULL;
    } else {
        e->plan = e->borrowed_plan = stmt->plan;
        atomic_store(&eng->stop_flag, sl_job_stop_flag(job));
        if (atomic_load(&eng->interrupted)) sl_job_stop(job);
    }
    sl_log(SL_LOG_INFO, "job", "%s (%s): started%s", name, e->id,
           background ? " in the background" : "");
    rc = sl_job_start(job, err);
    if (rc) {
        atomic_store(&eng->stop_flag, NULL);
        settle(eng, e, rc, err);
        return rc;
    }
    if (background) {
        const char *cells[1] = {e->id};
        sl_rows_add(&stmt->rows, cells);
        return SL_OK;
    }
    rc = sl_job_wait(job, -1, err);
    atomic_store(&eng->stop_flag, NULL);
    if (atomic_load(&eng->interrupted)) e->stop_requested = 1;
    atomic_store(&eng->interrupted, 0);
    settle(eng, e, rc, err);
    return rc == SL_DONE ? SL_OK : rc;
}

static sl_job_entry *find(sl_engine *eng, const char *id)
{
    for (int i = 0; i < eng->njobs; i++)
        if (strcmp(eng->jobs[i]->id, id) == 0) return eng->jobs[i];
    return NULL;
}

int sl_jobs_stop(sl_engine *eng, const sl_ast *ast, sl_err *err)
{
    sl_jobs_reap(eng);
    sl_job_entry *e = find(eng, ast->key);
    if (!e)
        return sl_err_at(err, SL_SEMANTIC, ast->key_offset, ast->key_len,
                         "Could not find a job with id '%s'. SHOW JOBS lists the jobs.", ast->key);
    if (!e->job)
        return sl_err_at(err, SL_SEMANTIC, ast->key_offset, ast->key_len,
                         "Job '%s' is not running: it is %s.", e->id, status_names[e->status]);
    e->stop_requested = 1;
    sl_job_stop(e->job);
    sl_err jerr = SL_ERR_INIT;
    int rc = sl_job_wait(e->job, -1, &jerr);
    settle(eng, e, rc, &jerr);
    return SL_OK;
}

void sl_jobs_show(sl_engine *eng, sl_rows *rows)
{
    sl_jobs_reap(eng);
    for (int i = 0; i < eng->njobs; i++) {
        const sl_job_entry *e = eng->jobs[i];
        char in[24], out[24];
        snprintf(in, sizeof in, "%llu",
                 (unsigned long long)(e->job ? sl_job_rows_in(e->job) : e->rows_in));
        snprintf(out, sizeof out, "%llu",
                 (unsigned long long)(e->job ? sl_job_rows_out(e->job) : e->rows_out));
        const char *cells[7] = {e->id, e->name, status_names[e->status], in, out,
                                e->statement, e->error};
        sl_rows_add(rows, cells);
    }
}

const char *sl_jobs_using(sl_engine *eng, const sl_tabledef *t)
{
    sl_jobs_reap(eng);
    for (int i = 0; i < eng->njobs; i++) {
        const sl_job_entry *e = eng->jobs[i];
        if (!e->job) continue;
        for (const sl_pnode *n = e->plan->root; n; n = n->input)
            if (n->table == t) return e->id;
    }
    return NULL;
}

void sl_jobs_close(sl_engine *eng)
{
    for (int i = 0; i < eng->njobs; i++) {
        sl_job_entry *e = eng->jobs[i];
        if (e->job) {
            e->stop_requested = 1;
            sl_job_stop(e->job);
        }
    }
    for (int i = 0; i < eng->njobs; i++) {
        sl_job_entry *e = eng->jobs[i];
        if (e->job) {
            sl_err err = SL_ERR_INIT;
            int rc = sl_job_wait(e->job, -1, &err);
            settle(eng, e, rc, &err);
        }
        sl_free(e->name);
        sl_free(e->statement);
        sl_free(e->error);
        sl_free(e);
    }
    sl_free(eng->jobs);
    eng->jobs = NULL;
    eng->njobs = eng->capjobs = 0;
}
