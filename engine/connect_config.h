/*
** engine/connect_config.h — Kafka Connect configs to SQL: the pieces behind
** sl_connect_config_to_sql (include/sluice.h), exposed for the unit tests.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_ENGINE_CONNECT_CONFIG_H
#define SL_ENGINE_CONNECT_CONFIG_H

#include "base/arena.h"
#include "base/err.h"

/* ---- a small JSON reader that keeps positions ------------------------------------------ */

typedef enum sl_jkind { SL_J_NULL, SL_J_BOOL, SL_J_NUMBER, SL_J_STRING, SL_J_ARRAY, SL_J_OBJECT } sl_jkind;

typedef struct sl_jmember sl_jmember;

typedef struct sl_jvalue {
    int kind;      /* sl_jkind */
    int off, len;  /* the value's text: a whole token, array or object */
    const char *text; /* STRING: the decoded string; NUMBER, BOOL: the token as written */
    int n;            /* ARRAY, OBJECT: number of items or members */
    struct sl_jvalue **items;
    sl_jmember *members;
} sl_jvalue;

struct sl_jmember {
    const char *key;  /* decoded */
    int key_off, key_len; /* the key's token, quotes included */
    sl_jvalue *value;
};

/*
** Parse one JSON document text[0..len) into ar. Duplicate keys in an object are an error.
** Errors are SL_SYNTAX with the byte span of the offending token in text.
*/
int sl_json_parse(sl_arena *ar, const char *text, size_t len, sl_jvalue **out, sl_err *err);

/* ---- Java .properties files ------------------------------------------------------------ */

typedef struct sl_props {
    int n;
    const char **keys, **values; /* in file order; a later duplicate wins in sl_props_get */
} sl_props;

/* Parse text as java.util.Properties.load does: '#'/'!' comments, '=', ':' or blanks between
** key and value, '\' line continuations and escapes (\t \n \r \f \uXXXX). Never fails. */
void sl_props_parse(sl_arena *ar, const char *text, size_t len, sl_props *out);
const char *sl_props_get(const sl_props *p, const char *key);

/* ---- topics.regex ---------------------------------------------------------------------- */

/*
** Translate a java.util.regex pattern for topic names to POSIX extended syntax (as the kafka
** connector's 'topic-pattern' takes it): \d \w \s and their negations become bracket
** expressions, escaped punctuation stays escaped (literal inside brackets). Constructs POSIX
** has no equivalent for ((?...), lazy and possessive quantifiers, \p{..}, \b, \Q..\E,
** back-references) are an error (SL_CONFIG, no position) naming them.
*/
int sl_java_regex_to_posix(sl_arena *ar, const char *java, const char **out, sl_err *err);

#endif
