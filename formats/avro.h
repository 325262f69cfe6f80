/*
** formats/avro.h — the 'avro' and 'avro-confluent' formats: Avro binary rows.
**
** 'avro' reads and writes the plain Avro binary encoding of a record derived from the table's
** row type, as Flink's avro format does. 'avro-confluent' frames the same encoding in the
** Confluent wire format (magic byte 0, 4-byte big-endian schema id) and talks to a Confluent
** Schema Registry: the writer registers its schema under a subject, the reader fetches writer
** schemas by id and resolves them against the table's schema. See formats/avro.c.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_FORMATS_AVRO_H
#define SL_FORMATS_AVRO_H

#include "base/registry.h"

/* The first byte of a Confluent-framed message. */
#define SL_AVRO_CONFLUENT_MAGIC 0x00

extern const sl_format_desc sl_format_avro;
extern const sl_format_desc sl_format_avro_confluent;

/*
** The writer schema of an encoder, as JSON text (what 'avro-confluent' registers). Valid until
** the encoder is freed.
*/
const char *sl_avro_encoder_schema(const sl_encoder *enc);

/*
** Test hooks for 'avro-confluent', so that the framing and schema resolution can be checked
** without a registry:
**   sl_avro_confluent_seed_schema  puts the writer schema of an id into a decoder's cache, as if
**                                  the registry had returned it (SL_OK, or SL_DATA when the
**                                  schema cannot be parsed or resolved — that is cached too);
**   sl_avro_confluent_seed_id      makes an encoder write with this id instead of registering.
*/
int sl_avro_confluent_seed_schema(sl_decoder *dec, uint32_t id, const char *schema, sl_err *err);
void sl_avro_confluent_seed_id(sl_encoder *enc, uint32_t id);

#endif
