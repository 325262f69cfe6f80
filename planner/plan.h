/*
** planner/plan.h — the plan: compiled expressions and the operator tree, as plain data.
**
** The planner builds a plan and never changes it afterwards; the runtime reads it to create
** operator instances and keeps everything that changes while a job runs in those instances
** (PostgreSQL's "plan tree" and "state tree"). A plan owns one arena; every node, expression,
** name and constant hangs off it and dies with sl_plan_free.
**
** Every edge of the tree is annotated by the changelog pass (changelog.c):
**   mode      the row kinds the edge may carry (SL_CL_*),
**   ukey      the columns the rows of the edge are unique by (the upsert key), if known,
**   needs_ub  whether the consumer needs -U rows (retractions) on this edge.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_PLANNER_PLAN_H
#define SL_PLANNER_PLAN_H

#include "base/registry.h"
#include "base/schema.h"
#include "base/value.h"

/* ---- compiled expressions ------------------------------------------------------------- */

typedef enum sl_cx_kind {
    SL_CX_CONST = 0, /* val */
    SL_CX_COLUMN,    /* col of the input row */
    SL_CX_CAST,      /* args[0] to type; op = 1 for TRY_CAST */
    SL_CX_NOT,
    SL_CX_AND,       /* n-ary, three-valued */
    SL_CX_OR,
    SL_CX_CMP,       /* op: SL_OP_EQ .. SL_OP_GE; both args of one comparable type */
    SL_CX_ARITH,     /* op: SL_OP_ADD .. SL_OP_MOD, SL_OP_NEG; args of the result type */
    SL_CX_IS,        /* op: SL_OP_IS_NULL .. SL_OP_IS_NOT_FALSE */
    SL_CX_CASE,      /* args: when, then, when, then, ..., [else] (nargs odd when ELSE) */
    SL_CX_IN,        /* args[0] IN (args[1..]); op = 1 for NOT IN */
    SL_CX_LIKE,      /* args[0] LIKE args[1] [ESCAPE args[2]]; op = 1 for NOT LIKE */
    SL_CX_CALL       /* fn(args) */
} sl_cx_kind;

typedef enum sl_fn_id {
    SL_FN_UPPER = 1,
    SL_FN_LOWER,
    SL_FN_TRIM,      /* args: string [, chars]; cx->mode: 0 both, 1 leading, 2 trailing */
    SL_FN_COALESCE,
    SL_FN_CONCAT,
    SL_FN_CONCAT_WS,
    SL_FN_SUBSTRING, /* string, start [, length] */
    SL_FN_CHAR_LENGTH,
    SL_FN_ABS,
    SL_FN_ROUND,     /* number [, digits] */
    SL_FN_FLOOR,
    SL_FN_CEIL,
    SL_FN_MOD,
    SL_FN_NULLIF,
    SL_FN_IF,
    SL_FN_REPLACE,
    SL_FN__COUNT
} sl_fn_id;

typedef struct sl_cexpr sl_cexpr;
struct sl_cexpr {
    uint8_t kind;  /* sl_cx_kind */
    uint8_t op;    /* operator (sl_op), function id (sl_fn_id) or flag, per kind */
    uint8_t mode;  /* TRIM mode */
    uint8_t pad;
    int col;       /* SL_CX_COLUMN */
    sl_type type;  /* result type (nullability included) */
    sl_value val;  /* SL_CX_CONST (strings in the plan arena) */
    int nargs;
    sl_cexpr **args;
    int offset, len; /* where it came from in the SQL text, for runtime messages */
};

/* ---- plan nodes ----------------------------------------------------------------------- */

typedef enum sl_pnode_kind {
    SL_PN_SCAN = 1,  /* a source table */
    SL_PN_VALUES,    /* VALUES (...): constant rows, bounded */
    SL_PN_CALC,      /* projection + filter */
    SL_PN_NORMALIZE, /* ChangelogNormalize: upsert stream -> full changelog, keyed state */
    SL_PN_SINK,      /* a sink table (INSERT) */
    SL_PN_COLLECT    /* the result of a SELECT, handed to the caller */
} sl_pnode_kind;

typedef struct sl_pcol {
    const char *name;
    sl_type type;
} sl_pcol;

typedef struct sl_pnode sl_pnode;
struct sl_pnode {
    uint8_t kind; /* sl_pnode_kind */
    int id;       /* 1-based, unique in the plan; shown by EXPLAIN and in errors */
    sl_pnode *input;

    int ncol;
    sl_pcol *cols; /* output schema */

    /* changelog annotation (changelog.c) */
    sl_clmode mode;
    int nukey; /* 0: no known unique key */
    int *ukey;
    uint8_t needs_ub;

    /* SCAN and SINK */
    const sl_tabledef *table;
    const sl_connector_desc *conn;
    uint8_t *needed; /* SCAN: needed[i] = 1 when table column i must be produced */

    /* VALUES */
    int nrows;
    sl_row **rows;

    /* CALC */
    sl_cexpr **proj; /* ncol expressions over the input row */
    sl_cexpr *filter; /* NULL: no filter */

    /* NORMALIZE: key columns of the input; gen_ub: emit -U before +U */
    int nkey;
    int *key;
    uint8_t gen_ub;

    /* SINK: the input row is the table's insert schema (physical + writable metadata columns,
    ** in declaration order); tcol[i] is the table column of input column i. */
    int *tcol;
    uint8_t upsert;     /* the sink writes by primary key */
    uint8_t drop_nulls; /* table.exec.sink.not-null-enforcer = DROP */

    /* COLLECT: LIMIT, or -1 */
    int64_t limit;
};

typedef enum sl_plan_kind {
    SL_PLAN_INSERT = 1,
    SL_PLAN_SELECT
} sl_plan_kind;

typedef struct sl_plan {
    sl_arena ar;
    int kind;      /* sl_plan_kind */
    sl_pnode *root; /* the SINK or COLLECT node */
    int nnodes;
    int nsources;   /* SCAN and VALUES nodes */
} sl_plan;

/* An empty plan (returns owned; free with sl_plan_free). */
sl_plan *sl_plan_new(int kind);
void sl_plan_free(sl_plan *plan);
/* A node of the given kind with its next id. */
sl_pnode *sl_plan_node(sl_plan *plan, int kind);
/* The operator name used in EXPLAIN and error messages ("ChangelogNormalize"). */
const char *sl_pnode_name(const sl_pnode *n);
/* The row kinds a SINK node accepts: its connector's, or inserts only for an upsert sink whose
** table has no PRIMARY KEY (SL_CONN_UPSERT_SINK). */
sl_clmode sl_sink_accepts(const sl_pnode *sink);
/* "ChangelogNormalize(key=[order_id])" — the node as error messages cite it, into b. */
void sl_pnode_describe(sl_buf *b, const sl_pnode *n);

/* Name of a built-in function id ("UPPER"). */
const char *sl_fn_name(int fn);

#endif
