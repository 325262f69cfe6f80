/*
** planner/catalog.h — the tables a session has declared.
**
** CREATE TABLE resolves its AST into an sl_tabledef (base/schema.h) that the catalog owns,
** validates the WITH clause against the connector's descriptor right away (so a typo is
** reported at the statement that contains it, with its position), and keeps the statement
** text for SHOW CREATE TABLE. Each table owns one arena; DROP TABLE frees it.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_PLANNER_CATALOG_H
#define SL_PLANNER_CATALOG_H

#include "base/registry.h"
#include "parser/ast.h"

#define SL_DEFAULT_CATALOG "default_catalog"
#define SL_DEFAULT_DATABASE "default_database"

typedef struct sl_table {
    sl_tabledef def;
    const sl_connector_desc *conn;
    const sl_expr **computed; /* per column: the expression of a computed column, else NULL */
    const char *watermark_col;
    const sl_expr *watermark;
    sl_arena ar;              /* owns everything above */
} sl_table;

typedef struct sl_catalog {
    const sl_registry *reg;
    sl_table **tables;
    int n, cap;
} sl_catalog;

void sl_catalog_init(sl_catalog *cat, const sl_registry *reg);
void sl_catalog_free(sl_catalog *cat);

/* Resolve a [catalog.][database.]name against the defaults; err on an unknown catalog or
** database. *name receives the table name. */
int sl_catalog_resolve(const sl_qname *q, const char **name, sl_err *err);

/* The table called name, or NULL. */
sl_table *sl_catalog_find(const sl_catalog *cat, const char *name);

/* Find a table by qualified name; err says "Object 'x' not found" (with a suggestion). */
int sl_catalog_lookup(const sl_catalog *cat, const sl_qname *q, sl_table **out, sl_err *err);

/*
** Execute CREATE TABLE. Borrows ct; copies what it keeps. Returns SL_OK (also for IF NOT
** EXISTS on an existing table), or SL_SEMANTIC / SL_CONFIG with a positioned error.
*/
int sl_catalog_create(sl_catalog *cat, const sl_create_table *ct, sl_err *err);

/* Execute DROP TABLE. */
int sl_catalog_drop(sl_catalog *cat, const sl_qname *name, int if_exists, sl_err *err);

/*
** SHOW CREATE TABLE: the table's definition as SQL, secrets masked ('******'), appended to b.
*/
void sl_catalog_show_create(const sl_catalog *cat, const sl_table *t, sl_buf *b);

#endif
