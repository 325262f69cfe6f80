/*
** parser/grammar.y — the lemon grammar of sluice's SQL.
**
** Actions only build AST nodes (parser/ast.h) in the statement arena; nothing here looks at a
** catalog or a setting (the PostgreSQL gram.y rule). Error recovery is off: the first syntax
** error stops the statement, and %syntax_error records what was expected instead (parse.c
** turns that into "expected one of ..."). Keywords that are not structural fall back to
** identifiers, so `key`, `value`, `comment` or `metadata` can name columns. Lemon tries the
** fallback before a default reduction, so no empty rule may precede a fallback keyword that
** the following rule expects (see table_elem).
**
** The driver (parse.c) feeds one statement at a time: its tokens, the closing SEMI when there
** is one, then end-of-input.
**
** SPDX-License-Identifier: MIT
*/

%name slParse
%token_prefix SL_TK_
%token_type {sl_token}
%extra_context {sl_parser *p}
%stack_size 1000

%include {
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "parser/parse_int.h"

#define YYNOERRORRECOVERY 1
#define YYPARSEFREENEVERNULL 1

static void sl_collect_expected(void *parser, sl_parser *p);

#define AR (&p->ar)
/* span of a token */
#define TOK_END(t) ((t).offset + (t).len)

static sl_name name_of(sl_token t)
{
    sl_name n;
    n.z = t.z;
    n.offset = t.offset;
    n.len = t.len;
    n.quoted = t.quoted;
    return n;
}

static sl_name *name_new(sl_parser *p, sl_token t)
{
    sl_name *n = sl_arena_alloc(AR, sizeof *n);
    *n = name_of(t);
    return n;
}

static sl_list list1(sl_parser *p, void *item)
{
    sl_list l = {0, 0, NULL};
    sl_list_push(AR, &l, item);
    return l;
}

static sl_type type_n(int id, int n)
{
    sl_type t = sl_type_make(id);
    switch (id) {
    case SL_TYPE_DECIMAL: t.precision = (uint8_t)n; t.scale = 0; break;
    case SL_TYPE_TIME:
    case SL_TYPE_TIMESTAMP:
    case SL_TYPE_TIMESTAMP_LTZ: t.precision = (uint8_t)n; break;
    default: t.length = n; break;
    }
    return t;
}

static int tok_int(sl_parser *p, sl_token t)
{
    long v = strtol(t.z, NULL, 10);
    if (v < 0 || v > 2147483647 || t.len > 10) {
        sl_err_at(p->err, SL_SYNTAX, t.offset, t.len, "number %.*s is too large here", t.len,
                  t.z);
        return 1;
    }
    return (int)v;
}
}

%syntax_error {
    (void)yymajor;
    sl_parser_syntax_error(p, &TOKEN);
    sl_collect_expected(yypParser, p);
}

%stack_overflow {
    sl_parser_overflow(p);
}

/* Precedence, lowest first. */
%left OR.
%left AND.
%right NOT.
%left IS LIKE BETWEEN IN ESCAPE NE EQ.
%left GT LE LT GE.
%left PLUS MINUS CONCAT.
%left STAR SLASH PERCENT.
%right UMINUS.

/* Keywords usable as names when the grammar cannot take them as keywords. */
%fallback ID
    TEMPORARY IF EXISTS PRIMARY KEY ENFORCED CONSTRAINT COMMENT PARTITIONED METADATA VIRTUAL
    WATERMARK OVERWRITE RESET EXPLAIN PLAN SHOW TABLES DESCRIBE DESC JOBS JOB STOP HELP DROP
    ESCAPE BOOLEAN TINYINT SMALLINT INT INTEGER BIGINT FLOAT REAL DOUBLE PRECISION DECIMAL DEC
    NUMERIC STRING VARCHAR CHAR CHARACTER VARYING BINARY VARBINARY BYTES TIMESTAMP_LTZ ZONE
    LOCAL WITHOUT ARRAY MAP ROW YEAR MONTH DAY HOUR MINUTE SECOND TRIM BOTH LEADING TRAILING
    SUBSTRING TRY_CAST
    .

%token ILLEGAL SPACE.

%type stmt {sl_ast*}
%type create_table {sl_ast*}
%type insert_stmt {sl_ast*}
%type table_elems {sl_create_table*}
%type coldef {sl_coldef*}
%type type {sl_type}
%type simple_type {sl_type}
%type row_fields {sl_list}
%type row_field {sl_field*}
%type qname {sl_qname}
%type nm {sl_token}
%type namelist {sl_list}
%type optlist {sl_list}
%type opt {sl_opt*}
%type query {sl_query*}
%type select {sl_query*}
%type selitems {sl_list}
%type selitem {sl_select_item*}
%type alias {sl_token}
%type from {sl_from*}
%type from_item {sl_from*}
%type join_kind {int}
%type where_opt {sl_expr*}
%type groupby_opt {sl_list}
%type having_opt {sl_expr*}
%type limit_opt {sl_expr*}
%type distinct {int}
%type rows {sl_list}
%type exprlist {sl_list}
%type expr {sl_expr*}
%type term {sl_expr*}
%type case_whens {sl_list}
%type case_else {sl_expr*}
%type case_operand {sl_expr*}
%type trim_spec {int}
%type not_opt {int}
%type unit {sl_token}
%type colcons {sl_coldef*}
%type meta_from {sl_token}
%type virtual_opt {int}
%type ifnotexists {int}
%type ifexists {int}
%type temporary {int}
%type comment_opt {sl_token}
%type partitioned_opt {sl_list}
%type with_opt {sl_create_table*}
%type insert_cols {sl_list}
%type insert_kw {int}
%type explainable {sl_ast*}

input ::= stmt(S) semi_opt. { p->ast = S; }

semi_opt ::= .
semi_opt ::= SEMI.

/* ---- statements ---------------------------------------------------------------------- */

stmt(A) ::= create_table(X). { A = X; }
stmt(A) ::= insert_stmt(X). { A = X; }
stmt(A) ::= query(Q). {
    A = sl_parser_stmt(p, SL_STMT_SELECT, Q->offset, Q->len);
    A->query = Q;
}
stmt(A) ::= EXPLAIN(E) explain_plan explainable(X). {
    A = sl_parser_stmt(p, SL_STMT_EXPLAIN, E.offset, X->offset + X->len - E.offset);
    A->explained = X;
}
stmt(A) ::= SET(S). { A = sl_parser_stmt(p, SL_STMT_SET, S.offset, S.len); }
stmt(A) ::= SET(S) STRING(K) EQ STRING(V). {
    A = sl_parser_stmt(p, SL_STMT_SET, S.offset, TOK_END(V) - S.offset);
    A->key = K.z; A->key_offset = K.offset; A->key_len = K.len;
    A->value = V.z; A->value_offset = V.offset; A->value_len = V.len;
}
stmt(A) ::= RESET(S). { A = sl_parser_stmt(p, SL_STMT_RESET, S.offset, S.len); }
stmt(A) ::= RESET(S) STRING(K). {
    A = sl_parser_stmt(p, SL_STMT_RESET, S.offset, TOK_END(K) - S.offset);
    A->key = K.z; A->key_offset = K.offset; A->key_len = K.len;
}
stmt(A) ::= SHOW(S) TABLES(T). {
    A = sl_parser_stmt(p, SL_STMT_SHOW_TABLES, S.offset, TOK_END(T) - S.offset);
}
stmt(A) ::= SHOW(S) CREATE TABLE qname(N). {
    A = sl_parser_stmt(p, SL_STMT_SHOW_CREATE_TABLE, S.offset, N.offset + N.len - S.offset);
    A->table = N;
}
stmt(A) ::= SHOW(S) JOBS(T). {
    A = sl_parser_stmt(p, SL_STMT_SHOW_JOBS, S.offset, TOK_END(T) - S.offset);
}
stmt(A) ::= STOP(S) JOB STRING(K). {
    A = sl_parser_stmt(p, SL_STMT_STOP_JOB, S.offset, TOK_END(K) - S.offset);
    A->key = K.z; A->key_offset = K.offset; A->key_len = K.len;
}
stmt(A) ::= describe(D) qname(N). {
    A = sl_parser_stmt(p, SL_STMT_DESCRIBE, D, N.offset + N.len - D);
    A->table = N;
}
stmt(A) ::= HELP(H). { A = sl_parser_stmt(p, SL_STMT_HELP, H.offset, H.len); }
stmt(A) ::= HELP(H) nm(K). {
    A = sl_parser_stmt(p, SL_STMT_HELP, H.offset, TOK_END(K) - H.offset);
    A->key = K.z; A->key_offset = K.offset; A->key_len = K.len;
}
stmt(A) ::= DROP(D) TABLE ifexists(E) qname(N). {
    A = sl_parser_stmt(p, SL_STMT_DROP_TABLE, D.offset, N.offset + N.len - D.offset);
    A->table = N;
    A->if_exists = (uint8_t)E;
}

%type describe {int}
describe(A) ::= DESCRIBE(D). { A = D.offset; }
describe(A) ::= DESC(D). { A = D.offset; }

explain_plan ::= .
explain_plan ::= PLAN FOR.

explainable(A) ::= insert_stmt(X). { A = X; }
explainable(A) ::= query(Q). {
    A = sl_parser_stmt(p, SL_STMT_SELECT, Q->offset, Q->len);
    A->query = Q;
}

ifexists(A) ::= . { A = 0; }
ifexists(A) ::= IF EXISTS. { A = 1; }

/* ---- CREATE TABLE --------------------------------------------------------------------- */

create_table(A) ::= CREATE(C) temporary(T) TABLE ifnotexists(E) qname(N)
                    LP table_elems(L) RP(R) comment_opt(K) partitioned_opt(P) with_opt(W). {
    sl_create_table *ct = L;
    ct->name = N;
    ct->temporary = (uint8_t)T;
    ct->if_not_exists = (uint8_t)E;
    ct->comment = K.z;
    ct->partitioned_by = P;
    int end = TOK_END(R);
    if (W) {
        ct->opts = W->opts;
        ct->with_offset = W->with_offset;
        ct->with_len = W->with_len;
        end = W->with_offset + W->with_len;
    } else {
        ct->with_offset = R.offset;
        ct->with_len = R.len;
    }
    A = sl_parser_stmt(p, SL_STMT_CREATE_TABLE, C.offset, end - C.offset);
    A->create = ct;
}

temporary(A) ::= . { A = 0; }
temporary(A) ::= TEMPORARY. { A = 1; }

ifnotexists(A) ::= . { A = 0; }
ifnotexists(A) ::= IF NOT EXISTS. { A = 1; }

comment_opt(A) ::= . { memset(&A, 0, sizeof A); }
comment_opt(A) ::= COMMENT STRING(S). { A = S; }

partitioned_opt(A) ::= . { memset(&A, 0, sizeof A); }
partitioned_opt(A) ::= PARTITIONED BY LP namelist(L) RP. { A = L; }

with_opt(A) ::= . { A = NULL; }
with_opt(A) ::= WITH(W) LP optlist(L) RP(R). {
    A = sl_arena_calloc(AR, sizeof *A);
    A->opts = L;
    A->with_offset = W.offset;
    A->with_len = TOK_END(R) - W.offset;
}
with_opt(A) ::= WITH(W) LP RP(R). {
    A = sl_arena_calloc(AR, sizeof *A);
    A->with_offset = W.offset;
    A->with_len = TOK_END(R) - W.offset;
}

optlist(A) ::= opt(O). { A = list1(p, O); }
optlist(A) ::= optlist(L) COMMA opt(O). { A = L; sl_list_push(AR, &A, O); }

opt(A) ::= STRING(K) EQ STRING(V). {
    A = sl_arena_calloc(AR, sizeof *A);
    A->key = K.z; A->key_off = K.offset; A->key_len = K.len;
    A->val = V.z; A->val_off = V.offset; A->val_len = V.len;
}

table_elems(A) ::= table_elem(E). {
    A = sl_arena_calloc(AR, sizeof *A);
    sl_parser_table_elem(p, A, &E);
}
table_elems(A) ::= table_elems(L) COMMA table_elem(E). {
    A = L;
    sl_parser_table_elem(p, A, &E);
}

%type table_elem {sl_table_elem}
table_elem(A) ::= coldef(C). { memset(&A, 0, sizeof A); A.col = C; }
table_elem(A) ::= PRIMARY(P) KEY LP namelist(L) RP(R) not_enforced(N). {
    memset(&A, 0, sizeof A);
    A.has_pk = 1;
    A.pk = L;
    A.pk_enforced = (uint8_t)!N;
    A.offset = P.offset;
    A.len = (N > 0 ? N : TOK_END(R)) - A.offset;
}
/* With `CONSTRAINT name`; a separate rule, because an empty one before PRIMARY would let
** PRIMARY fall back to an identifier. */
table_elem(A) ::= CONSTRAINT(C) nm PRIMARY KEY LP namelist(L) RP(R) not_enforced(N). {
    memset(&A, 0, sizeof A);
    A.has_pk = 1;
    A.pk = L;
    A.pk_enforced = (uint8_t)!N;
    A.offset = C.offset;
    A.len = (N > 0 ? N : TOK_END(R)) - A.offset;
}
table_elem(A) ::= WATERMARK(W) FOR nm(C) AS expr(E). {
    memset(&A, 0, sizeof A);
    A.watermark_col = name_of(C);
    A.watermark = E;
    A.offset = W.offset;
    A.len = E->offset + E->len - W.offset;
}

/* The end offset of NOT ENFORCED, or 0 when absent (an error the analyzer reports). */
%type not_enforced {int}
not_enforced(A) ::= . { A = 0; }
not_enforced(A) ::= NOT ENFORCED(E). { A = TOK_END(E); }

coldef(A) ::= nm(N) type(T) colcons(C). {
    A = C;
    A->name = name_of(N);
    A->type = T;
    A->kind = SL_COL_PHYSICAL;
    A->offset = N.offset;
    if (A->len < p->last_end - N.offset) A->len = p->last_end - N.offset;
}
coldef(A) ::= nm(N) type(T) METADATA meta_from(F) virtual_opt(V) comment_opt. {
    A = sl_arena_calloc(AR, sizeof *A);
    A->name = name_of(N);
    A->type = T;
    A->kind = SL_COL_METADATA;
    A->meta_key = F.z;
    A->meta_key_offset = F.offset;
    A->meta_key_len = F.len;
    A->is_virtual = (uint8_t)V;
    A->offset = N.offset;
    A->len = p->last_end - N.offset;
}
coldef(A) ::= nm(N) AS expr(E) comment_opt. {
    A = sl_arena_calloc(AR, sizeof *A);
    A->name = name_of(N);
    A->kind = SL_COL_COMPUTED;
    A->expr = E;
    A->offset = N.offset;
    A->len = E->offset + E->len - N.offset;
}

colcons(A) ::= . { A = sl_arena_calloc(AR, sizeof *A); }
colcons(A) ::= colcons(C) PRIMARY(P) KEY(K) not_enforced(N). {
    A = C;
    A->inline_pk = 1;
    A->pk_enforced = (uint8_t)!N;
    (void)P;
    A->len = (N ? N : TOK_END(K));
}
colcons(A) ::= colcons(C) COMMENT STRING(S). { A = C; A->comment = S.z; }

meta_from(A) ::= . { memset(&A, 0, sizeof A); }
meta_from(A) ::= FROM STRING(S). { A = S; }

virtual_opt(A) ::= . { A = 0; }
virtual_opt(A) ::= VIRTUAL. { A = 1; }

namelist(A) ::= nm(N). { A = list1(p, name_new(p, N)); }
namelist(A) ::= namelist(L) COMMA nm(N). { A = L; sl_list_push(AR, &A, name_new(p, N)); }

qname(A) ::= nm(X). {
    memset(&A, 0, sizeof A);
    A.part[0] = name_of(X); A.nparts = 1;
    A.offset = X.offset; A.len = X.len;
}
qname(A) ::= nm(X) DOT nm(Y). {
    memset(&A, 0, sizeof A);
    A.part[0] = name_of(X); A.part[1] = name_of(Y); A.nparts = 2;
    A.offset = X.offset; A.len = TOK_END(Y) - X.offset;
}
qname(A) ::= nm(X) DOT nm(Y) DOT nm(Z). {
    memset(&A, 0, sizeof A);
    A.part[0] = name_of(X); A.part[1] = name_of(Y); A.part[2] = name_of(Z); A.nparts = 3;
    A.offset = X.offset; A.len = TOK_END(Z) - X.offset;
}

nm(A) ::= ID(X). { A = X; }

/* ---- types ---------------------------------------------------------------------------- */

type(A) ::= simple_type(T). { A = T; }
type(A) ::= simple_type(T) NOT NULL. { A = T; A.not_null = 1; }
type(A) ::= simple_type(T) NULL. { A = T; }

simple_type(A) ::= BOOLEAN. { A = sl_type_make(SL_TYPE_BOOLEAN); }
simple_type(A) ::= TINYINT. { A = sl_type_make(SL_TYPE_TINYINT); }
simple_type(A) ::= SMALLINT. { A = sl_type_make(SL_TYPE_SMALLINT); }
simple_type(A) ::= INT. { A = sl_type_make(SL_TYPE_INT); }
simple_type(A) ::= INTEGER. { A = sl_type_make(SL_TYPE_INT); }
simple_type(A) ::= BIGINT. { A = sl_type_make(SL_TYPE_BIGINT); }
simple_type(A) ::= FLOAT. { A = sl_type_make(SL_TYPE_FLOAT); }
simple_type(A) ::= REAL. { A = sl_type_make(SL_TYPE_FLOAT); }
simple_type(A) ::= DOUBLE. { A = sl_type_make(SL_TYPE_DOUBLE); }
simple_type(A) ::= DOUBLE PRECISION. { A = sl_type_make(SL_TYPE_DOUBLE); }
simple_type(A) ::= decimal_kw. { A = sl_type_decimal(10, 0); }
simple_type(A) ::= decimal_kw LP INTEGER(P) RP. { A = type_n(SL_TYPE_DECIMAL, tok_int(p, P)); }
simple_type(A) ::= decimal_kw LP INTEGER(P) COMMA INTEGER(S) RP. {
    A = sl_type_decimal(tok_int(p, P), tok_int(p, S));
    if (A.precision < 1 || A.precision > 38 || A.scale > A.precision)
        sl_err_at(p->err, SL_SEMANTIC, P.offset, TOK_END(S) - P.offset,
                  "DECIMAL precision must be between 1 and 38 and scale between 0 and the "
                  "precision");
}
simple_type(A) ::= STRING. { A = sl_type_string(); }
simple_type(A) ::= varchar_kw. { A = sl_type_make(SL_TYPE_VARCHAR); A.length = 1; }
simple_type(A) ::= varchar_kw LP INTEGER(N) RP. { A = type_n(SL_TYPE_VARCHAR, tok_int(p, N)); }
simple_type(A) ::= char_kw. { A = sl_type_make(SL_TYPE_CHAR); }
simple_type(A) ::= char_kw LP INTEGER(N) RP. { A = type_n(SL_TYPE_CHAR, tok_int(p, N)); }
simple_type(A) ::= BINARY. { A = sl_type_make(SL_TYPE_BINARY); }
simple_type(A) ::= BINARY LP INTEGER(N) RP. { A = type_n(SL_TYPE_BINARY, tok_int(p, N)); }
simple_type(A) ::= VARBINARY. { A = sl_type_make(SL_TYPE_VARBINARY); A.length = 1; }
simple_type(A) ::= VARBINARY LP INTEGER(N) RP. { A = type_n(SL_TYPE_VARBINARY, tok_int(p, N)); }
simple_type(A) ::= BYTES. { A = sl_type_make(SL_TYPE_VARBINARY); }
simple_type(A) ::= DATE. { A = sl_type_make(SL_TYPE_DATE); }
simple_type(A) ::= TIME. { A = sl_type_make(SL_TYPE_TIME); }
simple_type(A) ::= TIME LP INTEGER(N) RP. { A = type_n(SL_TYPE_TIME, tok_int(p, N)); }
simple_type(A) ::= TIMESTAMP ts_zone(Z). { A = sl_type_timestamp(Z, 6); }
simple_type(A) ::= TIMESTAMP LP INTEGER(N) RP ts_zone(Z). {
    A = sl_type_timestamp(Z, tok_int(p, N));
}
simple_type(A) ::= TIMESTAMP_LTZ. { A = sl_type_timestamp(SL_TYPE_TIMESTAMP_LTZ, 6); }
simple_type(A) ::= TIMESTAMP_LTZ LP INTEGER(N) RP. {
    A = sl_type_timestamp(SL_TYPE_TIMESTAMP_LTZ, tok_int(p, N));
}
simple_type(A) ::= ARRAY LT type(E) GT. {
    A = sl_type_make(SL_TYPE_ARRAY);
    sl_type *e = sl_arena_alloc(AR, sizeof *e);
    *e = E;
    A.elem = e;
}
simple_type(A) ::= MAP LT type(K) COMMA type(V) GT. {
    A = sl_type_make(SL_TYPE_MAP);
    sl_type *k = sl_arena_alloc(AR, sizeof *k), *v = sl_arena_alloc(AR, sizeof *v);
    *k = K;
    *v = V;
    A.elem = k;
    A.val = v;
}
simple_type(A) ::= ROW LT row_fields(F) GT. { A = sl_parser_row_type(p, &F); }
simple_type(A) ::= ROW LP row_fields(F) RP. { A = sl_parser_row_type(p, &F); }

row_fields(A) ::= row_field(F). { A = list1(p, F); }
row_fields(A) ::= row_fields(L) COMMA row_field(F). { A = L; sl_list_push(AR, &A, F); }
row_field(A) ::= nm(N) type(T). {
    A = sl_arena_alloc(AR, sizeof *A);
    A->name = N.z;
    A->type = T;
}

%type ts_zone {int}
ts_zone(A) ::= . { A = SL_TYPE_TIMESTAMP; }
ts_zone(A) ::= WITHOUT TIME ZONE. { A = SL_TYPE_TIMESTAMP; }
ts_zone(A) ::= WITH LOCAL TIME ZONE. { A = SL_TYPE_TIMESTAMP_LTZ; }

decimal_kw ::= DECIMAL.
decimal_kw ::= DEC.
decimal_kw ::= NUMERIC.
varchar_kw ::= VARCHAR.
varchar_kw ::= CHARACTER VARYING.
varchar_kw ::= CHAR VARYING.
char_kw ::= CHAR.
char_kw ::= CHARACTER.

/* ---- INSERT --------------------------------------------------------------------------- */

insert_stmt(A) ::= INSERT(I) insert_kw(O) qname(T) insert_cols(C) query(Q). {
    A = sl_parser_stmt(p, SL_STMT_INSERT, I.offset, Q->offset + Q->len - I.offset);
    A->insert = sl_arena_calloc(AR, sizeof *A->insert);
    A->insert->table = T;
    A->insert->cols = C;
    A->insert->query = Q;
    A->insert->overwrite = (uint8_t)O;
}

insert_kw(A) ::= INTO. { A = 0; }
insert_kw(A) ::= OVERWRITE. { A = 1; }

insert_cols(A) ::= . { memset(&A, 0, sizeof A); }
insert_cols(A) ::= LP namelist(L) RP. { A = L; }

/* ---- queries -------------------------------------------------------------------------- */

query(A) ::= select(S). { A = S; }
query(A) ::= VALUES(V) rows(R). {
    A = sl_arena_calloc(AR, sizeof *A);
    A->is_values = 1;
    A->values = R;
    A->offset = V.offset;
    A->len = p->last_end - V.offset;
}

rows(A) ::= LP(L) exprlist(E) RP. {
    (void)L;
    sl_list *r = sl_arena_alloc(AR, sizeof *r);
    *r = E;
    A = list1(p, r);
}
rows(A) ::= rows(R) COMMA LP exprlist(E) RP. {
    A = R;
    sl_list *r = sl_arena_alloc(AR, sizeof *r);
    *r = E;
    sl_list_push(AR, &A, r);
}

select(A) ::= SELECT(S) distinct(D) selitems(I) from(F) where_opt(W) groupby_opt(G)
              having_opt(H) limit_opt(L). {
    A = sl_arena_calloc(AR, sizeof *A);
    A->distinct = (uint8_t)D;
    A->items = I;
    A->from = F;
    A->where = W;
    A->group_by = G;
    A->having = H;
    A->limit = L;
    A->offset = S.offset;
    A->len = p->last_end - S.offset;
}

distinct(A) ::= . { A = 0; }
distinct(A) ::= DISTINCT. { A = 1; }
distinct(A) ::= ALL. { A = 0; }

selitems(A) ::= selitem(I). { A = list1(p, I); }
selitems(A) ::= selitems(L) COMMA selitem(I). { A = L; sl_list_push(AR, &A, I); }

selitem(A) ::= expr(E) alias(N). {
    A = sl_arena_calloc(AR, sizeof *A);
    A->expr = E;
    if (N.z) A->alias = name_of(N);
}
selitem(A) ::= STAR(S). {
    A = sl_arena_calloc(AR, sizeof *A);
    A->expr = sl_expr_new(AR, SL_E_STAR, S.offset, S.len);
}
selitem(A) ::= nm(Q) DOT STAR(S). {
    A = sl_arena_calloc(AR, sizeof *A);
    A->expr = sl_expr_new(AR, SL_E_STAR, Q.offset, TOK_END(S) - Q.offset);
    A->expr->qualifier = name_of(Q);
}

alias(A) ::= . { memset(&A, 0, sizeof A); }
alias(A) ::= AS nm(N). { A = N; }
alias(A) ::= ID(N). { A = N; }

from(A) ::= . { A = NULL; }
from(A) ::= FROM from_item(F). { A = F; }

from_item(A) ::= from_atom(F). { A = F; }
from_item(A) ::= from_item(X) join_kind(K) JOIN from_atom(Y) ON expr(E). {
    A = sl_arena_calloc(AR, sizeof *A);
    A->kind = SL_FROM_JOIN;
    A->join = (uint8_t)K;
    A->left = X;
    A->right = Y;
    A->on = E;
    A->offset = X->offset;
    A->len = E->offset + E->len - X->offset;
}
from_item(A) ::= from_item(X) CROSS JOIN from_atom(Y). {
    A = sl_parser_cross(p, X, Y);
}
from_item(A) ::= from_item(X) COMMA from_atom(Y). {
    A = sl_parser_cross(p, X, Y);
}

%type from_atom {sl_from*}
from_atom(A) ::= qname(T) alias(N). {
    A = sl_arena_calloc(AR, sizeof *A);
    A->kind = SL_FROM_TABLE;
    A->table = T;
    if (N.z) A->alias = name_of(N);
    A->offset = T.offset;
    A->len = (N.z ? TOK_END(N) : T.offset + T.len) - T.offset;
}
from_atom(A) ::= LP(L) query(Q) RP alias_cols(N). {
    A = sl_arena_calloc(AR, sizeof *A);
    A->kind = SL_FROM_SUBQUERY;
    A->subquery = Q;
    A->alias = name_of(N.name);
    A->colnames = N.cols;
    A->offset = L.offset;
    A->len = N.end - L.offset;
}
%type alias_cols {sl_alias_cols}
alias_cols(A) ::= AS nm(N) LP namelist(C) RP(R). { A.name = N; A.cols = C; A.end = TOK_END(R); }
alias_cols(A) ::= ID(N) LP namelist(C) RP(R). { A.name = N; A.cols = C; A.end = TOK_END(R); }
from_atom(A) ::= LP(L) query(Q) RP(R) alias(N). {
    A = sl_arena_calloc(AR, sizeof *A);
    A->kind = SL_FROM_SUBQUERY;
    A->subquery = Q;
    if (N.z) A->alias = name_of(N);
    A->offset = L.offset;
    A->len = (N.z ? TOK_END(N) : TOK_END(R)) - L.offset;
}

join_kind(A) ::= . { A = SL_JOIN_INNER; }
join_kind(A) ::= INNER. { A = SL_JOIN_INNER; }
join_kind(A) ::= LEFT outer_opt. { A = SL_JOIN_LEFT; }
join_kind(A) ::= RIGHT outer_opt. { A = SL_JOIN_RIGHT; }
join_kind(A) ::= FULL outer_opt. { A = SL_JOIN_FULL; }

outer_opt ::= .
outer_opt ::= OUTER.

where_opt(A) ::= . { A = NULL; }
where_opt(A) ::= WHERE expr(E). { A = E; }

groupby_opt(A) ::= . { memset(&A, 0, sizeof A); }
groupby_opt(A) ::= GROUP BY exprlist(L). { A = L; }

having_opt(A) ::= . { A = NULL; }
having_opt(A) ::= HAVING expr(E). { A = E; }

limit_opt(A) ::= . { A = NULL; }
limit_opt(A) ::= LIMIT expr(E). { A = E; }

/* ---- expressions ---------------------------------------------------------------------- */

exprlist(A) ::= expr(E). { A = list1(p, E); }
exprlist(A) ::= exprlist(L) COMMA expr(E). { A = L; sl_list_push(AR, &A, E); }

expr(A) ::= term(T). { A = T; }
expr(A) ::= LP(L) expr(E) RP(R). { A = E; sl_expr_span(A, L.offset, TOK_END(R)); }
expr(A) ::= expr(X) OR expr(Y). { A = sl_expr_binary(AR, SL_OP_OR, X, Y); }
expr(A) ::= expr(X) AND expr(Y). { A = sl_expr_binary(AR, SL_OP_AND, X, Y); }
expr(A) ::= NOT(N) expr(X). { A = sl_expr_unary(AR, SL_OP_NOT, X, N.offset); }
expr(A) ::= expr(X) EQ expr(Y). { A = sl_expr_binary(AR, SL_OP_EQ, X, Y); }
expr(A) ::= expr(X) NE expr(Y). { A = sl_expr_binary(AR, SL_OP_NE, X, Y); }
expr(A) ::= expr(X) LT expr(Y). { A = sl_expr_binary(AR, SL_OP_LT, X, Y); }
expr(A) ::= expr(X) LE expr(Y). { A = sl_expr_binary(AR, SL_OP_LE, X, Y); }
expr(A) ::= expr(X) GT expr(Y). { A = sl_expr_binary(AR, SL_OP_GT, X, Y); }
expr(A) ::= expr(X) GE expr(Y). { A = sl_expr_binary(AR, SL_OP_GE, X, Y); }
expr(A) ::= expr(X) PLUS expr(Y). { A = sl_expr_binary(AR, SL_OP_ADD, X, Y); }
expr(A) ::= expr(X) MINUS expr(Y). { A = sl_expr_binary(AR, SL_OP_SUB, X, Y); }
expr(A) ::= expr(X) STAR expr(Y). { A = sl_expr_binary(AR, SL_OP_MUL, X, Y); }
expr(A) ::= expr(X) SLASH expr(Y). { A = sl_expr_binary(AR, SL_OP_DIV, X, Y); }
expr(A) ::= expr(X) PERCENT expr(Y). { A = sl_expr_binary(AR, SL_OP_MOD, X, Y); }
expr(A) ::= expr(X) CONCAT expr(Y). { A = sl_expr_binary(AR, SL_OP_CONCAT, X, Y); }
expr(A) ::= MINUS(M) expr(X). [UMINUS] { A = sl_expr_unary(AR, SL_OP_NEG, X, M.offset); }
expr(A) ::= PLUS(M) expr(X). [UMINUS] { A = sl_expr_unary(AR, SL_OP_PLUS, X, M.offset); }
expr(A) ::= expr(X) IS not_opt(N) NULL(E). {
    A = sl_expr_new(AR, SL_E_IS, X->offset, TOK_END(E) - X->offset);
    A->op = N ? SL_OP_IS_NOT_NULL : SL_OP_IS_NULL;
    A->a = X;
}
expr(A) ::= expr(X) IS not_opt(N) TRUE(E). {
    A = sl_expr_new(AR, SL_E_IS, X->offset, TOK_END(E) - X->offset);
    A->op = N ? SL_OP_IS_NOT_TRUE : SL_OP_IS_TRUE;
    A->a = X;
}
expr(A) ::= expr(X) IS not_opt(N) FALSE(E). {
    A = sl_expr_new(AR, SL_E_IS, X->offset, TOK_END(E) - X->offset);
    A->op = N ? SL_OP_IS_NOT_FALSE : SL_OP_IS_FALSE;
    A->a = X;
}
expr(A) ::= expr(X) likeop(N) expr(Y). [LIKE] {
    A = sl_expr_new(AR, SL_E_LIKE, X->offset, Y->offset + Y->len - X->offset);
    A->op = (uint8_t)N;
    A->a = X;
    A->b = Y;
}
expr(A) ::= expr(X) likeop(N) expr(Y) ESCAPE expr(Z). [LIKE] {
    A = sl_expr_new(AR, SL_E_LIKE, X->offset, Z->offset + Z->len - X->offset);
    A->op = (uint8_t)N;
    A->a = X;
    A->b = Y;
    A->c = Z;
}
expr(A) ::= expr(X) betweenop(N) expr(Y) AND expr(Z). [BETWEEN] {
    A = sl_expr_new(AR, SL_E_BETWEEN, X->offset, Z->offset + Z->len - X->offset);
    A->op = (uint8_t)N;
    A->a = X;
    A->b = Y;
    A->c = Z;
}
expr(A) ::= expr(X) inop(N) LP exprlist(L) RP(R). [IN] {
    A = sl_expr_new(AR, SL_E_IN, X->offset, TOK_END(R) - X->offset);
    A->op = (uint8_t)N;
    A->a = X;
    A->args = L;
}

%type likeop {int}
likeop(A) ::= LIKE. { A = 0; }
likeop(A) ::= NOT LIKE. { A = 1; }
%type betweenop {int}
betweenop(A) ::= BETWEEN. { A = 0; }
betweenop(A) ::= NOT BETWEEN. { A = 1; }
%type inop {int}
inop(A) ::= IN. { A = 0; }
inop(A) ::= NOT IN. { A = 1; }

not_opt(A) ::= . { A = 0; }
not_opt(A) ::= NOT. { A = 1; }

term(A) ::= INTEGER(T). { A = sl_expr_literal(AR, SL_LIT_INTEGER, T.z, T.offset, T.len); }
term(A) ::= DECNUM(T). { A = sl_expr_literal(AR, SL_LIT_DECIMAL, T.z, T.offset, T.len); }
term(A) ::= FLOATNUM(T). { A = sl_expr_literal(AR, SL_LIT_DOUBLE, T.z, T.offset, T.len); }
term(A) ::= STRING(T). { A = sl_expr_literal(AR, SL_LIT_STRING, T.z, T.offset, T.len); }
term(A) ::= BLOB(T). { A = sl_expr_literal(AR, SL_LIT_BINARY, T.z, T.offset, T.len); }
term(A) ::= NULL(T). { A = sl_expr_literal(AR, SL_LIT_NULL, NULL, T.offset, T.len); }
term(A) ::= TRUE(T). { A = sl_expr_literal(AR, SL_LIT_TRUE, NULL, T.offset, T.len); }
term(A) ::= FALSE(T). { A = sl_expr_literal(AR, SL_LIT_FALSE, NULL, T.offset, T.len); }
term(A) ::= DATE(K) STRING(T). {
    A = sl_expr_literal(AR, SL_LIT_DATE, T.z, K.offset, TOK_END(T) - K.offset);
}
term(A) ::= TIME(K) STRING(T). {
    A = sl_expr_literal(AR, SL_LIT_TIME, T.z, K.offset, TOK_END(T) - K.offset);
}
term(A) ::= TIMESTAMP(K) STRING(T). {
    A = sl_expr_literal(AR, SL_LIT_TIMESTAMP, T.z, K.offset, TOK_END(T) - K.offset);
}
term(A) ::= INTERVAL(K) STRING(T) unit(U). {
    A = sl_expr_literal(AR, SL_LIT_INTERVAL, T.z, K.offset, TOK_END(U) - K.offset);
    A->name = name_of(U);
}
/* DATE, TIME and TIMESTAMP start typed literals, so their use as column names needs rules. */
term(A) ::= DATE(N). { A = sl_parser_column(p, NULL, &N); }
term(A) ::= TIME(N). { A = sl_parser_column(p, NULL, &N); }
term(A) ::= TIMESTAMP(N). { A = sl_parser_column(p, NULL, &N); }
term(A) ::= nm(N). { A = sl_parser_column(p, NULL, &N); }
term(A) ::= nm(Q) DOT nm(N). { A = sl_parser_column(p, &Q, &N); }
term(A) ::= nm(F) LP RP(R). {
    A = sl_expr_new(AR, SL_E_CALL, F.offset, TOK_END(R) - F.offset);
    A->name = name_of(F);
}
term(A) ::= nm(F) LP STAR RP(R). {
    A = sl_expr_new(AR, SL_E_CALL, F.offset, TOK_END(R) - F.offset);
    A->name = name_of(F);
    sl_list_push(AR, &A->args, sl_expr_new(AR, SL_E_STAR, R.offset - 1, 1));
}
term(A) ::= nm(F) LP distinct(D) exprlist(L) RP(R). {
    A = sl_expr_new(AR, SL_E_CALL, F.offset, TOK_END(R) - F.offset);
    A->name = name_of(F);
    A->args = L;
    A->distinct = (uint8_t)D;
}
term(A) ::= cast_kw(C) LP expr(E) AS type(T) RP(R). {
    A = sl_expr_new(AR, SL_E_CAST, C.offset, TOK_END(R) - C.offset);
    A->a = E;
    A->type = T;
    A->op = C.quoted; /* 1 for TRY_CAST */
}
term(A) ::= CASE(C) case_operand(O) case_whens(W) case_else(E) END(R). {
    A = sl_expr_new(AR, SL_E_CASE, C.offset, TOK_END(R) - C.offset);
    A->a = O;
    A->args = W;
    A->c = E;
}
term(A) ::= TRIM(F) LP expr(E) RP(R). {
    A = sl_parser_call(p, &F, TOK_END(R), E, NULL);
}
term(A) ::= TRIM(F) LP trim_spec(S) expr(C) FROM expr(E) RP(R). {
    A = sl_parser_call(p, &F, TOK_END(R), E, C);
    A->trim_mode = (uint8_t)S;
}
term(A) ::= TRIM(F) LP expr(C) FROM expr(E) RP(R). {
    A = sl_parser_call(p, &F, TOK_END(R), E, C);
}
term(A) ::= TRIM(F) LP trim_spec(S) FROM expr(E) RP(R). {
    A = sl_parser_call(p, &F, TOK_END(R), E, NULL);
    A->trim_mode = (uint8_t)S;
}
term(A) ::= SUBSTRING(F) LP expr(E) FROM expr(S) RP(R). {
    A = sl_parser_call(p, &F, TOK_END(R), E, S);
}
term(A) ::= SUBSTRING(F) LP expr(E) FROM expr(S) FOR expr(L) RP(R). {
    A = sl_parser_call(p, &F, TOK_END(R), E, S);
    sl_list_push(AR, &A->args, L);
}
term(A) ::= SUBSTRING(F) LP exprlist(L) RP(R). {
    A = sl_expr_new(AR, SL_E_CALL, F.offset, TOK_END(R) - F.offset);
    A->name = name_of(F);
    A->args = L;
}

%type cast_kw {sl_token}
cast_kw(A) ::= CAST(C). { A = C; A.quoted = 0; }
cast_kw(A) ::= TRY_CAST(C). { A = C; A.quoted = 1; }

trim_spec(A) ::= BOTH. { A = 0; }
trim_spec(A) ::= LEADING. { A = 1; }
trim_spec(A) ::= TRAILING. { A = 2; }

case_operand(A) ::= . { A = NULL; }
case_operand(A) ::= expr(E). { A = E; }

case_whens(A) ::= WHEN expr(W) THEN expr(T). {
    memset(&A, 0, sizeof A);
    sl_list_push(AR, &A, W);
    sl_list_push(AR, &A, T);
}
case_whens(A) ::= case_whens(L) WHEN expr(W) THEN expr(T). {
    A = L;
    sl_list_push(AR, &A, W);
    sl_list_push(AR, &A, T);
}

case_else(A) ::= . { A = NULL; }
case_else(A) ::= ELSE expr(E). { A = E; }

unit(A) ::= YEAR(U). { A = U; }
unit(A) ::= MONTH(U). { A = U; }
unit(A) ::= DAY(U). { A = U; }
unit(A) ::= HOUR(U). { A = U; }
unit(A) ::= MINUTE(U). { A = U; }
unit(A) ::= SECOND(U). { A = U; }

%code {
/*
** After a syntax error: which terminals would the parser have accepted in its current state?
** Simulate each candidate on a copy of the state stack, applying reductions until it would be
** shifted (accepted) or hit the error action. Keywords that are acceptable only because they
** fall back to ID are folded into "identifier".
*/
static int sim_accepts(const yyParser *pp, int tok)
{
    YYACTIONTYPE st[YYSTACKDEPTH + 2];
    int top = (int)(pp->yytos - pp->yystack);
    if (top < 0 || top > YYSTACKDEPTH) return 0;
    for (int i = 0; i <= top; i++) st[i] = pp->yystack[i].stateno;
    YYACTIONTYPE act = st[top];
    for (int guard = 0; guard < 10000; guard++) {
        act = yy_find_shift_action((YYCODETYPE)tok, act);
        if (act >= YY_MIN_REDUCE) {
            unsigned rule = act - YY_MIN_REDUCE;
            int size = yyRuleInfoNRhs[rule];
            if (top + size < 0) return 0;
            act = yy_find_reduce_action(st[top + size], (YYCODETYPE)yyRuleInfoLhs[rule]);
            top += size + 1;
            if (top > YYSTACKDEPTH) return 0;
            st[top] = act;
        } else if (act <= YY_MAX_SHIFTREDUCE || act == YY_ACCEPT_ACTION) {
            return 1;
        } else {
            return 0;
        }
    }
    return 0;
}

static void sl_collect_expected(void *parser, sl_parser *p)
{
    const yyParser *pp = parser;
    int id_ok = sim_accepts(pp, SL_TK_ID);
    p->nexpected = 0;
    for (int t = 1; t < YYNTOKEN && p->nexpected < (int)SL_ARRAY_LEN(p->expected); t++) {
        if (t == SL_TK_ILLEGAL || t == SL_TK_SPACE) continue;
        if (id_ok && t != SL_TK_ID && yyFallback[t] == SL_TK_ID) continue;
        if (sim_accepts(pp, t)) p->expected[p->nexpected++] = t;
    }
    sl_parser_expected_done(p);
}
}
