/*
** connectors/maxcompute/mctype.h — MaxCompute column types and the schema of a record stream.
**
** A Tunnel record stream has no self-description: the field numbers are the positions of the
** session schema's data columns, and the bytes of a value depend on the column type (some
** container types are tagged "length-delimited" yet carry no length). The codec therefore works
** from this descriptor, built from the type strings the REST and Tunnel schemas return
** ("bigint", "decimal(18,3)", "array<bigint>", "map<string,bigint>",
** "struct<a:bigint,b:string>", "varchar(20)", any case).
**
** Types and schemas are immutable once built and live in the arena they were parsed into.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_MC_MCTYPE_H
#define SL_MC_MCTYPE_H

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"

typedef enum sl_mc_typeid {
    SL_MC_BIGINT = 1,
    SL_MC_INT,
    SL_MC_SMALLINT,
    SL_MC_TINYINT,
    SL_MC_DOUBLE,
    SL_MC_FLOAT,
    SL_MC_BOOLEAN,
    SL_MC_STRING,
    SL_MC_BINARY,
    SL_MC_CHAR,    /* length = n */
    SL_MC_VARCHAR, /* length = n */
    SL_MC_DATETIME,
    SL_MC_DATE,
    SL_MC_TIMESTAMP,
    SL_MC_TIMESTAMP_NTZ,
    SL_MC_DECIMAL, /* precision, scale; precision 0 = the bare "decimal" of the 1.0 type system */
    SL_MC_JSON,
    SL_MC_INTERVAL_YEAR_MONTH,
    SL_MC_INTERVAL_DAY_TIME,
    SL_MC_ARRAY,  /* elem */
    SL_MC_MAP,    /* elem = key type, val = value type */
    SL_MC_STRUCT, /* fields[0..nfields) */
    SL_MC__TYPE_COUNT
} sl_mc_typeid;

/* Nesting limit of the type parser; the codec's recursion is bounded by it. */
#define SL_MC_MAX_TYPE_DEPTH 32

typedef struct sl_mc_field sl_mc_field;

typedef struct sl_mc_type {
    uint8_t id;        /* sl_mc_typeid */
    uint8_t precision; /* DECIMAL */
    uint8_t scale;     /* DECIMAL */
    uint8_t wire;      /* protobuf wire type of a field of this type: 0, 1, 2 or 5 */
    int32_t length;    /* CHAR, VARCHAR */
    const struct sl_mc_type *elem;
    const struct sl_mc_type *val;
    const sl_mc_field *fields;
    int nfields;
} sl_mc_type;

struct sl_mc_field {
    const char *name;
    const sl_mc_type *type;
};

typedef struct sl_mc_column {
    const char *name;
    const sl_mc_type *type;
} sl_mc_column;

/* The data columns of a session schema, in field-number order (column i is field i + 1). */
typedef struct sl_mc_schema {
    int ncol;
    const sl_mc_column *cols;
} sl_mc_schema;

/*
** Parse one type string (text[0..n), or up to NUL if n is (size_t)-1), case-insensitive, blanks
** allowed around tokens. Struct field names may be written `quoted` with backquotes; a field is
** "name:type" (the REST form) or "name type" (the DDL form). *out receives a type allocated in ar
** (valid until ar is reset). Borrows text. SL_DATA with the byte offset for a malformed or
** unknown type, or one nested deeper than SL_MC_MAX_TYPE_DEPTH.
*/
int sl_mc_type_parse(sl_arena *ar, const char *text, size_t n, const sl_mc_type **out, sl_err *err);

/*
** Parse a column list "name type, name type, ..." (the form the test vectors' manifest uses)
** into *out; names and types are allocated in ar. Borrows decl. SL_DATA when malformed.
*/
int sl_mc_schema_parse(sl_arena *ar, const char *decl, sl_mc_schema *out, sl_err *err);

/* Append the canonical lower-case type string ("decimal(18,3)", "map<string,bigint>") to b.
** Borrows t; the text reads back through sl_mc_type_parse to the same type. */
void sl_mc_type_render(sl_buf *b, const sl_mc_type *t);

/* The bare name of a type id ("bigint", "timestamp_ntz"); "?" for an unknown id. */
const char *sl_mc_typeid_name(int id);

/*
** A simple (non-container, parameterless) type as a static object, for building schemas in code:
** sl_mc_type_simple(SL_MC_BIGINT). NULL for ids that need parameters or children.
*/
const sl_mc_type *sl_mc_type_simple(int id);

#endif
