/*
** parser/parse.h — turning SQL text into an AST, one statement at a time.
**
** sl_parse reads the first statement of a text and reports how many bytes it consumed, so the
** engine can walk a script statement by statement (SQLite's prepare-with-tail). The AST lives
** in the parser's arena until the next sl_parse or sl_parser_free.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_PARSER_PARSE_H
#define SL_PARSER_PARSE_H

#include "base/err.h"
#include "parser/ast.h"

typedef struct sl_parser sl_parser;

/* A new parser (returns owned; free with sl_parser_free). */
sl_parser *sl_parser_new(void);
void sl_parser_free(sl_parser *p);

/*
** Parse the first statement of sql[0..n). *out receives the AST (borrowed from p, valid until
** the next sl_parse or sl_parser_free), or NULL when the text holds only blanks, comments and
** semicolons. *consumed receives the number of bytes read, through the statement's `;`.
** Error positions are byte offsets into sql. Returns SL_OK, SL_SYNTAX or SL_SEMANTIC.
*/
int sl_parse(sl_parser *p, const char *sql, int n, sl_ast **out, int *consumed, sl_err *err);

/*
** 1 when sql[0..n) ends with a complete statement: a `;` outside strings, quoted names and
** comments, followed only by blanks and comments. Unterminated strings and comments make it
** incomplete.
*/
int sl_sql_complete(const char *sql, int n);

/*
** What the end of sql[0..n) is inside of, for an interactive shell's prompts: one of
** SL_INPUT_* (include/sluice.h): empty (only blanks and comments), complete (ends with `;`),
** or the statement goes on — plainly, inside a string, a quoted name, a block comment or
** parentheses.
*/
int sl_sql_input_state(const char *sql, int n);

/* The text of a statement kind for messages ("CREATE TABLE", "INSERT", ...). */
const char *sl_stmt_kind_name(int kind);

#endif
