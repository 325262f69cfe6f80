/*
** base/err.h — the error object every fallible function fills.
**
** Convention: a function that can fail returns an int sl_rc and takes `sl_err *err` last.
** The first error wins: once err->code is set, later sl_err_set calls are no-ops, so the
** innermost, most specific message survives as the error unwinds.
**
** Positions are byte spans in the SQL text the statement was prepared from; they are turned
** into file:line:col plus a caret line only when rendered (cli/).
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_BASE_ERR_H
#define SL_BASE_ERR_H

#include <stdarg.h>

#include "base/common.h"

#define SL_ERR_MSG_MAX 1024

typedef struct sl_err {
    int code;       /* sl_rc; SL_OK while clear */
    int offset;     /* byte offset in the SQL source, -1 if none */
    int len;        /* byte length of the span, 0 if none */
    int detail;     /* the foreign code: rd_kafka_resp_err_t, CURLcode, HTTP status, errno */
    unsigned retriable : 1;
    unsigned fatal : 1;
    const char *origin; /* static: "parser", "planner", "kafka", ... or NULL */
    char msg[SL_ERR_MSG_MAX];
} sl_err;

#define SL_ERR_INIT {SL_OK, -1, 0, 0, 0, 0, NULL, {0}}

/* Clear err so that it can record a new error. */
void sl_err_clear(sl_err *err);

/* Record an error without a SQL position. No-op if err already holds one. Returns code. */
int sl_err_set(sl_err *err, int code, const char *fmt, ...) SL_PRINTF(3, 4);

/* Record an error spanning [offset, offset+len) of the SQL text. Returns code. */
int sl_err_at(sl_err *err, int code, int offset, int len, const char *fmt, ...)
    SL_PRINTF(5, 6);

int sl_err_vat(sl_err *err, int code, int offset, int len, const char *fmt, va_list ap);

/* Attach a position to an error that has none yet (e.g. an option error found deep down). */
void sl_err_locate(sl_err *err, int offset, int len);

/* Prefix the message of an already-set error with more context: "<prefix><old message>". */
void sl_err_prefix(sl_err *err, const char *fmt, ...) SL_PRINTF(2, 3);

/* Copy src into dst if dst is clear. Returns src->code. */
int sl_err_copy(sl_err *dst, const sl_err *src);

#endif
