/*
** base/schema.h — table schemas, option sets and table definitions.
**
** These are the plain data the layers hand to each other: the parser produces them from
** CREATE TABLE, the planner's catalog keeps them, connectors read them when a job opens.
** Everything here is immutable once built and lives in the arena of whoever built it.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_BASE_SCHEMA_H
#define SL_BASE_SCHEMA_H

#include "base/value.h"

typedef enum sl_colkind {
    SL_COL_PHYSICAL = 0, /* part of the connector/format payload */
    SL_COL_METADATA,     /* `col TYPE METADATA [FROM 'key'] [VIRTUAL]` */
    SL_COL_COMPUTED      /* `col AS expr` */
} sl_colkind;

typedef struct sl_column {
    const char *name;
    sl_type type;
    uint8_t kind;       /* sl_colkind */
    uint8_t is_virtual; /* METADATA ... VIRTUAL: readable, never written */
    const char *meta_key; /* METADATA key (the column name when FROM is absent) */
    const void *expr;     /* COMPUTED: the parser's expression node */
    int offset, len;      /* position of the column definition in the SQL text */
} sl_column;

typedef struct sl_schema {
    int ncol;
    sl_column *cols;
    int npk;  /* number of PRIMARY KEY columns; 0 when there is none */
    int *pk;  /* column indexes, in PRIMARY KEY (...) order */
    int pk_offset, pk_len;
} sl_schema;

/* Index of the column named name (case-sensitive, as Flink), or -1. */
int sl_schema_find(const sl_schema *s, const char *name);
/* Number of physical columns. */
int sl_schema_nphysical(const sl_schema *s);
/* 1 when column i is in the primary key. */
int sl_schema_in_pk(const sl_schema *s, int i);

/* One `'key' = 'value'` of a WITH clause, with the positions of both literals. */
typedef struct sl_opt {
    const char *key, *val;
    int key_off, key_len, val_off, val_len;
} sl_opt;

typedef struct sl_optset {
    int n;
    sl_opt *items;
    int offset, len; /* the whole WITH (...) clause */
} sl_optset;

/* The value of key, or NULL when absent. The last occurrence wins. */
const char *sl_optset_get(const sl_optset *os, const char *key);
/* The entry of key, or NULL. */
const sl_opt *sl_optset_find(const sl_optset *os, const char *key);

/* A table as declared: what connectors and formats see. */
typedef struct sl_tabledef {
    const char *name;      /* as written */
    const char *qualified; /* default_catalog.default_database.<name> */
    sl_schema schema;
    sl_optset opts;
    const char *connector; /* value of 'connector' */
    int offset, len;       /* the CREATE TABLE statement */
} sl_tabledef;

#endif
