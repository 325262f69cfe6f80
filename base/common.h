/*
** base/common.h — what every sluice source file includes first.
**
** Allocation policy: sluice treats running out of memory as fatal. sl_malloc and friends
** print a message and exit with status 70 (EX_SOFTWARE) instead of returning NULL, so the
** rest of the code never carries an "allocation failed" branch that would go untested.
** Bad input, by contrast, is never fatal: it is an sl_err.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_BASE_COMMON_H
#define SL_BASE_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sluice.h"

#define SL_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define SL_MIN(a, b) ((a) < (b) ? (a) : (b))
#define SL_MAX(a, b) ((a) > (b) ? (a) : (b))
#define SL_UNUSED(x) ((void)(x))

#if defined(__GNUC__)
#define SL_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define SL_LIKELY(x) __builtin_expect(!!(x), 1)
#define SL_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define SL_NORETURN __attribute__((noreturn))
#else
#define SL_PRINTF(fmt, args)
#define SL_LIKELY(x) (x)
#define SL_UNLIKELY(x) (x)
#define SL_NORETURN
#endif

/* Internal misuse is a bug, not an error code (librdkafka's rule). */
#define SL_ASSERT(cond)                                                                            \
    do {                                                                                           \
        if (SL_UNLIKELY(!(cond))) sl_assert_fail(#cond, __FILE__, __LINE__);                       \
    } while (0)

SL_NORETURN void sl_assert_fail(const char *expr, const char *file, int line);
/* Print "sluice: fatal: <msg>" and exit 70. */
SL_NORETURN void sl_fatal(const char *fmt, ...) SL_PRINTF(1, 2);

/* Allocation that never returns NULL (see the policy above). */
void *sl_malloc(size_t n);
void *sl_calloc(size_t n, size_t size);
void *sl_realloc(void *p, size_t n);
char *sl_strdup(const char *s);
char *sl_strndup(const char *s, size_t n);
void sl_free(void *p);

/* Monotonic clock in nanoseconds and milliseconds; for timeouts and intervals. */
int64_t sl_now_ns(void);
int64_t sl_now_ms(void);
/* Wall clock, milliseconds since the Unix epoch. */
int64_t sl_wall_ms(void);

/* ASCII case-insensitive comparison helpers (SQL keywords, option values). */
int sl_strcaseeq(const char *a, const char *b);
int sl_strncaseeq(const char *a, const char *b, size_t n);

#endif
