/*
** formats/avro_registry.h — a small Confluent Schema Registry client over libcurl.
**
** Three calls of the registry's REST API, the ones the avro-confluent format needs: register a
** schema under a subject, look a schema up under a subject, fetch a schema by id. One client
** holds one curl handle, so its connections are reused; it is used by one thread at a time.
**
** Error codes, so that callers can tell a bad record from a broken dependency:
**   SL_UNAVAILABLE  the registry could not be reached, timed out or answered 5xx (retriable)
**   SL_CONFIG       the registry refused the request: credentials (401/403), or the schema
**                   (409 incompatible, 422 invalid)
**   SL_DATA         the registry does not know the subject, version or id (404)
** Messages name the registry by its URL without credentials and never contain a secret.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_FORMATS_AVRO_REGISTRY_H
#define SL_FORMATS_AVRO_REGISTRY_H

#include "base/buf.h"
#include "base/err.h"

typedef struct sl_avro_registry sl_avro_registry;

typedef struct sl_avro_registry_conf {
    const char *url;          /* base URL(s), comma-separated; tried in order on failure */
    const char *user_info;    /* "user:password" for HTTP basic auth, or NULL */
    const char *bearer_token; /* "Authorization: Bearer <token>", or NULL */
    const char *ca_file;      /* PEM file of CA certificates, or NULL for the system's */
    const char *cert_file;    /* PEM client certificate and private key, or NULL */
    const char *key_password; /* password of that private key, or NULL */
    long timeout_ms;          /* whole request; 0 means 10 s */
} sl_avro_registry_conf;

/* A client; strings are copied. Does no I/O. */
sl_avro_registry *sl_avro_registry_new(const sl_avro_registry_conf *conf);
void sl_avro_registry_free(sl_avro_registry *r);

/* POST /subjects/{subject}/versions {"schema": ...} -> {"id": N}. */
int sl_avro_registry_register(sl_avro_registry *r, const char *subject, const char *schema,
                              uint32_t *id, sl_err *err);
/* POST /subjects/{subject} {"schema": ...} -> {"id": N}: the id of an already registered schema. */
int sl_avro_registry_lookup(sl_avro_registry *r, const char *subject, const char *schema,
                            uint32_t *id, sl_err *err);
/* GET /schemas/ids/{id} -> {"schema": ...}; the schema text is appended to out. */
int sl_avro_registry_schema(sl_avro_registry *r, uint32_t id, sl_buf *out, sl_err *err);

/* The first base URL with any user:password@ removed, for messages. */
const char *sl_avro_registry_display_url(const sl_avro_registry *r);

#endif
