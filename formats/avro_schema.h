/*
** formats/avro_schema.h — Avro schemas: the parsed model, Flink's table-to-Avro derivation, and
** the canonical JSON text.
**
** A schema is a graph of sl_avro_schema nodes in an arena (named types may refer to themselves,
** so it is a graph, not a tree). It comes from one of two places: parsed from JSON text (a writer
** schema fetched from a registry, or the 'schema' option), or derived from a table's row type
** the way Flink's AvroSchemaConverter.convertToSchema does. The binary codec in formats/avro.c
** compiles schemas into read and write plans; nothing here touches data.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_FORMATS_AVRO_SCHEMA_H
#define SL_FORMATS_AVRO_SCHEMA_H

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/value.h"

/* Nesting of schemas and of values bounded by this depth (records, arrays, maps, unions). */
#define SL_AVRO_MAX_DEPTH 64

/* The record name Flink gives the derived top-level record. */
#define SL_AVRO_FLINK_RECORD "org.apache.flink.avro.generated.record"

typedef enum sl_avro_kind {
    SL_AVRO_NULL = 0,
    SL_AVRO_BOOLEAN,
    SL_AVRO_INT,
    SL_AVRO_LONG,
    SL_AVRO_FLOAT,
    SL_AVRO_DOUBLE,
    SL_AVRO_BYTES,
    SL_AVRO_STRING,
    SL_AVRO_RECORD,
    SL_AVRO_ENUM,
    SL_AVRO_ARRAY,
    SL_AVRO_MAP,
    SL_AVRO_UNION,
    SL_AVRO_FIXED
} sl_avro_kind;

typedef enum sl_avro_logical {
    SL_AVRO_LT_NONE = 0,
    SL_AVRO_LT_DECIMAL,     /* bytes or fixed */
    SL_AVRO_LT_DATE,        /* int */
    SL_AVRO_LT_TIME_MILLIS, /* int */
    SL_AVRO_LT_TIME_MICROS, /* long */
    SL_AVRO_LT_TS_MILLIS,   /* long: timestamp-millis */
    SL_AVRO_LT_TS_MICROS,
    SL_AVRO_LT_TS_NANOS,
    SL_AVRO_LT_LTS_MILLIS, /* long: local-timestamp-millis */
    SL_AVRO_LT_LTS_MICROS,
    SL_AVRO_LT_LTS_NANOS,
    SL_AVRO_LT_UUID /* string; read as a plain string */
} sl_avro_logical;

typedef struct sl_avro_schema sl_avro_schema;

typedef struct sl_avro_field {
    const char *name;
    const char *const *aliases; /* reader-side alternative names */
    int naliases;
    sl_avro_schema *type;
    const char *dflt; /* the "default" as compact JSON text, or NULL when there is none */
} sl_avro_field;

struct sl_avro_schema {
    uint8_t kind;         /* sl_avro_kind */
    uint8_t logical;      /* sl_avro_logical */
    uint8_t zero_size;    /* 1 when a value can be encoded in zero bytes (null, empty records) */
    int precision, scale; /* decimal */
    int size;             /* fixed */
    const char *name;     /* named types: the full name ("ns.name") */
    int n;                /* fields, symbols or union branches */
    sl_avro_field *fields;
    const char *const *symbols;
    const char *enum_default; /* enum: symbol used for unknown writer symbols, or NULL */
    sl_avro_schema **branches;
    sl_avro_schema *items; /* array items, map values */
};

/* Short names of kinds and logical types as Avro spells them ("int", "timestamp-millis"). */
const char *sl_avro_kind_name(int kind);
const char *sl_avro_logical_name(int logical);

/*
** Parse Avro schema JSON text into nodes allocated in ar. Names are resolved with the Avro
** namespace rules; logical types that are invalid for their base type are ignored, as the
** specification asks. SL_CONFIG with a message when the text is not a valid schema.
*/
int sl_avro_schema_parse(sl_arena *ar, const char *text, size_t n, sl_avro_schema **out,
                         sl_err *err);

/*
** The record schema Flink's AvroSchemaConverter.convertToSchema derives for a row of fields
** names[0..n) of types[0..n): record SL_AVRO_FLINK_RECORD, nested rows named
** "<parent>_<field>", nullable types as ["null", T] with "default": null on record fields.
** legacy selects Flink's legacy timestamp mapping ('avro.timestamp_mapping.legacy', the
** default): TIMESTAMP(p <= 3) -> timestamp-millis, no TIMESTAMP_LTZ and no TIMESTAMP(p > 3).
** Without it TIMESTAMP -> local-timestamp-millis/micros/nanos, TIMESTAMP_LTZ ->
** timestamp-millis/micros/nanos. SL_CONFIG with Flink's message for what Avro cannot carry.
*/
int sl_avro_schema_derive(sl_arena *ar, int n, const char *const *names, const sl_type *types,
                          int legacy, sl_avro_schema **out, sl_err *err);

/*
** Append the schema as JSON text exactly as Avro's Schema.toString() prints it (what Flink
** registers): compact, "namespace" written only where it differs from the enclosing one,
** logical type properties after "type".
*/
void sl_avro_schema_json(sl_buf *b, const sl_avro_schema *s);

/*
** 1 when Flink's AvroSchemaConverter.convertToDataType(schema) equals the row type
** (names[0..n), types[0..n)) with the record itself NOT NULL, as RegistryAvroFormatFactory
** requires of an explicit 'schema'. Otherwise 0 and a short reason appended to why.
*/
int sl_avro_schema_matches_row(const sl_avro_schema *s, int n, const char *const *names,
                               const sl_type *types, sl_buf *why);

/* The non-null branch of a ["null", T] / [T, "null"] / [T] union, or NULL for other unions. */
const sl_avro_schema *sl_avro_union_value(const sl_avro_schema *u, int *value_index,
                                          int *null_index);

#endif
