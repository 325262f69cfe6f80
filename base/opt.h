/*
** base/opt.h — declarative option tables and their validation.
**
** Every connector and format declares one `static const sl_opt_def opts[]` (librdkafka's
** property table, Redis's static_configs[]): name, type, flags, default, allowed values or
** range, and a description. Validation of a WITH clause, the docs in docs/connectors.md and
** the masking of secrets are all driven from these tables.
**
** Two different errors, as librdkafka distinguishes CONF_UNKNOWN from CONF_INVALID:
**   an unknown key     "Unsupported option 'topik' for connector 'upsert-kafka'. Did you mean 'topic'?"
**   an invalid value   "Invalid value 'fast' for option 'value.fields-include'. ..."
** Both point at the offending literal in the SQL text.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_BASE_OPT_H
#define SL_BASE_OPT_H

#include "base/err.h"
#include "base/schema.h"

typedef enum sl_opt_type {
    SL_OPT_STRING = 0,
    SL_OPT_INT,      /* 32-bit integer within [min, max] */
    SL_OPT_LONG,     /* 64-bit integer within [min, max] */
    SL_OPT_BOOL,     /* true | false, case-insensitive */
    SL_OPT_DURATION, /* Flink duration string (base/duration.h) */
    SL_OPT_ENUM,     /* one of `choices` ("a|b|c"), case-insensitive */
    SL_OPT_CHAR,     /* exactly one character after Java unescaping (csv delimiters) */
    SL_OPT_PREFIX    /* `name` ends in '.': every key with that prefix is accepted */
} sl_opt_type;

#define SL_OPT_REQUIRED 0x01 /* must be present */
#define SL_OPT_SECRET 0x02   /* value is masked in SHOW CREATE TABLE, EXPLAIN and logs */

typedef struct sl_opt_def {
    const char *name;
    uint8_t type;  /* sl_opt_type */
    uint8_t flags; /* SL_OPT_* */
    const char *dflt;    /* default shown in docs; NULL = none */
    const char *choices; /* SL_OPT_ENUM: "a|b|c" */
    int64_t min, max;    /* SL_OPT_INT / SL_OPT_LONG range, inclusive; min > max = unbounded */
    const char *doc;
} sl_opt_def;

/*
** Find the definition of key in defs[0..n): an exact name, or the longest SL_OPT_PREFIX whose
** name starts key. NULL when none matches.
*/
const sl_opt_def *sl_opt_lookup(const sl_opt_def *defs, int n, const char *key);

/*
** Check one value against its definition. Returns SL_OK, or SL_CONFIG with
** "Invalid value '<v>' for option '<key>'. <why>" (no position).
*/
int sl_opt_check_value(const sl_opt_def *def, const char *key, const char *val, sl_err *err);

/*
** The closest of the given candidate names to key by edit distance, or NULL when nothing is
** close enough to be a plausible typo.
*/
const char *sl_suggest(const char *key, const char *const *candidates, int n);

/* Typed getters over a validated option set. The default applies when the key is absent. */
const char *sl_opt_str(const sl_optset *os, const char *key, const char *dflt);
int64_t sl_opt_long(const sl_optset *os, const char *key, int64_t dflt);
int sl_opt_bool(const sl_optset *os, const char *key, int dflt);
int64_t sl_opt_duration_ms(const sl_optset *os, const char *key, int64_t dflt_ms);
/* Parse a boolean as Flink does; -1 when text is neither true nor false. */
int sl_opt_parse_bool(const char *text);

/*
** 1 when an option key names a secret: the table says so, or the key contains one of the
** sensitive words (password, secret, apikey, token, access_key/access.key/accesskey,
** sasl.jaas.config, basic-auth, http-headers), compared case-insensitively.
*/
int sl_opt_is_secret(const sl_opt_def *def, const char *key);

/* Java-style unescaping of a one-character option ("\t" -> TAB); -1 when not one char. */
int sl_opt_unescape_char(const char *text);

#endif
