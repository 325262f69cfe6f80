/*
** formats/raw.h — the 'raw' format: one column as the message bytes.
**
** Encoding a NULL value yields no payload at all (a Kafka null / tombstone): encode then returns
** SL_DONE and appends nothing, so the caller can tell it from an empty string.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_FORMATS_RAW_H
#define SL_FORMATS_RAW_H

#include "base/registry.h"

extern const sl_format_desc sl_format_raw;

#endif
