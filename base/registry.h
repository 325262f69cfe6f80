/*
** base/registry.h — descriptors of formats and connectors, and the registry that holds them.
**
** The planner never includes connector code: it sees a connector only through its descriptor
** (name, option table, changelog modes it produces and accepts, whether it needs a primary
** key, its metadata keys). Formats are simpler: they depend on base/ alone, so their
** descriptor carries their codec functions too, and connectors call them through it.
**
** Descriptors are static const data owned by the module that defines them; the registry only
** points at them. The engine registers the built-ins at sl_open().
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_BASE_REGISTRY_H
#define SL_BASE_REGISTRY_H

#include "base/opt.h"
#include "base/schema.h"

/* ---- formats -------------------------------------------------------------------------- */

/* What a format instance is built for: one slot (key, value) of one table. */
typedef struct sl_format_ctx {
    const sl_optset *opts; /* all of the table's options */
    const char *prefix;    /* namespace of this slot's options: "json.", "key.csv.", ... */
    int nfields;
    const char *const *names; /* field names as the format sees them (key prefix removed) */
    const sl_type *types;
    const char *topic;        /* the topic, for formats that need it (schema registry subjects) */
    int is_key;               /* 1 for the key slot */
} sl_format_ctx;

typedef struct sl_decoder sl_decoder; /* defined by each format */
typedef struct sl_encoder sl_encoder;

typedef struct sl_format_desc {
    const char *name;
    const sl_opt_def *opts; /* option names without prefix: "ignore-parse-errors" */
    int nopts;
    sl_clmode mode; /* row kinds the format can carry */
    const char *doc;

    /* Cross-option and schema checks at CREATE TABLE; NULL when there are none. */
    int (*validate)(const sl_format_ctx *ctx, sl_err *err);

    int (*decoder_new)(const sl_format_ctx *ctx, sl_decoder **out, sl_err *err);
    /*
    ** Decode one message (data may be NULL for an absent payload) into out[0..nfields).
    ** Returns SL_OK for a row, SL_DONE when the message yields no row (null or empty payload,
    ** or a parse error the options say to ignore), SL_DATA for a bad record (err says why;
    ** the caller adds topic, partition and offset). Decoded strings may point into data or
    ** into ar; both must outlive the values.
    */
    int (*decode)(sl_decoder *dec, const char *data, size_t n, sl_value *out, sl_arena *ar,
                  sl_err *err);
    void (*decoder_free)(sl_decoder *dec);

    int (*encoder_new)(const sl_format_ctx *ctx, sl_encoder **out, sl_err *err);
    /* Append the encoding of in[0..nfields) to out. SL_DATA when a value cannot be encoded. */
    int (*encode)(sl_encoder *enc, const sl_value *in, sl_buf *out, sl_err *err);
    void (*encoder_free)(sl_encoder *enc);
} sl_format_desc;

/* ---- connectors ----------------------------------------------------------------------- */

#define SL_CONN_SOURCE 0x01      /* can be read */
#define SL_CONN_SINK 0x02        /* can be written */
#define SL_CONN_REQUIRES_PK 0x04 /* the table must declare PRIMARY KEY ... NOT ENFORCED */
/* The sink writes by key: +I/+U upsert, -D delete, -U dropped. Without SL_CONN_REQUIRES_PK, a
** table that declares no PRIMARY KEY has no key to write by: its sink accepts inserts only. */
#define SL_CONN_UPSERT_SINK 0x08

typedef struct sl_meta_def {
    const char *key;
    sl_type type;
    uint8_t readable, writable;
} sl_meta_def;

struct sl_registry;

typedef struct sl_connector_desc {
    const char *name;
    const sl_opt_def *opts;
    int nopts;
    unsigned flags;          /* SL_CONN_* */
    sl_clmode source_mode;   /* kinds the source produces */
    sl_clmode sink_mode;     /* kinds the sink accepts */
    const char *const *format_slots; /* option keys that name a format, NULL-terminated */
    const sl_meta_def *meta;
    int nmeta;
    const char *doc;
    /*
    ** Connector-specific checks across options and schema, run after the option table and
    ** format options have been validated. NULL when there are none. The error should point at
    ** the offending option (sl_err_at with the literal's position).
    */
    int (*validate)(const sl_tabledef *t, const struct sl_registry *reg, sl_err *err);
} sl_connector_desc;

#define SL_REGISTRY_MAX 32

typedef struct sl_registry {
    const sl_connector_desc *connectors[SL_REGISTRY_MAX];
    int nconnectors;
    const sl_format_desc *formats[SL_REGISTRY_MAX];
    int nformats;
} sl_registry;

void sl_registry_add_connector(sl_registry *reg, const sl_connector_desc *desc);
void sl_registry_add_format(sl_registry *reg, const sl_format_desc *desc);
const sl_connector_desc *sl_registry_connector(const sl_registry *reg, const char *name);
const sl_format_desc *sl_registry_format(const sl_registry *reg, const char *name);

/*
** Validate a table's WITH clause against its connector and formats: unknown options (with a
** suggestion), missing required ones, invalid values, format namespaces ('key.json.x'),
** then the format and connector validate hooks. Errors point into the SQL text.
*/
int sl_registry_validate_table(const sl_registry *reg, const sl_tabledef *t, sl_err *err);

/*
** For validate hooks: record an SL_CONFIG error at option key of t — its key literal, or with
** at_value its value literal — or at the whole WITH clause when key is NULL or absent.
** Returns SL_CONFIG.
*/
int sl_table_opt_error(const sl_tabledef *t, const char *key, int at_value, sl_err *err,
                       const char *fmt, ...) SL_PRINTF(5, 6);

/* The definition of an option key of table t, searching connector and format tables. */
const sl_opt_def *sl_registry_option_def(const sl_registry *reg, const sl_tabledef *t,
                                         const char *key);

/* The format named by option slot_key ("key.format") of t, or NULL. */
const sl_format_desc *sl_registry_slot_format(const sl_registry *reg, const sl_tabledef *t,
                                              const char *slot_key);

/* The option prefix a slot gives its format: "key.format"+"json" -> "key.json.". In ar. */
const char *sl_format_prefix(sl_arena *ar, const char *slot_key, const char *fmt);

/* Build a format context for fields idx[0..n) of t's schema in ar; strip_prefix is removed
** from field names (key.fields-prefix). */
sl_format_ctx *sl_format_ctx_build(sl_arena *ar, const sl_tabledef *t, const char *slot_key,
                                   const int *idx, int n, const char *strip_prefix);

#endif
