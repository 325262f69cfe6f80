/*
** formats/json.h — the 'json' format: Flink's JSON row encoding.
**
** Decoding is schema-directed and single-pass (no DOM); see formats/json.c for the rules and the
** design. The descriptor carries the option table and the codec functions; connectors use it
** through base/registry.h.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_FORMATS_JSON_H
#define SL_FORMATS_JSON_H

#include "base/registry.h"

/* Maximum nesting of JSON objects and arrays a message may have. */
#define SL_JSON_MAX_DEPTH 512

extern const sl_format_desc sl_format_json;

#endif
