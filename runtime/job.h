/*
** runtime/job.h — running a plan: opening its connectors, a task thread, stopping.
**
** A job instantiates the operators of a plan (the plan itself stays untouched and may be
** shared), opens the source and sink through the runtime connector registry, and runs the
** chain on its own task thread: poll the source, push the batch through the operators,
** repeat until the source ends or a stop is requested, then flush the sinks and let the
** source commit its progress.
**
** Errors from the task thread are kept in the job and reported by sl_job_wait; nothing calls
** upward across layers.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_RUNTIME_JOB_H
#define SL_RUNTIME_JOB_H

#include "planner/plan.h"
#include "runtime/connector.h"

typedef struct sl_job sl_job;

typedef struct sl_job_config {
    const char *name;
    int64_t checkpoint_ms; /* execution.checkpointing.interval; 0: only at the end */
    int64_t max_rows;      /* SELECT: stop after this many result rows; 0: no bound */
} sl_job_config;

/*
** Build a job for plan (borrowed; must outlive the job): an INSERT plan ends in its sink, a
** SELECT plan in a Collect whose rows the caller reads with sl_job_next_row and open its connectors. *out receives
** the job (returns owned; free with sl_job_free). Errors: connector failures (SL_CONNECTOR,
** SL_CONFIG, SL_UNAVAILABLE ...).
*/
int sl_job_create(const sl_plan *plan, const sl_registry *reg, const sl_rt_registry *rt,
                  const sl_job_config *cfg, sl_job **out, sl_err *err);

/* Start the task thread. */
int sl_job_start(sl_job *job, sl_err *err);

/* Ask the job to stop: sources stop reading, sinks flush. Async-signal-safe. */
void sl_job_stop(sl_job *job);

/* The job's stop flag, for callers that must reach it from a signal handler. */
atomic_int *sl_job_stop_flag(sl_job *job);

/*
** Wait for the task thread to end, at most timeout_ms (negative: forever). Returns SL_DONE
** when it ended cleanly, SL_IDLE on timeout, or the job's error (copied into err).
*/
int sl_job_wait(sl_job *job, int timeout_ms, sl_err *err);

/*
** SELECT jobs: take the next result row, waiting at most timeout_ms (negative: forever).
** Returns SL_ROW with *out set (returns owned; free with sl_free), SL_IDLE when none came in
** time, SL_DONE when the job ended and every row was taken, or the job's error (copied into
** err) once the rows before it were taken.
*/
int sl_job_next_row(sl_job *job, int timeout_ms, sl_row **out, sl_err *err);

/* Counters. */
uint64_t sl_job_rows_in(const sl_job *job);
uint64_t sl_job_rows_out(const sl_job *job);
uint64_t sl_job_state_keys(const sl_job *job);

/* Stop (if running), wait, close everything. NULL is a no-op. */
void sl_job_free(sl_job *job);

#endif
