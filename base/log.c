/*
** base/log.c — text or JSON-line logging to stderr, and secret masking (see log.h).
**
** One write(2) per line so that lines from several threads never interleave. The secret list
** only grows (values are registered while a script is loaded); it is guarded by a mutex because
** librdkafka's threads log while the CLI may still register values for the next statement.
**
** SPDX-License-Identifier: MIT
*/
#define _POSIX_C_SOURCE 200809L
#include "base/log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

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

/* ---- secrets ---------------------------------------------------------------------------- */

static pthread_mutex_t g_secrets_mu = PTHREAD_MUTEX_INITIALIZER;
static char **g_secrets;
static size_t *g_secret_lens;
static int g_nsecrets, g_secrets_cap;

int sl_secret_add(const char *value)
{
    if (!value) return SL_MISUSE;
    if (!*value) return SL_OK;
    pthread_mutex_lock(&g_secrets_mu);
    int known = 0;
    for (int i = 0; i < g_nsecrets && !known; i++) known = strcmp(g_secrets[i], value) == 0;
    if (!known) {
        if (g_nsecrets == g_secrets_cap) {
            g_secrets_cap = g_secrets_cap ? g_secrets_cap * 2 : 8;
            g_secrets = sl_realloc(g_secrets, sizeof(char *) * (size_t)g_secrets_cap);
            g_secret_lens = sl_realloc(g_secret_lens, sizeof(size_t) * (size_t)g_secrets_cap);
        }
        /* Longest first, so a secret that contains another is masked whole. */
        size_t len = strlen(value);
        int at = g_nsecrets;
        while (at > 0 && g_secret_lens[at - 1] < len) {
            g_secrets[at] = g_secrets[at - 1];
            g_secret_lens[at] = g_secret_lens[at - 1];
            at--;
        }
        g_secrets[at] = sl_strdup(value);
        g_secret_lens[at] = len;
        g_nsecrets++;
    }
    pthread_mutex_unlock(&g_secrets_mu);
    return SL_OK;
}

int sl_secrets_mask(const char *text, size_t n, sl_buf *out)
{
    int replaced = 0;
    pthread_mutex_lock(&g_secrets_mu);
    size_t i = 0, start = 0;
    while (g_nsecrets && i < n) {
        int hit = -1;
        for (int s = 0; s < g_nsecrets && hit < 0; s++)
            if (g_secret_lens[s] <= n - i && memcmp(text + i, g_secrets[s], g_secret_lens[s]) == 0)
                hit = s;
        if (hit < 0) {
            i++;
            continue;
        }
        sl_buf_append(out, text + start, i - start);
        sl_buf_puts(out, SL_SECRET_MASK);
        i += g_secret_lens[hit];
        start = i;
        replaced = 1;
    }
    pthread_mutex_unlock(&g_secrets_mu);
    sl_buf_append(out, text + start, n - start);
    return replaced;
}

void sl_secrets_mask_inplace(char *text, size_t cap)
{
    sl_buf b = SL_BUF_INIT;
    if (sl_secrets_mask(text, strlen(text), &b)) snprintf(text, cap, "%s", b.p);
    sl_buf_free(&b);
}

/* ---- lines ------------------------------------------------------------------------------- */

void sl_json_quote(sl_buf *b, const char *s)
{
    sl_buf_putc(b, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            sl_buf_putc(b, '\\');
            sl_buf_putc(b, (char)c);
        } else if (c == '\n') {
            sl_buf_puts(b, "\\n");
        } else if (c < 0x20) {
            sl_buf_printf(b, "\\u%04x", c);
        } else {
            sl_buf_putc(b, (char)c);
        }
    }
    sl_buf_putc(b, '"');
}

/* A text-format field value: bare when it has no blank or quote, else quoted. */
static void text_value(sl_buf *b, const char *v)
{
    int plain = *v != 0;
    for (const char *p = v; *p && plain; p++) plain = *p > ' ' && *p != '"' && *p != '=';
    if (plain) sl_buf_puts(b, v);
    else sl_json_quote(b, v);
}

static void vlog(sl_loglevel level, const char *component, const char *const *kv,
                 const char *fmt, va_list ap)
{
    char msg[2048];
    vsnprintf(msg, sizeof msg, fmt, ap);

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
        sl_json_quote(&b, component);
        sl_buf_puts(&b, ",\"msg\":");
        sl_json_quote(&b, msg);
        for (int i = 0; kv && kv[i]; i += 2) {
            if (!kv[i + 1]) continue;
            sl_buf_putc(&b, ',');
            sl_json_quote(&b, kv[i]);
            sl_buf_putc(&b, ':');
            sl_json_quote(&b, kv[i + 1]);
        }
        sl_buf_puts(&b, "}\n");
    } else {
        sl_buf_printf(&b, "%s %-5s [%s] %s", when, level_names[level], component, msg);
        for (int i = 0; kv && kv[i]; i += 2) {
            if (!kv[i + 1]) continue;
            sl_buf_printf(&b, " %s=", kv[i]);
            text_value(&b, kv[i + 1]);
        }
        sl_buf_putc(&b, '\n');
    }
    sl_buf line = SL_BUF_INIT;
    sl_secrets_mask(b.p, b.n, &line);
    ssize_t off = 0;
    while (off < (ssize_t)line.n) {
        ssize_t w = write(2, line.p + off, line.n - (size_t)off);
        if (w <= 0) break;
        off += w;
    }
    sl_buf_free(&line);
    sl_buf_free(&b);
}

void sl_log(sl_loglevel level, const char *component, const char *fmt, ...)
{
    if (level > g_level) return;
    va_list ap;
    va_start(ap, fmt);
    vlog(level, component, NULL, fmt, ap);
    va_end(ap);
}

void sl_log_kv(sl_loglevel level, const char *component, const char *const *kv,
               const char *fmt, ...)
{
    if (level > g_level) return;
    va_list ap;
    va_start(ap, fmt);
    vlog(level, component, kv, fmt, ap);
    va_end(ap);
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

int sl_log_write(const char *level, const char *component, const char *const *fields,
                 const char *msg)
{
    int l = level ? sl_log_parse_level(level) : -1;
    if (l < 0 || !msg) return SL_MISUSE;
    sl_log_kv((sl_loglevel)l, component ? component : "app", fields, "%s", msg);
    return SL_OK;
}
