/*
** cli/display.c — display widths, table cells, JSON and CSV escaping (see display.h).
**
** UTF-8 is decoded here rather than with mbrtowc, so a malformed byte is one column of '?'
** instead of an error; the width of each code point is wcwidth's. Truncation never splits a
** character: a wide character that would straddle the cut is replaced by padding.
**
** SPDX-License-Identifier: MIT
*/
#include "display.h"

#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

/* ---- buffer --------------------------------------------------------------------------- */

static void reserve(sl_dbuf *b, size_t extra)
{
    if (b->n + extra + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->n + extra + 1) cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        fputs("sluice: out of memory\n", stderr);
        exit(70);
    }
    b->p = p;
    b->cap = cap;
}

void sl_dbuf_putn(sl_dbuf *b, const char *s, size_t n)
{
    reserve(b, n);
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

void sl_dbuf_puts(sl_dbuf *b, const char *s)
{
    sl_dbuf_putn(b, s, strlen(s));
}

void sl_dbuf_putc(sl_dbuf *b, char c)
{
    sl_dbuf_putn(b, &c, 1);
}

void sl_dbuf_repeat(sl_dbuf *b, const char *s, int times)
{
    for (int i = 0; i < times; i++) sl_dbuf_puts(b, s);
}

void sl_dbuf_printf(sl_dbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof small) {
        sl_dbuf_putn(b, small, (size_t)n);
        return;
    }
    reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->p + b->n, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)n;
}

void sl_dbuf_free(sl_dbuf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

/* ---- widths --------------------------------------------------------------------------- */

void sl_display_init(void)
{
    const char *loc = setlocale(LC_CTYPE, "");
    if (!loc || MB_CUR_MAX == 1) setlocale(LC_CTYPE, "C.UTF-8");
}

/* Decode one code point at s (n bytes left); *len receives its length. Malformed: -1. */
static long decode(const unsigned char *s, size_t n, int *len)
{
    unsigned c = s[0];
    int k = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
    *len = 1;
    if (!k || (size_t)k > n) return -1;
    long cp = k == 1 ? (long)c : (long)(c & (0x7f >> k));
    for (int i = 1; i < k; i++) {
        if ((s[i] & 0xc0) != 0x80) return -1;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    *len = k;
    return cp;
}

/* The text shown for one code point (escapes for controls) and its width. */
static const char *glyph(long cp, int *width)
{
    *width = 2;
    switch (cp) {
    case '\n': return "\\n";
    case '\t': return "\\t";
    case '\r': return "\\r";
    default: break;
    }
    if (cp < 0 || cp < 0x20 || cp == 0x7f) {
        *width = 1;
        return "?";
    }
    int w = cp < 0x7f ? 1 : wcwidth((wchar_t)cp);
    *width = w < 0 ? 1 : w;
    return NULL; /* the character itself */
}

int sl_display_width(const char *s)
{
    if (!s) return 0;
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    int total = 0;
    while (n) {
        int len, w;
        glyph(decode(p, n, &len), &w);
        total += w;
        p += len;
        n -= (size_t)len;
    }
    return total;
}

/* Append up to `width` columns of s[0..n); returns the columns written. */
static int put_clipped(sl_dbuf *b, const char *s, size_t n, int width)
{
    const unsigned char *p = (const unsigned char *)s;
    int used = 0;
    while (n) {
        int len, w;
        long cp = decode(p, n, &len);
        const char *g = glyph(cp, &w);
        if (used + w > width) break;
        if (g)
            sl_dbuf_puts(b, g);
        else
            sl_dbuf_putn(b, (const char *)p, (size_t)len);
        used += w;
        p += len;
        n -= (size_t)len;
    }
    return used;
}

void sl_display_clip(sl_dbuf *b, const char *s, size_t n, int width)
{
    put_clipped(b, s, n, width);
}

void sl_display_cell(sl_dbuf *b, const char *s, int width, int right, const char *null_text)
{
    if (!s) s = null_text;
    int w = sl_display_width(s);
    if (w > width) {
        int room = width > 3 ? width - 3 : width;
        int used = put_clipped(b, s, strlen(s), room);
        sl_dbuf_repeat(b, " ", room - used);
        if (width > 3) sl_dbuf_puts(b, "...");
        return;
    }
    if (right) sl_dbuf_repeat(b, " ", width - w);
    put_clipped(b, s, strlen(s), w);
    if (!right) sl_dbuf_repeat(b, " ", width - w);
}

/* ---- SQL types ------------------------------------------------------------------------ */

static int starts(const char *type, const char *name)
{
    size_t n = strlen(name);
    return strncasecmp(type, name, n) == 0 &&
           (type[n] == 0 || type[n] == '(' || type[n] == ' ');
}

/* The first number in parentheses, or dflt. */
static int arg(const char *type, int dflt)
{
    const char *lp = strchr(type, '(');
    return lp ? atoi(lp + 1) : dflt;
}

int sl_display_type_numeric(const char *type)
{
    static const char *const names[] = {"TINYINT", "SMALLINT", "INT",     "INTEGER",
                                        "BIGINT",  "FLOAT",    "DOUBLE",  "DECIMAL"};
    for (size_t i = 0; type && i < sizeof names / sizeof names[0]; i++)
        if (starts(type, names[i])) return 1;
    return 0;
}

int sl_display_type_boolean(const char *type)
{
    return type && starts(type, "BOOLEAN");
}

int sl_display_type_width(const char *type)
{
    if (!type) return -1;
    if (starts(type, "BOOLEAN")) return 5;
    if (starts(type, "TINYINT")) return 4;
    if (starts(type, "SMALLINT")) return 6;
    if (starts(type, "INT") || starts(type, "INTEGER")) return 11;
    if (starts(type, "BIGINT")) return 20;
    if (starts(type, "FLOAT")) return 15;
    if (starts(type, "DOUBLE")) return 24;
    if (starts(type, "DECIMAL")) return arg(type, 10) + 2;
    if (starts(type, "DATE")) return 10;
    if (starts(type, "TIME")) return 8 + (arg(type, 0) ? arg(type, 0) + 1 : 0);
    if (starts(type, "TIMESTAMP") || starts(type, "TIMESTAMP_LTZ")) {
        int p = arg(type, 6);
        return 19 + (p ? p + 1 : 0);
    }
    if (starts(type, "CHAR") || starts(type, "VARCHAR")) {
        /* n characters, each of which may be wide (CJK: two columns) */
        int n = arg(type, -1);
        return n > 0 && n < 1000 ? 2 * n : -1;
    }
    return -1;
}

/* ---- JSON and CSV --------------------------------------------------------------------- */

void sl_json_string(sl_dbuf *b, const char *s)
{
    sl_dbuf_putc(b, '"');
    size_t left = strlen(s);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++, left--) {
        if (*p >= 0x80) {
            /* Valid UTF-8 is copied; a malformed byte becomes U+FFFD, so the line stays JSON. */
            int len;
            if (decode(p, left, &len) < 0) {
                sl_dbuf_puts(b, "\ufffd");
            } else {
                sl_dbuf_putn(b, (const char *)p, (size_t)len);
                p += len - 1;
                left -= (size_t)len - 1;
            }
            continue;
        }
        switch (*p) {
        case '"': sl_dbuf_puts(b, "\\\""); break;
        case '\\': sl_dbuf_puts(b, "\\\\"); break;
        case '\n': sl_dbuf_puts(b, "\\n"); break;
        case '\r': sl_dbuf_puts(b, "\\r"); break;
        case '\t': sl_dbuf_puts(b, "\\t"); break;
        default:
            if (*p < 0x20)
                sl_dbuf_printf(b, "\\u%04x", *p);
            else
                sl_dbuf_putc(b, (char)*p);
        }
    }
    sl_dbuf_putc(b, '"');
}

void sl_csv_field(sl_dbuf *b, const char *s)
{
    if (!s) return;
    if (!strpbrk(s, ",\"\r\n")) {
        sl_dbuf_puts(b, s);
        return;
    }
    sl_dbuf_putc(b, '"');
    for (const char *p = s; *p; p++) {
        if (*p == '"') sl_dbuf_putc(b, '"');
        sl_dbuf_putc(b, *p);
    }
    sl_dbuf_putc(b, '"');
}
