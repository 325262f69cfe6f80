/*
** parser/parse_int.h — what the lexer, the grammar and the driver share inside parser/.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_PARSER_PARSE_INT_H
#define SL_PARSER_PARSE_INT_H

#include "parser/parse.h"

/* A token: its code (SL_TK_*), its span in the source, and its text. For identifiers the text
** is the name (unquoted), for strings the unescaped contents, for numbers the digits; all
** NUL-terminated in the statement arena. */
typedef struct sl_token {
    int type;
    int offset, len;
    const char *z;
    uint8_t quoted; /* identifier written in backticks */
} sl_token;

/* The lexer's state: a cursor over the NUL-terminated copy of the source. */
typedef struct sl_lexer {
    const unsigned char *base; /* start of the text; offsets are relative to it */
    const unsigned char *cur;
    const unsigned char *lim;  /* the terminating NUL */
    const unsigned char *mar;
    sl_arena *ar;
    sl_err *err;
} sl_lexer;

/* The next token, blanks and comments skipped. Returns its type, 0 at the end of the text,
** or -1 after recording an error in lx->err (unterminated string, stray character, ...). */
int sl_lex(sl_lexer *lx, sl_token *tok);

/* The keyword token for an identifier (case-insensitive), or SL_TK_ID. */
int sl_keyword_code(const char *z, size_t n);
/* How a token type is shown in "expected ..." lists: "FROM", "'('", "identifier" ... */
const char *sl_token_display(int type);

typedef struct sl_table_elem {
    sl_coldef *col;
    uint8_t has_pk, pk_enforced;
    sl_list pk;
    sl_name watermark_col;
    sl_expr *watermark;
    int offset, len;
} sl_table_elem;

typedef struct sl_alias_cols {
    sl_token name;
    sl_list cols;
    int end;
} sl_alias_cols;

struct sl_parser {
    sl_arena ar;     /* statement arena: tokens, AST */
    sl_err *err;     /* where errors go during one sl_parse */
    sl_ast *ast;     /* set by the start rule */
    int last_end;    /* end offset of the last token fed to the grammar */
    int failed;
    sl_token bad;    /* the token a syntax error happened at */
    int expected[24];
    int nexpected;
};

/* Helpers the grammar's actions call (parse.c). */
sl_ast *sl_parser_stmt(sl_parser *p, int kind, int offset, int len);
void sl_parser_table_elem(sl_parser *p, sl_create_table *ct, const sl_table_elem *e);
sl_type sl_parser_row_type(sl_parser *p, const sl_list *fields);
sl_expr *sl_parser_column(sl_parser *p, const sl_token *qual, const sl_token *name);
sl_from *sl_parser_cross(sl_parser *p, sl_from *left, sl_from *right);
sl_expr *sl_parser_call(sl_parser *p, const sl_token *fn, int end, sl_expr *a, sl_expr *b);
void sl_parser_syntax_error(sl_parser *p, const sl_token *tok);
void sl_parser_expected_done(sl_parser *p);
void sl_parser_overflow(sl_parser *p);

/* lemon's entry points (generated into grammar.c) */
void *slParseAlloc(void *(*alloc)(size_t), sl_parser *p);
void slParse(void *parser, int type, sl_token tok);
void slParseFree(void *parser, void (*freefn)(void *));

#endif
