/*
** parser/ast.c — AST constructors and rendering back to SQL.
**
** SPDX-License-Identifier: MIT
*/
#include "parser/ast.h"

void sl_list_push(sl_arena *ar, sl_list *l, void *item)
{
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 4;
        void **items = sl_arena_alloc(ar, sizeof(void *) * (size_t)cap);
        if (l->n) memcpy(items, l->items, sizeof(void *) * (size_t)l->n);
        l->items = items;
        l->cap = cap;
    }
    l->items[l->n++] = item;
}

sl_expr *sl_expr_new(sl_arena *ar, int kind, int offset, int len)
{
    sl_expr *e = sl_arena_calloc(ar, sizeof *e);
    e->kind = (uint8_t)kind;
    e->offset = offset;
    e->len = len;
    return e;
}

void sl_expr_span(sl_expr *e, int offset, int end)
{
    e->offset = offset;
    e->len = end - offset;
}

sl_expr *sl_expr_binary(sl_arena *ar, int op, sl_expr *a, sl_expr *b)
{
    sl_expr *e = sl_expr_new(ar, SL_E_BINARY, a->offset, b->offset + b->len - a->offset);
    e->op = (uint8_t)op;
    e->a = a;
    e->b = b;
    return e;
}

sl_expr *sl_expr_unary(sl_arena *ar, int op, sl_expr *a, int offset)
{
    sl_expr *e = sl_expr_new(ar, SL_E_UNARY, offset, a->offset + a->len - offset);
    e->op = (uint8_t)op;
    e->a = a;
    return e;
}

sl_expr *sl_expr_literal(sl_arena *ar, int lit, const char *text, int offset, int len)
{
    sl_expr *e = sl_expr_new(ar, SL_E_LITERAL, offset, len);
    e->lit = (uint8_t)lit;
    e->text = text;
    return e;
}

static sl_name name_copy(sl_arena *ar, sl_name n)
{
    if (n.z) n.z = sl_arena_strdup(ar, n.z);
    return n;
}

sl_expr *sl_expr_copy(sl_arena *ar, const sl_expr *e)
{
    if (!e) return NULL;
    sl_expr *c = sl_arena_alloc(ar, sizeof *c);
    *c = *e;
    if (e->text) c->text = sl_arena_strdup(ar, e->text);
    c->name = name_copy(ar, e->name);
    c->qualifier = name_copy(ar, e->qualifier);
    c->a = sl_expr_copy(ar, e->a);
    c->b = sl_expr_copy(ar, e->b);
    c->c = sl_expr_copy(ar, e->c);
    c->type = sl_type_copy(ar, &e->type);
    memset(&c->args, 0, sizeof c->args);
    for (int i = 0; i < e->args.n; i++) sl_list_push(ar, &c->args, sl_expr_copy(ar, e->args.items[i]));
    return c;
}

const char *sl_op_text(int op)
{
    switch (op) {
    case SL_OP_OR: return "OR";
    case SL_OP_AND: return "AND";
    case SL_OP_NOT: return "NOT";
    case SL_OP_EQ: return "=";
    case SL_OP_NE: return "<>";
    case SL_OP_LT: return "<";
    case SL_OP_LE: return "<=";
    case SL_OP_GT: return ">";
    case SL_OP_GE: return ">=";
    case SL_OP_ADD: return "+";
    case SL_OP_SUB: return "-";
    case SL_OP_MUL: return "*";
    case SL_OP_DIV: return "/";
    case SL_OP_MOD: return "%";
    case SL_OP_CONCAT: return "||";
    case SL_OP_NEG: return "-";
    case SL_OP_PLUS: return "+";
    case SL_OP_IS_NULL: return "IS NULL";
    case SL_OP_IS_NOT_NULL: return "IS NOT NULL";
    case SL_OP_IS_TRUE: return "IS TRUE";
    case SL_OP_IS_NOT_TRUE: return "IS NOT TRUE";
    case SL_OP_IS_FALSE: return "IS FALSE";
    case SL_OP_IS_NOT_FALSE: return "IS NOT FALSE";
    default: return "?";
    }
}

static void render_name(sl_buf *b, const sl_name *n)
{
    sl_buf_puts(b, n->z);
}

static void render_string(sl_buf *b, const char *z)
{
    sl_buf_putc(b, '\'');
    for (; *z; z++) {
        if (*z == '\'') sl_buf_putc(b, '\'');
        sl_buf_putc(b, *z);
    }
    sl_buf_putc(b, '\'');
}

static void render_list(sl_buf *b, const sl_list *l)
{
    for (int i = 0; i < l->n; i++) {
        if (i) sl_buf_puts(b, ", ");
        sl_expr_render(b, l->items[i]);
    }
}

void sl_expr_render(sl_buf *b, const sl_expr *e)
{
    switch (e->kind) {
    case SL_E_LITERAL:
        switch (e->lit) {
        case SL_LIT_NULL: sl_buf_puts(b, "NULL"); break;
        case SL_LIT_TRUE: sl_buf_puts(b, "TRUE"); break;
        case SL_LIT_FALSE: sl_buf_puts(b, "FALSE"); break;
        case SL_LIT_STRING: render_string(b, e->text); break;
        case SL_LIT_BINARY: sl_buf_printf(b, "X'%s'", e->text); break;
        case SL_LIT_DATE: sl_buf_puts(b, "DATE "); render_string(b, e->text); break;
        case SL_LIT_TIME: sl_buf_puts(b, "TIME "); render_string(b, e->text); break;
        case SL_LIT_TIMESTAMP: sl_buf_puts(b, "TIMESTAMP "); render_string(b, e->text); break;
        case SL_LIT_INTERVAL:
            sl_buf_puts(b, "INTERVAL ");
            render_string(b, e->text);
            sl_buf_printf(b, " %s", e->name.z);
            break;
        default: sl_buf_puts(b, e->text); break;
        }
        break;
    case SL_E_COLUMN:
        if (e->qualifier.z) {
            render_name(b, &e->qualifier);
            sl_buf_putc(b, '.');
        }
        render_name(b, &e->name);
        break;
    case SL_E_STAR:
        if (e->qualifier.z) {
            render_name(b, &e->qualifier);
            sl_buf_putc(b, '.');
        }
        sl_buf_putc(b, '*');
        break;
    case SL_E_UNARY:
        if (e->op == SL_OP_NOT) sl_buf_puts(b, "NOT ");
        else sl_buf_puts(b, sl_op_text(e->op));
        sl_buf_putc(b, '(');
        sl_expr_render(b, e->a);
        sl_buf_putc(b, ')');
        break;
    case SL_E_BINARY:
        sl_buf_putc(b, '(');
        sl_expr_render(b, e->a);
        sl_buf_printf(b, " %s ", sl_op_text(e->op));
        sl_expr_render(b, e->b);
        sl_buf_putc(b, ')');
        break;
    case SL_E_IS:
        sl_expr_render(b, e->a);
        sl_buf_printf(b, " %s", sl_op_text(e->op));
        break;
    case SL_E_CAST: {
        sl_buf_puts(b, e->op ? "TRY_CAST(" : "CAST(");
        sl_expr_render(b, e->a);
        sl_buf_puts(b, " AS ");
        sl_type_render(b, &e->type);
        sl_buf_putc(b, ')');
        break;
    }
    case SL_E_CASE:
        sl_buf_puts(b, "CASE");
        if (e->a) {
            sl_buf_putc(b, ' ');
            sl_expr_render(b, e->a);
        }
        for (int i = 0; i + 1 < e->args.n; i += 2) {
            sl_buf_puts(b, " WHEN ");
            sl_expr_render(b, e->args.items[i]);
            sl_buf_puts(b, " THEN ");
            sl_expr_render(b, e->args.items[i + 1]);
        }
        if (e->c) {
            sl_buf_puts(b, " ELSE ");
            sl_expr_render(b, e->c);
        }
        sl_buf_puts(b, " END");
        break;
    case SL_E_CALL:
        render_name(b, &e->name);
        sl_buf_putc(b, '(');
        if (e->distinct) sl_buf_puts(b, "DISTINCT ");
        render_list(b, &e->args);
        sl_buf_putc(b, ')');
        break;
    case SL_E_BETWEEN:
        sl_expr_render(b, e->a);
        sl_buf_puts(b, e->op ? " NOT BETWEEN " : " BETWEEN ");
        sl_expr_render(b, e->b);
        sl_buf_puts(b, " AND ");
        sl_expr_render(b, e->c);
        break;
    case SL_E_IN:
        sl_expr_render(b, e->a);
        sl_buf_puts(b, e->op ? " NOT IN (" : " IN (");
        render_list(b, &e->args);
        sl_buf_putc(b, ')');
        break;
    case SL_E_LIKE:
        sl_expr_render(b, e->a);
        sl_buf_puts(b, e->op ? " NOT LIKE " : " LIKE ");
        sl_expr_render(b, e->b);
        if (e->c) {
            sl_buf_puts(b, " ESCAPE ");
            sl_expr_render(b, e->c);
        }
        break;
    }
}
