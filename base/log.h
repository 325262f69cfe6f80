/*
** base/log.h — the one logger: text on a terminal, JSON lines otherwise; secret masking.
**
** Every layer logs through sl_log or sl_log_kv. A JSON line carries ts (RFC 3339 UTC, ms),
** level, component, msg and the caller's fields; a text line shows the same, fields as
** key=value. Log lines never contain record payloads. Secret values registered with
** sl_secret_add (the CLI registers every ${secret_values.NAME} it substitutes) are replaced by
** ****** in every log line, error message and result row, whatever option they were given to.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_BASE_LOG_H
#define SL_BASE_LOG_H

#include "base/buf.h"
#include "base/common.h"

typedef enum sl_loglevel {
    SL_LOG_ERROR = 0,
    SL_LOG_WARN,
    SL_LOG_INFO,
    SL_LOG_DEBUG
} sl_loglevel;

typedef enum sl_logformat {
    SL_LOGFMT_TEXT = 0,
    SL_LOGFMT_JSON
} sl_logformat;

/* Process-wide settings; set once at start-up, read without locks afterwards. */
void sl_log_configure(sl_loglevel level, sl_logformat format);
sl_loglevel sl_log_level(void);
/* Parse "error", "warn", "info", "debug"; -1 when unknown. */
int sl_log_parse_level(const char *s);

/* Write one log line to stderr: component is a short static name ("kafka", "job"). */
void sl_log(sl_loglevel level, const char *component, const char *fmt, ...) SL_PRINTF(3, 4);

/*
** The same with fields: kv holds name, value pairs and ends with a NULL name (kv itself may be
** NULL). A NULL value skips its pair. Names are static identifiers ("job", "facility").
*/
void sl_log_kv(sl_loglevel level, const char *component, const char *const *kv,
               const char *fmt, ...) SL_PRINTF(4, 5);

#define SL_LOG_ENABLED(lvl) ((lvl) <= sl_log_level())

/* ---- secrets ---------------------------------------------------------------------------- */

/* The text that replaces a secret. */
#define SL_SECRET_MASK "******"

/*
** Append text[0..n) to out with every registered secret value replaced by SL_SECRET_MASK.
** Returns 1 when something was replaced. Thread-safe.
*/
int sl_secrets_mask(const char *text, size_t n, sl_buf *out);

/* Mask a NUL-terminated string held in a fixed buffer of size cap, in place (truncating). */
void sl_secrets_mask_inplace(char *text, size_t cap);

/* Append s as a JSON string literal (quotes, escapes for ", \ and control characters). */
void sl_json_quote(sl_buf *b, const char *s);

#endif
