/*
** parser/parse.c — the push-parse loop: lexer tokens into the lemon parser.
**
** sl_parse copies the text (so the lexer has its NUL sentinel and token texts can live in the
** statement arena), then feeds tokens to lemon until the first top-level `;` or the end of the
** text, as SQLite's sqlite3RunParser does. The first error stops everything; syntax errors
** name the token found and the tokens the grammar would have accepted there.
**
** SPDX-License-Identifier: MIT
*/
#include "parser/parse.h"

#include <stdio.h>
#include <stdlib.h>

#include "grammar.h"
#include "parser/parse_int.h"

sl_parser *sl_parser_new(void)
{
    sl_parser *p = sl_calloc(1, sizeof *p);
    sl_arena_init(&p->ar, 16384);
    return p;
}

void sl_parser_free(sl_parser *p)
{
    if (!p) return;
    sl_arena_free(&p->ar);
    sl_free(p);
}

sl_ast *sl_parser_stmt(sl_parser *p, int kind, int offset, int len)
{
    sl_ast *a = sl_arena_calloc(&p->ar, sizeof *a);
    a->kind = (uint8_t)kind;
    a->offset = offset;
    a->len = len;
    a->key_offset = a->value_offset = -1;
    return a;
}

void sl_parser_table_elem(sl_parser *p, sl_create_table *ct, const sl_table_elem *e)
{
    if (e->col) {
        sl_list_push(&p->ar, &ct->cols, e->col);
        if (!e->col->inline_pk) return;
        if (ct->has_pk) goto duplicate;
        ct->has_pk = 1;
        ct->pk_enforced = e->col->pk_enforced;
        ct->pk_offset = e->col->offset;
        ct->pk_len = e->col->len;
        sl_name *n = sl_arena_alloc(&p->ar, sizeof *n);
        *n = e->col->name;
        sl_list_push(&p->ar, &ct->pk, n);
        return;
    }
    if (e->has_pk) {
        if (ct->has_pk) goto duplicate;
        ct->has_pk = 1;
        ct->pk = e->pk;
        ct->pk_enforced = e->pk_enforced;
        ct->pk_offset = e->offset;
        ct->pk_len = e->len;
        return;
    }
    if (e->watermark) {
        if (ct->watermark) {
            sl_err_at(p->err, SL_SEMANTIC, e->offset, e->len,
                      "Multiple watermark definitions are not supported yet.");
            p->failed = 1;
            return;
        }
        ct->watermark_col = e->watermark_col;
        ct->watermark = e->watermark;
    }
    return;
duplicate:
    sl_err_at(p->err, SL_SEMANTIC, e->offset ? e->offset : e->col->offset,
              e->len ? e->len : e->col->len, "Duplicate primary key definition");
    p->failed = 1;
}

sl_type sl_parser_row_type(sl_parser *p, const sl_list *fields)
{
    sl_type t = sl_type_make(SL_TYPE_ROW);
    sl_field *f = sl_arena_alloc(&p->ar, sizeof(sl_field) * (size_t)(fields->n ? fields->n : 1));
    for (int i = 0; i < fields->n; i++) f[i] = *(sl_field *)fields->items[i];
    t.fields = f;
    t.nfields = fields->n;
    return t;
}

sl_expr *sl_parser_column(sl_parser *p, const sl_token *qual, const sl_token *name)
{
    int off = qual ? qual->offset : name->offset;
    sl_expr *e = sl_expr_new(&p->ar, SL_E_COLUMN, off, name->offset + name->len - off);
    e->name.z = name->z;
    e->name.offset = name->offset;
    e->name.len = name->len;
    e->name.quoted = name->quoted;
    if (qual) {
        e->qualifier.z = qual->z;
        e->qualifier.offset = qual->offset;
        e->qualifier.len = qual->len;
        e->qualifier.quoted = qual->quoted;
    }
    return e;
}

sl_from *sl_parser_cross(sl_parser *p, sl_from *left, sl_from *right)
{
    sl_from *f = sl_arena_calloc(&p->ar, sizeof *f);
    f->kind = SL_FROM_JOIN;
    f->join = SL_JOIN_CROSS;
    f->left = left;
    f->right = right;
    f->offset = left->offset;
    f->len = right->offset + right->len - left->offset;
    return f;
}

sl_expr *sl_parser_call(sl_parser *p, const sl_token *fn, int end, sl_expr *a, sl_expr *b)
{
    sl_expr *e = sl_expr_new(&p->ar, SL_E_CALL, fn->offset, end - fn->offset);
    e->name.z = fn->z;
    e->name.offset = fn->offset;
    e->name.len = fn->len;
    if (a) sl_list_push(&p->ar, &e->args, a);
    if (b) sl_list_push(&p->ar, &e->args, b);
    return e;
}

void sl_parser_syntax_error(sl_parser *p, const sl_token *tok)
{
    p->bad = *tok;
    p->failed = 1;
}

static int display_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void sl_parser_expected_done(sl_parser *p)
{
    const char *names[SL_ARRAY_LEN(p->expected)];
    int n = 0;
    for (int i = 0; i < p->nexpected; i++) {
        const char *d = sl_token_display(p->expected[i]);
        int dup = 0;
        for (int j = 0; j < n; j++) dup |= strcmp(names[j], d) == 0;
        if (!dup) names[n++] = d;
    }
    qsort(names, (size_t)n, sizeof names[0], display_cmp);
    char list[512] = "";
    size_t len = 0;
    for (int i = 0; i < n && len < sizeof list; i++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%s",
                                i == 0 ? "" : i == n - 1 ? " or " : ", ", names[i]);
    const sl_token *t = &p->bad;
    char found[80];
    if (t->type == 0) snprintf(found, sizeof found, "unexpected end of input");
    else snprintf(found, sizeof found, "syntax error at '%.*s'", t->len > 40 ? 40 : t->len,
                  t->len ? t->z : "");
    /* Long lists say little; past a dozen candidates only the position helps. */
    if (n > 0 && n <= 12)
        sl_err_at(p->err, SL_SYNTAX, t->offset, t->len, "%s: expected %s%s", found,
                  n > 1 ? "one of " : "", list);
    else
        sl_err_at(p->err, SL_SYNTAX, t->offset, t->len, "%s", found);
}

void sl_parser_overflow(sl_parser *p)
{
    sl_err_at(p->err, SL_SYNTAX, p->last_end, 0,
              "statement is nested too deeply (parser stack overflow)");
    p->failed = 1;
}

int sl_parse(sl_parser *p, const char *sql, int n, sl_ast **out, int *consumed, sl_err *err)
{
    *out = NULL;
    *consumed = 0;
    if (n < 0) n = (int)strlen(sql);
    sl_arena_reset(&p->ar);
    p->err = err;
    p->ast = NULL;
    p->failed = 0;
    p->last_end = 0;
    p->nexpected = 0;

    char *text = sl_arena_alloc(&p->ar, (size_t)n + 1);
    memcpy(text, sql, (size_t)n);
    text[n] = 0;
    sl_lexer lx = {(const unsigned char *)text, (const unsigned char *)text,
                   (const unsigned char *)text + n, NULL, &p->ar, err};

    void *parser = NULL;
    int rc = SL_OK;
    sl_token tok;
    for (;;) {
        int type = sl_lex(&lx, &tok);
        if (type < 0) {
            rc = err->code;
            break;
        }
        if (type == SL_TK_SEMI && !parser) continue; /* empty statement */
        if (type == 0 && !parser) {
            *consumed = n;
            break;
        }
        if (!parser) parser = slParseAlloc(sl_malloc, p);
        slParse(parser, type, tok);
        p->last_end = tok.offset + tok.len;
        if (p->failed || err->code) break;
        if (type == SL_TK_SEMI || type == 0) {
            if (type == SL_TK_SEMI) slParse(parser, 0, tok);
            *consumed = type == 0 ? n : tok.offset + tok.len;
            break;
        }
    }
    if (parser) slParseFree(parser, sl_free);
    if (!rc && (p->failed || err->code)) rc = err->code ? err->code : SL_SYNTAX;
    if (!rc) *out = p->ast;
    if (rc && !*consumed) *consumed = (int)(lx.cur - lx.base);
    return rc;
}

int sl_sql_input_state(const char *sql, int n)
{
    if (n < 0) n = (int)strlen(sql);
    sl_arena ar;
    sl_arena_init(&ar, 4096);
    char *text = sl_arena_alloc(&ar, (size_t)n + 1);
    memcpy(text, sql, (size_t)n);
    text[n] = 0;
    sl_err err = SL_ERR_INIT;
    sl_lexer lx = {(const unsigned char *)text, (const unsigned char *)text,
                   (const unsigned char *)text + n, NULL, &ar, &err};
    sl_token tok;
    int last = 0, depth = 0, any = 0, state;
    for (;;) {
        sl_err_clear(&err);
        const unsigned char *before = lx.cur;
        int type = sl_lex(&lx, &tok);
        if (type == 0) {
            state = last == SL_TK_SEMI ? SL_INPUT_COMPLETE
                    : !any             ? SL_INPUT_EMPTY
                    : depth > 0        ? SL_INPUT_PAREN
                                       : SL_INPUT_MORE;
            break;
        }
        if (type < 0) {
            /* Unterminated strings, names and comments continue on the next line; other
            ** lexical errors are complete enough to be reported. */
            if (strstr(err.msg, "unterminated string")) {
                state = SL_INPUT_STRING;
            } else if (strstr(err.msg, "unterminated quoted identifier")) {
                state = SL_INPUT_NAME;
            } else if (strstr(err.msg, "unterminated comment")) {
                state = SL_INPUT_COMMENT;
            } else {
                /* The lexer consumed the bad bytes; keep looking for a final ';'. */
                if (lx.cur <= before) lx.cur = before + 1;
                any = 1;
                last = 0;
                if (lx.cur > lx.lim) {
                    state = SL_INPUT_MORE;
                    break;
                }
                continue;
            }
            break;
        }
        any = 1;
        if (type == SL_TK_LP) depth++;
        if (type == SL_TK_RP && depth > 0) depth--;
        if (type == SL_TK_SEMI) depth = 0;
        last = type;
    }
    sl_arena_free(&ar);
    return state;
}

int sl_sql_complete(const char *sql, int n)
{
    return sl_sql_input_state(sql, n) == SL_INPUT_COMPLETE;
}

const char *sl_stmt_kind_name(int kind)
{
    switch (kind) {
    case SL_STMT_CREATE_TABLE: return "CREATE TABLE";
    case SL_STMT_DROP_TABLE: return "DROP TABLE";
    case SL_STMT_INSERT: return "INSERT";
    case SL_STMT_SELECT: return "SELECT";
    case SL_STMT_EXPLAIN: return "EXPLAIN";
    case SL_STMT_SET: return "SET";
    case SL_STMT_RESET: return "RESET";
    case SL_STMT_SHOW_TABLES: return "SHOW TABLES";
    case SL_STMT_SHOW_CREATE_TABLE: return "SHOW CREATE TABLE";
    case SL_STMT_DESCRIBE: return "DESCRIBE";
    case SL_STMT_SHOW_JOBS: return "SHOW JOBS";
    case SL_STMT_STOP_JOB: return "STOP JOB";
    case SL_STMT_HELP: return "HELP";
    default: return "statement";
    }
}
