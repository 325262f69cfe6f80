/*
** base/log.c — text or JSON-line logging to stderr (see log.h).
**
** One write(2) per line so that lines from several threads never interleave.
**
** SPDX-License-Identifier: MIT
*/
#define _POSIX_C_SOURCE 200809L
#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"

static sl_loglevel g_level = SL_LOG_WARN;
static sl_logformat g_format = SL_LOGFMT_TEXT;

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void sl_log_configure(sl_loglevel level, sl_logformat format)
{
    g_level = level;
    g_format = format;
}

sl_loglevel sl_log_level(void)
{
    return g_level;
}

int sl_log_parse_level(const char *s)
{
    for (int i = 0; i < 4; i++)
        if (sl_strcaseeq(s, level_names[i])) return i;
    if (sl_strcaseeq(s, "warning")) return SL_LOG_WARN;
    return -1;
}

static void json_str(sl_buf *b, const char *s)
{
    sl_buf_putc(b, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            sl_buf_putc(b, '\\');
            sl_buf_putc(b, (char)c);
        } else if (c < 0x20) {
            sl_buf_printf(b, "\\u%04x", c);
        } else {
            sl_buf_putc(b, (char)c);
        }
    }
    sl_buf_putc(b, '"');
}

void sl_log(sl_loglevel level, const char *component, const char *fmt, ...)
{
    if (level > g_level) return;
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);

    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char when[40];
    snprintf(when, sizeof when, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);

    sl_buf b = SL_BUF_INIT;
    if (g_format == SL_LOGFMT_JSON) {
        sl_buf_printf(&b, "{\"ts\":\"%s\",\"level\":\"%s\",\"component\":", when,
                      level_names[level]);
        json_str(&b, component);
        sl_buf_puts(&b, ",\"msg\":");
        json_str(&b, msg);
        sl_buf_puts(&b, "}\n");
    } else {
        sl_buf_printf(&b, "%s %-5s [%s] %s\n", when, level_names[level], component, msg);
    }
    ssize_t off = 0;
    while (off < (ssize_t)b.n) {
        ssize_t w = write(2, b.p + off, b.n - (size_t)off);
        if (w <= 0) break;
        off += w;
    }
    sl_buf_free(&b);
}

int sl_log_config(const char *level, const char *format)
{
    sl_loglevel l = g_level;
    sl_logformat f = g_format;
    if (level) {
        int v = sl_log_parse_level(level);
        if (v < 0) return SL_MISUSE;
        l = (sl_loglevel)v;
    }
    if (format) {
        if (sl_strcaseeq(format, "json")) f = SL_LOGFMT_JSON;
        else if (sl_strcaseeq(format, "text")) f = SL_LOGFMT_TEXT;
        else return SL_MISUSE;
    }
    sl_log_configure(l, f);
    return SL_OK;
}
