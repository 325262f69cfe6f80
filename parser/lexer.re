/*
** parser/lexer.re — the SQL tokenizer (re2c).
**
** re2c turns the rules below into a direct-coded DFA. The input is a NUL-terminated copy of
** the statement text, so the NUL byte doubles as the end sentinel and no refill logic is
** needed; a NUL before the end is an error. All state lives in sl_lexer, so the lexer is
** reentrant (unlike a flex scanner with file statics).
**
** Strings, quoted identifiers and block comments are scanned by small hand loops: their
** escape rules ('' and ``) and their "unterminated" errors are clearer that way.
**
** SPDX-License-Identifier: MIT
*/
#include <stdio.h>

#include "parser/parse_int.h"
#include "grammar.h"

static int offset_of(const sl_lexer *lx, const unsigned char *p)
{
    return (int)(p - lx->base);
}

static void set_tok(sl_lexer *lx, sl_token *tok, int type, const unsigned char *start)
{
    tok->type = type;
    tok->offset = offset_of(lx, start);
    tok->len = (int)(lx->cur - start);
    tok->z = sl_arena_strndup(lx->ar, (const char *)start, (size_t)tok->len);
    tok->quoted = 0;
}

/* '...' with '' for a quote. The token text is the unescaped contents. */
static int scan_string(sl_lexer *lx, sl_token *tok, const unsigned char *start, int type)
{
    sl_buf b = SL_BUF_INIT;
    const unsigned char *p = lx->cur;
    for (;;) {
        if (p >= lx->lim) {
            sl_buf_free(&b);
            return sl_err_at(lx->err, SL_SYNTAX, offset_of(lx, start), 1,
                             "unterminated string literal: missing closing quote (')"),
                   -1;
        }
        if (*p == '\'') {
            if (p + 1 < lx->lim && p[1] == '\'') {
                sl_buf_putc(&b, '\'');
                p += 2;
                continue;
            }
            p++;
            break;
        }
        sl_buf_putc(&b, (char)*p++);
    }
    lx->cur = p;
    tok->type = type;
    tok->offset = offset_of(lx, start);
    tok->len = (int)(p - start);
    tok->z = sl_arena_strndup(lx->ar, b.p ? b.p : "", b.n);
    tok->quoted = 0;
    sl_buf_free(&b);
    return type;
}

/* `name` with `` for a backtick. */
static int scan_quoted_id(sl_lexer *lx, sl_token *tok, const unsigned char *start)
{
    sl_buf b = SL_BUF_INIT;
    const unsigned char *p = lx->cur;
    for (;;) {
        if (p >= lx->lim) {
            sl_buf_free(&b);
            return sl_err_at(lx->err, SL_SYNTAX, offset_of(lx, start), 1,
                             "unterminated quoted identifier: missing closing backtick (`)"),
                   -1;
        }
        if (*p == '`') {
            if (p + 1 < lx->lim && p[1] == '`') {
                sl_buf_putc(&b, '`');
                p += 2;
                continue;
            }
            p++;
            break;
        }
        sl_buf_putc(&b, (char)*p++);
    }
    lx->cur = p;
    if (b.n == 0) {
        sl_buf_free(&b);
        return sl_err_at(lx->err, SL_SYNTAX, offset_of(lx, start), (int)(p - start),
                         "empty quoted identifier"),
               -1;
    }
    tok->type = SL_TK_ID;
    tok->offset = offset_of(lx, start);
    tok->len = (int)(p - start);
    tok->z = sl_arena_strndup(lx->ar, b.p, b.n);
    tok->quoted = 1;
    sl_buf_free(&b);
    return SL_TK_ID;
}

static int skip_block_comment(sl_lexer *lx, const unsigned char *start)
{
    const unsigned char *p = lx->cur;
    while (p + 1 < lx->lim && !(p[0] == '*' && p[1] == '/')) p++;
    if (p + 1 >= lx->lim)
        return sl_err_at(lx->err, SL_SYNTAX, offset_of(lx, start), 2,
                         "unterminated comment: missing */"),
               -1;
    lx->cur = p + 2;
    return 0;
}

static int lex_error(sl_lexer *lx, const unsigned char *start, const char *what)
{
    sl_err_at(lx->err, SL_SYNTAX, offset_of(lx, start), 1, "%s", what);
    return -1;
}

int sl_lex(sl_lexer *lx, sl_token *tok)
{
    const unsigned char *start;
loop:
    start = lx->cur;
    /*!re2c
        re2c:define:YYCTYPE = "unsigned char";
        re2c:define:YYCURSOR = "lx->cur";
        re2c:define:YYMARKER = "lx->mar";
        re2c:yyfill:enable = 0;

        digit = [0-9];
        idstart = [a-zA-Z_] | [\x80-\xff];
        idchar = [a-zA-Z0-9_$] | [\x80-\xff];
        exp = [eE] [+-]? digit+;

        "\x00" {
            if (start >= lx->lim) {
                lx->cur = lx->lim;
                tok->type = 0;
                tok->offset = offset_of(lx, lx->lim);
                tok->len = 0;
                tok->z = "";
                return 0;
            }
            return lex_error(lx, start, "unexpected NUL byte in SQL text");
        }
        [ \t\r\n\f\v]+ { goto loop; }
        "\xef\xbb\xbf" { if (start == lx->base) goto loop; return lex_error(lx, start, "unexpected byte order mark"); }
        "--" [^\n\x00]* { goto loop; }
        "/*" { if (skip_block_comment(lx, start)) return -1; goto loop; }

        idstart idchar* {
            tok->type = sl_keyword_code((const char *)start, (size_t)(lx->cur - start));
            tok->offset = offset_of(lx, start);
            tok->len = (int)(lx->cur - start);
            tok->z = sl_arena_strndup(lx->ar, (const char *)start, (size_t)tok->len);
            tok->quoted = 0;
            return tok->type;
        }
        "`" { return scan_quoted_id(lx, tok, start); }
        [xX] "'" { return scan_string(lx, tok, start, SL_TK_BLOB); }
        "'" { return scan_string(lx, tok, start, SL_TK_STRING); }
        "\"" {
            return lex_error(lx, start, "double quotes are not used in this SQL dialect: write "
                                        "'single quotes' for strings and `backticks` for names");
        }

        digit+ { set_tok(lx, tok, SL_TK_INTEGER, start); return SL_TK_INTEGER; }
        (digit+ "." digit* | "." digit+) { set_tok(lx, tok, SL_TK_DECNUM, start); return SL_TK_DECNUM; }
        (digit+ ("." digit*)? | "." digit+) exp { set_tok(lx, tok, SL_TK_FLOATNUM, start); return SL_TK_FLOATNUM; }

        ";"  { set_tok(lx, tok, SL_TK_SEMI, start); return SL_TK_SEMI; }
        "("  { set_tok(lx, tok, SL_TK_LP, start); return SL_TK_LP; }
        ")"  { set_tok(lx, tok, SL_TK_RP, start); return SL_TK_RP; }
        ","  { set_tok(lx, tok, SL_TK_COMMA, start); return SL_TK_COMMA; }
        "."  { set_tok(lx, tok, SL_TK_DOT, start); return SL_TK_DOT; }
        "="  { set_tok(lx, tok, SL_TK_EQ, start); return SL_TK_EQ; }
        "==" { return lex_error(lx, start, "'==' is not an operator: use '=' for equality"); }
        "<>" | "!=" { set_tok(lx, tok, SL_TK_NE, start); return SL_TK_NE; }
        "<"  { set_tok(lx, tok, SL_TK_LT, start); return SL_TK_LT; }
        "<=" { set_tok(lx, tok, SL_TK_LE, start); return SL_TK_LE; }
        ">"  { set_tok(lx, tok, SL_TK_GT, start); return SL_TK_GT; }
        ">=" { set_tok(lx, tok, SL_TK_GE, start); return SL_TK_GE; }
        "+"  { set_tok(lx, tok, SL_TK_PLUS, start); return SL_TK_PLUS; }
        "-"  { set_tok(lx, tok, SL_TK_MINUS, start); return SL_TK_MINUS; }
        "*"  { set_tok(lx, tok, SL_TK_STAR, start); return SL_TK_STAR; }
        "/"  { set_tok(lx, tok, SL_TK_SLASH, start); return SL_TK_SLASH; }
        "%"  { set_tok(lx, tok, SL_TK_PERCENT, start); return SL_TK_PERCENT; }
        "||" { set_tok(lx, tok, SL_TK_CONCAT, start); return SL_TK_CONCAT; }

        * {
            char msg[64];
            unsigned c = *start;
            if (c >= 0x20 && c < 0x7f) snprintf(msg, sizeof msg, "unexpected character '%c'", (int)c);
            else snprintf(msg, sizeof msg, "unexpected byte 0x%02x", c);
            return lex_error(lx, start, msg);
        }
    */
}
