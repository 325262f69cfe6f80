/*
** base/log.h — the one logger: text on a terminal, JSON lines otherwise.
**
** Every layer logs through sl_log. Log lines never contain record payloads or secrets;
** callers pass option values through sl_mask_secret when they might be sensitive.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_BASE_LOG_H
#define SL_BASE_LOG_H

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

#define SL_LOG_ENABLED(lvl) ((lvl) <= sl_log_level())

#endif
