/*
** cli/display.h — text helpers for the shell's output: display widths, table cells, JSON and
** CSV escaping.
**
** Widths are terminal columns, not bytes or code points: East Asian wide and fullwidth
** characters (CJK) take two columns and combining marks none, as wcwidth(3) says in a UTF-8
** locale (the shell makes sure LC_CTYPE is one). Control characters in values are shown as
** escapes (\n, \t, \r, ?) so that one value never breaks a table's lines.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_CLI_DISPLAY_H
#define SL_CLI_DISPLAY_H

#include <stddef.h>

/* A growable string (the CLI sees only sluice.h, so it has its own). */
typedef struct sl_dbuf {
    char *p;
    size_t n, cap;
} sl_dbuf;

void sl_dbuf_putn(sl_dbuf *b, const char *s, size_t n);
void sl_dbuf_puts(sl_dbuf *b, const char *s);
void sl_dbuf_putc(sl_dbuf *b, char c);
void sl_dbuf_repeat(sl_dbuf *b, const char *s, int times);
void sl_dbuf_printf(sl_dbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sl_dbuf_free(sl_dbuf *b);

/* Make LC_CTYPE a UTF-8 locale (the environment's, else C.UTF-8) so that widths are known. */
void sl_display_init(void);

/* Display width of UTF-8 text s, after control characters are escaped. */
int sl_display_width(const char *s);

/*
** Append s to b fitted to exactly width columns: padded with spaces (on the left when right
** is set), or cut and ended with "..." when wider. NULL shows as null_text.
*/
void sl_display_cell(sl_dbuf *b, const char *s, int width, int right, const char *null_text);

/* Append s cut to at most width columns (no padding, no ellipsis): a line for a terminal. */
void sl_display_clip(sl_dbuf *b, const char *s, size_t n, int width);

/* The width a column of SQL type `type` ("INT", "VARCHAR(3)", "DECIMAL(10, 2)") needs for any
** value (VARCHAR(n): 2n, as every character may be wide), or -1 when unbounded (strings
** without a length, arrays ...). */
int sl_display_type_width(const char *type);

/* 1 for numeric SQL types (right-aligned; bare numbers in JSON). */
int sl_display_type_numeric(const char *type);
/* 1 for BOOLEAN. */
int sl_display_type_boolean(const char *type);

/* Append s as a JSON string literal, quotes included; malformed UTF-8 becomes U+FFFD. */
void sl_json_string(sl_dbuf *b, const char *s);
/* Append s as a CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF. NULL is an
** empty field. */
void sl_csv_field(sl_dbuf *b, const char *s);

#endif
