/*
** parser/ast.h — the abstract syntax tree the grammar builds.
**
** The grammar is pure: its actions only allocate these nodes, never look anything up. Names
** are resolved and types checked later by the planner (planner/analyze.c), so a script parses
** without a catalog. Every node records the byte span of the SQL text it came from, so any
** later error can point at it.
**
** Memory: every node, list and string lives in the parser's statement arena and dies with it
** (sl_parse_free). Nothing here is malloc'd, so lemon needs no %destructor.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_PARSER_AST_H
#define SL_PARSER_AST_H

#include "base/arena.h"
#include "base/schema.h"
#include "base/value.h"

typedef struct sl_expr sl_expr;
typedef struct sl_query sl_query;

/* A growable array of pointers in the statement arena. */
typedef struct sl_list {
    int n, cap;
    void **items;
} sl_list;

void sl_list_push(sl_arena *ar, sl_list *l, void *item);

/* A name as written: text (unquoted, unescaped) and where it was. */
typedef struct sl_name {
    const char *z;
    int offset, len;
    uint8_t quoted; /* was written in `backticks` */
} sl_name;

/* [catalog.][database.]table */
typedef struct sl_qname {
    sl_name part[3];
    int nparts;
    int offset, len;
} sl_qname;

/* ---- expressions ---------------------------------------------------------------------- */

typedef enum sl_expr_kind {
    SL_E_LITERAL = 0,
    SL_E_COLUMN,  /* [qualifier.]name */
    SL_E_STAR,    /* [qualifier.]* — only in select lists and COUNT(*) */
    SL_E_UNARY,   /* op a: NOT, unary minus, unary plus */
    SL_E_BINARY,  /* a op b */
    SL_E_IS,      /* a IS [NOT] NULL | TRUE | FALSE */
    SL_E_CAST,    /* CAST(a AS type), TRY_CAST */
    SL_E_CASE,    /* CASE [a] WHEN .. THEN .. [ELSE c] END */
    SL_E_CALL,    /* name(args) */
    SL_E_BETWEEN, /* a [NOT] BETWEEN b AND c */
    SL_E_IN,      /* a [NOT] IN (list) */
    SL_E_LIKE     /* a [NOT] LIKE b [ESCAPE c] */
} sl_expr_kind;

typedef enum sl_lit_kind {
    SL_LIT_NULL = 0,
    SL_LIT_TRUE,
    SL_LIT_FALSE,
    SL_LIT_INTEGER, /* digits: INT, or BIGINT / DECIMAL when it does not fit */
    SL_LIT_DECIMAL, /* 1.5: DECIMAL */
    SL_LIT_DOUBLE,  /* 1e3: DOUBLE */
    SL_LIT_STRING,  /* 'text' (unescaped) */
    SL_LIT_BINARY,  /* X'0AFF' (text holds the hex digits) */
    SL_LIT_DATE,    /* DATE '2020-01-01' */
    SL_LIT_TIME,    /* TIME '12:00:00' */
    SL_LIT_TIMESTAMP, /* TIMESTAMP '2020-01-01 12:00:00' */
    SL_LIT_INTERVAL   /* INTERVAL '5' SECOND: text + unit in `name` */
} sl_lit_kind;

typedef enum sl_op {
    SL_OP_NONE = 0,
    SL_OP_OR,
    SL_OP_AND,
    SL_OP_NOT,
    SL_OP_EQ,
    SL_OP_NE,
    SL_OP_LT,
    SL_OP_LE,
    SL_OP_GT,
    SL_OP_GE,
    SL_OP_ADD,
    SL_OP_SUB,
    SL_OP_MUL,
    SL_OP_DIV,
    SL_OP_MOD,
    SL_OP_CONCAT,
    SL_OP_NEG,
    SL_OP_PLUS,
    SL_OP_IS_NULL,
    SL_OP_IS_NOT_NULL,
    SL_OP_IS_TRUE,
    SL_OP_IS_NOT_TRUE,
    SL_OP_IS_FALSE,
    SL_OP_IS_NOT_FALSE
} sl_op;

/* SQL spelling of an operator ("AND", "<>", "||", "IS NOT NULL" ...). */
const char *sl_op_text(int op);

struct sl_expr {
    uint8_t kind;    /* sl_expr_kind */
    uint8_t op;      /* sl_op for UNARY/BINARY/IS; 1 = NOT for BETWEEN/IN/LIKE; 1 = TRY for CAST */
    uint8_t lit;     /* sl_lit_kind for LITERAL */
    uint8_t distinct; /* CALL: f(DISTINCT x) */
    int offset, len; /* span in the SQL text */
    const char *text;  /* LITERAL: the literal's text (strings unescaped) */
    sl_name name;      /* COLUMN: name; CALL: function name; STAR/COLUMN: see qualifier */
    sl_name qualifier; /* COLUMN/STAR: table or alias before the dot; z NULL when none */
    sl_expr *a, *b, *c; /* operands; CASE: a = operand (or NULL), c = ELSE */
    sl_list args;       /* CALL: arguments; CASE: WHEN/THEN pairs flattened; IN: the list */
    sl_type type;       /* CAST target */
    uint8_t trim_mode;  /* TRIM: 0 both, 1 leading, 2 trailing */
};

/* ---- queries -------------------------------------------------------------------------- */

typedef struct sl_select_item {
    sl_expr *expr;
    sl_name alias; /* z NULL when none */
} sl_select_item;

typedef enum sl_from_kind {
    SL_FROM_TABLE = 0,
    SL_FROM_SUBQUERY,
    SL_FROM_JOIN
} sl_from_kind;

typedef enum sl_join_kind {
    SL_JOIN_INNER = 0,
    SL_JOIN_LEFT,
    SL_JOIN_RIGHT,
    SL_JOIN_FULL,
    SL_JOIN_CROSS
} sl_join_kind;

typedef struct sl_from {
    uint8_t kind; /* sl_from_kind */
    uint8_t join; /* sl_join_kind */
    sl_qname table;
    sl_query *subquery;
    sl_name alias;
    sl_list colnames; /* sl_name*: `AS alias (c1, c2, ...)` renames a subquery's columns */
    struct sl_from *left, *right;
    sl_expr *on;
    int offset, len;
} sl_from;

struct sl_query {
    int offset, len;
    uint8_t distinct;
    uint8_t is_values; /* VALUES (...), (...): rows in `values`, a list of sl_list* of sl_expr* */
    sl_list items;     /* sl_select_item* */
    sl_from *from;     /* NULL for SELECT without FROM */
    sl_expr *where;
    sl_list group_by;  /* sl_expr* */
    sl_expr *having;
    sl_list values;
    sl_expr *limit;
};

/* ---- statements ----------------------------------------------------------------------- */

typedef enum sl_stmt_kind {
    SL_STMT_CREATE_TABLE = 1,
    SL_STMT_DROP_TABLE,
    SL_STMT_INSERT,
    SL_STMT_SELECT,
    SL_STMT_EXPLAIN,
    SL_STMT_SET,
    SL_STMT_RESET,
    SL_STMT_SHOW_TABLES,
    SL_STMT_SHOW_CREATE_TABLE,
    SL_STMT_DESCRIBE,
    SL_STMT_SHOW_JOBS,
    SL_STMT_STOP_JOB,
    SL_STMT_HELP
} sl_stmt_kind;

/* One column of CREATE TABLE, before resolution. */
typedef struct sl_coldef {
    sl_name name;
    sl_type type;
    uint8_t kind;       /* sl_colkind */
    uint8_t is_virtual; /* METADATA VIRTUAL */
    uint8_t inline_pk;  /* `col TYPE PRIMARY KEY NOT ENFORCED` */
    uint8_t pk_enforced; /* inline PRIMARY KEY without NOT ENFORCED */
    const char *meta_key; /* METADATA FROM 'key' (NULL: the column name) */
    int meta_key_offset, meta_key_len;
    sl_expr *expr;      /* computed column */
    const char *comment;
    int offset, len;
} sl_coldef;

typedef struct sl_create_table {
    sl_qname name;
    uint8_t if_not_exists;
    uint8_t temporary;
    sl_list cols;        /* sl_coldef* */
    sl_list pk;          /* sl_name* */
    uint8_t has_pk;
    uint8_t pk_enforced; /* PRIMARY KEY (...) without NOT ENFORCED */
    int pk_offset, pk_len;
    sl_name watermark_col;
    sl_expr *watermark;
    sl_list partitioned_by; /* sl_name* */
    const char *comment;
    sl_list opts;        /* sl_opt* */
    int with_offset, with_len;
} sl_create_table;

typedef struct sl_insert {
    sl_qname table;
    sl_list cols; /* sl_name*; empty when no column list */
    sl_query *query;
    uint8_t overwrite;
} sl_insert;

typedef struct sl_ast {
    uint8_t kind; /* sl_stmt_kind */
    int offset, len;
    sl_create_table *create;
    sl_insert *insert;
    sl_query *query;          /* SELECT; EXPLAIN SELECT */
    struct sl_ast *explained; /* EXPLAIN: the statement explained */
    sl_qname table;           /* DROP, SHOW CREATE TABLE, DESCRIBE */
    uint8_t if_exists;        /* DROP TABLE IF EXISTS */
    const char *key, *value;  /* SET 'key' = 'value'; RESET 'key'; STOP JOB 'id'; HELP topic */
    int key_offset, key_len, value_offset, value_len;
} sl_ast;

/* Node constructors used by the grammar's actions (all allocate in ar). */
sl_expr *sl_expr_new(sl_arena *ar, int kind, int offset, int len);
sl_expr *sl_expr_binary(sl_arena *ar, int op, sl_expr *a, sl_expr *b);
sl_expr *sl_expr_unary(sl_arena *ar, int op, sl_expr *a, int offset);
sl_expr *sl_expr_literal(sl_arena *ar, int lit, const char *text, int offset, int len);
/* Extend e's span to cover [offset, end). */
void sl_expr_span(sl_expr *e, int offset, int end);

/* Deep copy of an expression tree into ar (catalog objects outlive the statement arena). */
sl_expr *sl_expr_copy(sl_arena *ar, const sl_expr *e);

/* Render an expression back as SQL (EXPLAIN, error messages, default column names). */
void sl_expr_render(sl_buf *b, const sl_expr *e);

#endif
