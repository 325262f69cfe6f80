/*
** tests/support/avro_registry_check.c — drives the 'avro-confluent' format against a registry.
**
** Used by tests/integration/avro_confluent.sh with tests/support/schema_registry.py. Builds
** encoders and decoders through the format descriptor, as the Kafka connector does, and checks:
** the Confluent framing and the registered id, a round trip, a record written with an older
** writer schema (registered by the script) read through schema resolution, an unknown id, wrong
** credentials, lookup without auto-registration, the key subject, and an unreachable registry.
** Prints "ok: ..." lines and "id <n>" for the script; on the first failure prints "FAIL: ..."
** and exits 1.
**
** Usage: avro_registry_check URL USER:PASSWORD OLD_SCHEMA_ID
**        avro_registry_check --bearer URL TOKEN   (a round trip with a bearer token, and a
**                                                  wrong token refused)
**
** SPDX-License-Identifier: MIT
*/
#include <stdio.h>
#include <stdlib.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/schema.h"
#include "formats/avro.h"

#define NCOL 5

static sl_arena g_ar;
static const char *g_url, *g_user, *g_token;
static const char *const g_names[NCOL + 1] = {"id", "name", "price", "ts", "tags", "extra"};
static sl_type g_types[NCOL + 1];

static void fail(const char *fmt, const char *detail)
{
    printf("FAIL: ");
    printf(fmt, detail);
    printf("\n");
    exit(1);
}

static void check(int cond, const char *what, const char *detail)
{
    if (!cond) fail(what, detail ? detail : "");
}

/* A format context for the value (or key) slot with the given options. */
static sl_format_ctx *make_ctx(int ncol, int is_key, const char *url, const char *user,
                               const char *auto_register)
{
    const char *pre = is_key ? "key.avro-confluent." : "value.avro-confluent.";
    sl_opt *items = sl_arena_calloc(&g_ar, sizeof(sl_opt) * 8);
    int n = 0;
    items[n].key = sl_arena_printf(&g_ar, "%surl", pre);
    items[n++].val = url;
    if (user) {
        items[n].key = sl_arena_printf(&g_ar, "%sbasic-auth.credentials-source", pre);
        items[n++].val = "USER_INFO";
        items[n].key = sl_arena_printf(&g_ar, "%sbasic-auth.user-info", pre);
        items[n++].val = user;
    }
    if (auto_register) {
        items[n].key = sl_arena_printf(&g_ar, "%sauto.register.schemas", pre);
        items[n++].val = auto_register;
    }
    if (g_token) {
        items[n].key = sl_arena_printf(&g_ar, "%sbearer-auth.credentials-source", pre);
        items[n++].val = "STATIC_TOKEN";
        items[n].key = sl_arena_printf(&g_ar, "%sbearer-auth.token", pre);
        items[n++].val = g_token;
    }
    sl_optset *os = sl_arena_calloc(&g_ar, sizeof *os);
    os->items = items;
    os->n = n;
    sl_format_ctx *c = sl_arena_calloc(&g_ar, sizeof *c);
    c->opts = os;
    c->prefix = pre;
    c->nfields = ncol;
    c->names = g_names;
    c->types = g_types;
    c->topic = "orders";
    c->is_key = is_key;
    return c;
}

static sl_encoder *encoder(sl_format_ctx *c)
{
    sl_encoder *e = NULL;
    sl_err err = SL_ERR_INIT;
    if (sl_format_avro_confluent.encoder_new(c, &e, &err)) fail("encoder_new: %s", err.msg);
    return e;
}

static sl_decoder *decoder(sl_format_ctx *c)
{
    sl_decoder *d = NULL;
    sl_err err = SL_ERR_INIT;
    if (sl_format_avro_confluent.decoder_new(c, &d, &err)) fail("decoder_new: %s", err.msg);
    return d;
}

static uint32_t id_of(const sl_buf *b)
{
    const unsigned char *u = (const unsigned char *)b->p;
    return (uint32_t)u[1] << 24 | (uint32_t)u[2] << 16 | (uint32_t)u[3] << 8 | u[4];
}

static void rows(sl_value r[3][NCOL])
{
    static sl_value tags[2];
    tags[0] = sl_string("red", 3);
    tags[1] = sl_null();
    sl_value arr = {0};
    arr.tag = SL_V_ARRAY;
    arr.n = 2;
    arr.u.list = tags;
    sl_value a[NCOL] = {sl_int(1), sl_string("ann", 3), sl_decimal(&g_ar, 1999, 2),
                        sl_timestamp(1700000000, 123000000), arr};
    sl_value b[NCOL] = {sl_int(2), sl_null(), sl_null(), sl_null(), sl_null()};
    sl_value c[NCOL] = {sl_int(INT64_MIN), sl_string("", 0), sl_decimal(&g_ar, -1, 2),
                        sl_timestamp(-1, 999000000), arr};
    memcpy(r[0], a, sizeof a);
    memcpy(r[1], b, sizeof b);
    memcpy(r[2], c, sizeof c);
}

static void init_types(void)
{
    static sl_type elem;
    g_types[0] = sl_type_make(SL_TYPE_BIGINT);
    g_types[0].not_null = 1;
    g_types[1] = sl_type_string();
    g_types[2] = sl_type_decimal(10, 2);
    g_types[3] = sl_type_timestamp(SL_TYPE_TIMESTAMP, 3);
    elem = sl_type_string();
    g_types[4] = sl_type_make(SL_TYPE_ARRAY);
    g_types[4].elem = &elem;
    g_types[5] = sl_type_make(SL_TYPE_INT);
}

/* A round trip with a bearer token; a wrong token is refused with a clear error. */
static int bearer_check(void)
{
    sl_arena_init(&g_ar, 0);
    init_types();
    sl_err err = SL_ERR_INIT;
    sl_value in[3][NCOL], out[NCOL];
    rows(in);
    sl_encoder *enc = encoder(make_ctx(NCOL, 0, g_url, NULL, NULL));
    sl_decoder *dec = decoder(make_ctx(NCOL, 0, g_url, NULL, NULL));
    sl_buf msg = SL_BUF_INIT;
    if (sl_format_avro_confluent.encode(enc, in[0], &msg, &err)) fail("encode: %s", err.msg);
    if (sl_format_avro_confluent.decode(dec, msg.p, msg.n, out, &g_ar, &err))
        fail("decode: %s", err.msg);
    for (int c = 0; c < NCOL; c++)
        check(sl_value_equal(&in[0][c], &out[c]), "column %s differs after a round trip",
              g_names[c]);
    printf("ok: bearer token round trip, id %u\n", id_of(&msg));
    const char *good = g_token;
    g_token = "not-the-token";
    sl_decoder *bad = decoder(make_ctx(NCOL, 0, g_url, NULL, NULL));
    int rc = sl_format_avro_confluent.decode(bad, msg.p, msg.n, out, &g_ar, &err);
    check(rc == SL_CONFIG && strstr(err.msg, "rejected the credentials"),
          "wrong token: expected SL_CONFIG: %s", err.msg);
    check(strstr(err.msg, "not-the-token") == NULL && strstr(err.msg, good) == NULL,
          "the message shows a token: %s", err.msg);
    printf("ok: wrong token -> %s\n", err.msg);
    sl_format_avro_confluent.decoder_free(bad);
    sl_format_avro_confluent.decoder_free(dec);
    sl_format_avro_confluent.encoder_free(enc);
    sl_buf_free(&msg);
    sl_arena_free(&g_ar);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--bearer") == 0) {
        g_url = argv[2];
        g_token = argv[3];
        return bearer_check();
    }
    if (argc != 4) {
        fprintf(stderr, "usage: avro_registry_check URL USER:PASSWORD OLD_SCHEMA_ID\n");
        return 2;
    }
    g_url = argv[1];
    g_user = argv[2];
    uint32_t old_id = (uint32_t)strtoul(argv[3], NULL, 10);
    sl_arena_init(&g_ar, 0);
    init_types();
    sl_err err = SL_ERR_INIT;

    /* 1. encode: framing, one registered id for every record */
    sl_encoder *enc = encoder(make_ctx(NCOL, 0, g_url, g_user, NULL));
    sl_value in[3][NCOL];
    rows(in);
    sl_buf msg[3] = {SL_BUF_INIT, SL_BUF_INIT, SL_BUF_INIT};
    for (int i = 0; i < 3; i++) {
        if (sl_format_avro_confluent.encode(enc, in[i], &msg[i], &err)) fail("encode: %s", err.msg);
        check(msg[i].n > 5 && msg[i].p[0] == 0, "record %s does not start with magic byte 0",
              i == 0   ? "1"
              : i == 1 ? "2"
                       : "3");
        check(id_of(&msg[i]) == id_of(&msg[0]), "records carry different schema ids%s", NULL);
    }
    uint32_t id = id_of(&msg[0]);
    check(id != old_id, "the table schema got the old schema's id%s", NULL);
    printf("id %u\n", id);
    printf("ok: 3 records framed as 0x00 + id %u\n", id);

    /* 2. decode them back */
    sl_decoder *dec = decoder(make_ctx(NCOL, 0, g_url, g_user, NULL));
    for (int i = 0; i < 3; i++) {
        sl_value out[NCOL];
        if (sl_format_avro_confluent.decode(dec, msg[i].p, msg[i].n, out, &g_ar, &err))
            fail("decode: %s", err.msg);
        for (int c = 0; c < NCOL; c++)
            check(sl_value_equal(&in[i][c], &out[c]), "column %s differs after a round trip",
                  g_names[c]);
    }
    printf("ok: round trip through the registry\n");

    /* 3. a record of the older writer schema: id int (promoted), name, a removed field */
    unsigned char old[] = {0,
                           (unsigned char)(old_id >> 24),
                           (unsigned char)(old_id >> 16),
                           (unsigned char)(old_id >> 8),
                           (unsigned char)old_id,
                           0x0e,
                           0x06,
                           'p',
                           'e',
                           'n',
                           0x02,
                           'x'};
    sl_value out[NCOL];
    if (sl_format_avro_confluent.decode(dec, (const char *)old, sizeof old, out, &g_ar, &err))
        fail("decode of the old writer's record: %s", err.msg);
    check(out[0].tag == SL_V_INT && out[0].u.i == 7, "old record: id is not 7%s", NULL);
    check(out[1].tag == SL_V_STRING && out[1].n == 3 && memcmp(out[1].u.z, "pen", 3) == 0,
          "old record: name is not 'pen'%s", NULL);
    check(sl_is_null(&out[2]) && sl_is_null(&out[3]) && sl_is_null(&out[4]),
          "old record: fields the writer lacks are not NULL%s", NULL);
    printf("ok: record of writer schema %u resolved (int->long, removed and added fields)\n",
           old_id);

    /* 4. an id the registry does not know: a bad record, remembered */
    unsigned char unknown[] = {0, 0, 1, 0x86, 0x9f, 0x00}; /* id 99999 */
    for (int k = 0; k < 2; k++) {
        sl_err_clear(&err);
        int rc = sl_format_avro_confluent.decode(dec, (const char *)unknown, sizeof unknown, out,
                                                 &g_ar, &err);
        check(rc == SL_DATA, "unknown id: expected SL_DATA: %s", err.msg);
        check(strstr(err.msg, "Schema id 99999 is not known") != NULL, "unknown id message: %s",
              err.msg);
        check(strstr(err.msg, "40403") != NULL, "unknown id message lacks 40403: %s", err.msg);
    }
    printf("ok: unknown id -> %s\n", err.msg);

    /* 5. wrong credentials: a clear error, without the password */
    sl_decoder *bad = decoder(make_ctx(NCOL, 0, g_url, "alice:wrong-password", NULL));
    sl_err_clear(&err);
    int rc = sl_format_avro_confluent.decode(bad, msg[0].p, msg[0].n, out, &g_ar, &err);
    check(rc == SL_CONFIG, "wrong password on read: expected SL_CONFIG: %s", err.msg);
    check(strstr(err.msg, "rejected the credentials") != NULL, "wrong password message: %s",
          err.msg);
    check(strstr(err.msg, "wrong-password") == NULL, "the message shows the password: %s", err.msg);
    printf("ok: wrong password on read -> %s\n", err.msg);
    sl_format_avro_confluent.decoder_free(bad);
    sl_encoder *bad_enc = encoder(make_ctx(NCOL, 0, g_url, "alice:wrong-password", NULL));
    sl_buf tmp = SL_BUF_INIT;
    sl_err_clear(&err);
    rc = sl_format_avro_confluent.encode(bad_enc, in[0], &tmp, &err);
    check(rc == SL_CONFIG && tmp.n == 0, "wrong password on write: expected SL_CONFIG: %s",
          err.msg);
    check(strstr(err.msg, "Cannot register the schema under subject 'orders-value'") != NULL,
          "wrong password on write message: %s", err.msg);
    printf("ok: wrong password on write -> %s\n", err.msg);
    sl_format_avro_confluent.encoder_free(bad_enc);

    /* 6. auto.register.schemas = false: the same schema is looked up, a new one is refused */
    sl_encoder *look = encoder(make_ctx(NCOL, 0, g_url, g_user, "false"));
    sl_buf_reset(&tmp);
    if (sl_format_avro_confluent.encode(look, in[0], &tmp, &err)) fail("lookup: %s", err.msg);
    check(id_of(&tmp) == id, "lookup found another id%s", NULL);
    sl_format_avro_confluent.encoder_free(look);
    look = encoder(make_ctx(NCOL + 1, 0, g_url, g_user, "false"));
    sl_value in6[NCOL + 1];
    memcpy(in6, in[0], sizeof in[0]);
    in6[NCOL] = sl_int(5);
    sl_buf_reset(&tmp);
    sl_err_clear(&err);
    rc = sl_format_avro_confluent.encode(look, in6, &tmp, &err);
    check(rc == SL_CONFIG && strstr(err.msg, "is not registered under subject 'orders-value'"),
          "lookup of an unregistered schema: %s", err.msg);
    printf("ok: auto.register.schemas=false -> %s\n", err.msg);
    sl_format_avro_confluent.encoder_free(look);

    /* 7. the key slot registers under <topic>-key */
    sl_encoder *key = encoder(make_ctx(1, 1, g_url, g_user, NULL));
    sl_buf_reset(&tmp);
    if (sl_format_avro_confluent.encode(key, in[0], &tmp, &err)) fail("key encode: %s", err.msg);
    printf("key id %u\n", id_of(&tmp));
    sl_format_avro_confluent.encoder_free(key);

    /* 8. an unreachable registry is not a bad record */
    sl_decoder *gone = decoder(make_ctx(NCOL, 0, "http://127.0.0.1:1", g_user, NULL));
    sl_err_clear(&err);
    rc = sl_format_avro_confluent.decode(gone, msg[0].p, msg[0].n, out, &g_ar, &err);
    check(rc == SL_UNAVAILABLE, "unreachable registry: expected SL_UNAVAILABLE: %s", err.msg);
    printf("ok: unreachable registry -> %s\n", err.msg);
    sl_format_avro_confluent.decoder_free(gone);

    sl_buf_free(&tmp);
    for (int i = 0; i < 3; i++) sl_buf_free(&msg[i]);
    sl_format_avro_confluent.encoder_free(enc);
    sl_format_avro_confluent.decoder_free(dec);
    sl_arena_free(&g_ar);
    printf("ok: all checks passed\n");
    return 0;
}
