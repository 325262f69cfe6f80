/*
** cli/render.c — SQL error rendering: file:line:col, the source line, a caret.
**
** Columns count characters (UTF-8 code points), not bytes, so the caret sits under the right
** character in non-ASCII scripts; a tab in the source is copied into the caret line so that
** terminals expand both alike.
**
** SPDX-License-Identifier: MIT
*/
#include "render.h"

#include <string.h>

void sl_cli_print_error(FILE *out, const char *file, const char *src, size_t srclen, int offset,
                        int len, const char *msg)
{
    if (offset < 0 || !src || (size_t)offset > srclen) {
        fprintf(out, "%s: error: %s\n", file, msg);
        return;
    }
    int line = 1, col = 1;
    size_t line_start = 0;
    for (size_t i = 0; i < (size_t)offset; i++) {
        if (src[i] == '\n') {
            line++;
            col = 1;
            line_start = i + 1;
        } else if (((unsigned char)src[i] & 0xc0) != 0x80) {
            col++;
        }
    }
    fprintf(out, "%s:%d:%d: error: %s\n", file, line, col, msg);
    size_t line_end = line_start;
    while (line_end < srclen && src[line_end] != '\n') line_end++;
    size_t shown_end = line_end;
    if (shown_end > line_start && src[shown_end - 1] == '\r') shown_end--;
    fprintf(out, "  %.*s\n  ", (int)(shown_end - line_start), src + line_start);
    for (size_t i = line_start; i < (size_t)offset; i++) {
        if (((unsigned char)src[i] & 0xc0) == 0x80) continue;
        fputc(src[i] == '\t' ? '\t' : ' ', out);
    }
    fputc('^', out);
    size_t end = (size_t)offset + (len > 0 ? (size_t)len : 1);
    if (end > shown_end) end = shown_end;
    for (size_t i = (size_t)offset + 1; i < end; i++)
        if (((unsigned char)src[i] & 0xc0) != 0x80) fputc('~', out);
    fputc('\n', out);
}
