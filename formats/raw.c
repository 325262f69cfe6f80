/*
** formats/raw.c — the 'raw' format: a single column as the message bytes.
**
** As Flink's RawFormatFactory: exactly one physical column of a character, binary, boolean or
** numeric type. Strings are the bytes in raw.charset; BYTES are the bytes themselves; BOOLEAN
** and TINYINT take one byte, SMALLINT two, INT and FLOAT four, BIGINT and DOUBLE eight, in
** raw.endianness order (IEEE 754 for the floating types). A NULL value and an absent payload
** correspond to each other in both directions: decoding an absent payload yields a row holding
** NULL (SL_OK, not SL_DONE), and encoding NULL yields no payload, reported as SL_DONE.
**
** Charsets: UTF-8 (the default; strings are zero-copy and not validated, as Flink's
** StringData.fromBytes does not validate), US-ASCII and ISO-8859-1. Decoding replaces bytes a
** charset cannot hold with U+FFFD and encoding replaces characters with '?', which is what
** Java's String constructor and getBytes do.
**
** SPDX-License-Identifier: MIT
*/
#include "formats/raw.h"

#include <stdio.h>

#include "formats/fmtutil.h"

enum { CS_UTF8, CS_ASCII, CS_LATIN1 };

static const sl_opt_def raw_opts[] = {
    {"charset", SL_OPT_STRING, 0, "UTF-8", NULL, 0, -1,
     "Charset of STRING values: UTF-8, US-ASCII or ISO-8859-1."},
    {"endianness", SL_OPT_STRING, 0, "big-endian", NULL, 0, -1,
     "Byte order of numeric values: big-endian or little-endian."},
};

/* The charset named (Java's canonical names and common aliases, any case), or -1. */
static int charset_id(const char *name)
{
    static const struct {
        const char *name;
        int id;
    } names[] = {{"UTF-8", CS_UTF8},       {"UTF8", CS_UTF8},         {"US-ASCII", CS_ASCII},
                 {"ASCII", CS_ASCII},      {"ISO-8859-1", CS_LATIN1}, {"ISO8859-1", CS_LATIN1},
                 {"ISO8859_1", CS_LATIN1}, {"LATIN1", CS_LATIN1}};
    for (size_t i = 0; i < SL_ARRAY_LEN(names); i++)
        if (sl_strcaseeq(name, names[i].name)) return names[i].id;
    return -1;
}

static int raw_validate(const sl_format_ctx *ctx, sl_err *err)
{
    const char *pre = ctx->prefix ? ctx->prefix : "";
    const char *cs = sl_fmt_opt_get(ctx, "charset");
    if (cs && charset_id(cs) < 0)
        return sl_err_set(err, SL_CONFIG, "Unsupported '%scharset' name: %s.", pre, cs);
    const char *en = sl_fmt_opt_get(ctx, "endianness");
    if (en && !sl_strcaseeq(en, "big-endian") && !sl_strcaseeq(en, "little-endian"))
        return sl_err_set(err, SL_CONFIG,
                          "Unsupported endianness name: %s. Valid values of '%sendianness' option "
                          "are 'big-endian' and 'little-endian'.",
                          en, pre);
    if (ctx->nfields != 1) {
        sl_buf b = SL_BUF_INIT;
        for (int i = 0; i < ctx->nfields; i++) {
            if (i) sl_buf_puts(&b, ", ");
            sl_buf_printf(&b, "`%s` ", ctx->names[i]);
            sl_type_render(&b, &ctx->types[i]);
        }
        sl_err_set(err, SL_CONFIG,
                   "The 'raw' format only supports single physical column. However the defined "
                   "schema contains multiple physical columns: [%s]",
                   b.p ? b.p : "");
        sl_buf_free(&b);
        return SL_CONFIG;
    }
    switch (ctx->types[0].id) {
    case SL_TYPE_CHAR:
    case SL_TYPE_VARCHAR:
    case SL_TYPE_BINARY:
    case SL_TYPE_VARBINARY:
    case SL_TYPE_BOOLEAN:
    case SL_TYPE_TINYINT:
    case SL_TYPE_SMALLINT:
    case SL_TYPE_INT:
    case SL_TYPE_BIGINT:
    case SL_TYPE_FLOAT:
    case SL_TYPE_DOUBLE: return SL_OK;
    default: {
        char tname[256];
        sl_fmt_type_name(tname, sizeof tname, &ctx->types[0]);
        return sl_err_set(err, SL_CONFIG, "The 'raw' format doesn't supports '%s' as column type.",
                          tname);
    }
    }
}

/* Decoder and encoder share one shape. */
typedef struct rawconf {
    uint8_t id; /* sl_typeid of the column */
    uint8_t little;
    uint8_t charset;
} rawconf;

struct sl_decoder {
    rawconf c;
};
struct sl_encoder {
    rawconf c;
};

static int read_conf(const sl_format_ctx *ctx, rawconf *c, sl_err *err)
{
    int rc = raw_validate(ctx, err);
    if (rc) return rc;
    const char *cs = sl_fmt_opt_get(ctx, "charset");
    const char *en = sl_fmt_opt_get(ctx, "endianness");
    c->id = ctx->types[0].id;
    c->charset = (uint8_t)(cs ? charset_id(cs) : CS_UTF8);
    c->little = en && sl_strcaseeq(en, "little-endian");
    return SL_OK;
}

static int fixed_size(int id)
{
    switch (id) {
    case SL_TYPE_BOOLEAN:
    case SL_TYPE_TINYINT: return 1;
    case SL_TYPE_SMALLINT: return 2;
    case SL_TYPE_INT:
    case SL_TYPE_FLOAT: return 4;
    case SL_TYPE_BIGINT:
    case SL_TYPE_DOUBLE: return 8;
    default: return 0;
    }
}

static uint64_t load_uint(const unsigned char *p, int n, int little)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++) v = v << 8 | p[little ? n - 1 - i : i];
    return v;
}

static void store_uint(sl_buf *b, uint64_t v, int n, int little)
{
    unsigned char tmp[8];
    for (int i = 0; i < n; i++) tmp[little ? i : n - 1 - i] = (unsigned char)(v >> (8 * i));
    sl_buf_append(b, tmp, (size_t)n);
}

static int raw_decoder_new(const sl_format_ctx *ctx, sl_decoder **out, sl_err *err)
{
    rawconf c;
    int rc = read_conf(ctx, &c, err);
    if (rc) return rc;
    sl_decoder *dec = sl_calloc(1, sizeof *dec);
    dec->c = c;
    *out = dec;
    return SL_OK;
}

static sl_value decode_string(const rawconf *c, const char *data, size_t n, sl_arena *ar)
{
    if (c->charset == CS_UTF8) return sl_string(data, n);
    /* Every byte becomes at most 3 bytes (U+FFFD). */
    char *o = sl_arena_alloc(ar, n * 3 + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned b = (unsigned char)data[i];
        if (b < 0x80) {
            o[k++] = (char)b;
        } else if (c->charset == CS_LATIN1) {
            o[k++] = (char)(0xC0 | b >> 6);
            o[k++] = (char)(0x80 | (b & 0x3F));
        } else {
            memcpy(o + k, "\xEF\xBF\xBD", 3);
            k += 3;
        }
    }
    return sl_string(o, k);
}

static int raw_decode(sl_decoder *dec, const char *data, size_t n, sl_value *out, sl_arena *ar,
                      sl_err *err)
{
    const rawconf *c = &dec->c;
    if (!data) {
        out[0] = sl_null();
        return SL_OK;
    }
    int size = fixed_size(c->id);
    if (size && n != (size_t)size)
        return sl_err_set(err, SL_DATA,
                          "Size of data received for deserializing %s type is not %d.",
                          sl_typeid_name(c->id), size);
    const unsigned char *p = (const unsigned char *)data;
    switch (c->id) {
    case SL_TYPE_CHAR:
    case SL_TYPE_VARCHAR: out[0] = decode_string(c, data, n, ar); return SL_OK;
    case SL_TYPE_BINARY:
    case SL_TYPE_VARBINARY: out[0] = sl_bytes(data, n); return SL_OK;
    case SL_TYPE_BOOLEAN: out[0] = sl_bool(p[0] != 0); return SL_OK;
    case SL_TYPE_TINYINT: out[0] = sl_int((int8_t)p[0]); return SL_OK;
    case SL_TYPE_SMALLINT: out[0] = sl_int((int16_t)load_uint(p, 2, c->little)); return SL_OK;
    case SL_TYPE_INT: out[0] = sl_int((int32_t)load_uint(p, 4, c->little)); return SL_OK;
    case SL_TYPE_BIGINT: out[0] = sl_int((int64_t)load_uint(p, 8, c->little)); return SL_OK;
    case SL_TYPE_FLOAT: {
        uint32_t u = (uint32_t)load_uint(p, 4, c->little);
        float f;
        memcpy(&f, &u, 4);
        out[0] = sl_double((double)f);
        return SL_OK;
    }
    case SL_TYPE_DOUBLE: {
        uint64_t u = load_uint(p, 8, c->little);
        double d;
        memcpy(&d, &u, 8);
        out[0] = sl_double(d);
        return SL_OK;
    }
    default: return sl_err_set(err, SL_DATA, "The 'raw' format cannot decode this column type.");
    }
}

static void raw_decoder_free(sl_decoder *dec)
{
    sl_free(dec);
}

static int raw_encoder_new(const sl_format_ctx *ctx, sl_encoder **out, sl_err *err)
{
    rawconf c;
    int rc = read_conf(ctx, &c, err);
    if (rc) return rc;
    sl_encoder *enc = sl_calloc(1, sizeof *enc);
    enc->c = c;
    *out = enc;
    return SL_OK;
}

static void encode_string(const rawconf *c, const char *s, size_t n, sl_buf *b)
{
    if (c->charset == CS_UTF8) {
        sl_buf_append(b, s, n);
        return;
    }
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        size_t l = sl_fmt_utf8_seq(p + i, n - i);
        unsigned cp;
        if (l == 0) {
            sl_buf_putc(b, '?');
            i++;
            continue;
        }
        if (l == 1)
            cp = p[i];
        else if (l == 2)
            cp = (p[i] & 0x1Fu) << 6 | (p[i + 1] & 0x3Fu);
        else
            cp = 0x10000; /* beyond both charsets */
        unsigned limit = c->charset == CS_LATIN1 ? 0xFF : 0x7F;
        sl_buf_putc(b, cp <= limit ? (char)cp : '?');
        i += l;
    }
}

static int raw_encode(sl_encoder *enc, const sl_value *in, sl_buf *out, sl_err *err)
{
    const rawconf *c = &enc->c;
    const sl_value *v = &in[0];
    if (v->tag == SL_V_NULL) return SL_DONE;
    int want;
    switch (c->id) {
    case SL_TYPE_CHAR:
    case SL_TYPE_VARCHAR: want = SL_V_STRING; break;
    case SL_TYPE_BINARY:
    case SL_TYPE_VARBINARY: want = SL_V_BYTES; break;
    case SL_TYPE_BOOLEAN: want = SL_V_BOOL; break;
    case SL_TYPE_FLOAT:
    case SL_TYPE_DOUBLE: want = SL_V_DOUBLE; break;
    default: want = SL_V_INT; break;
    }
    if (v->tag != want)
        return sl_err_set(err, SL_DATA, "Could not serialize a value of kind %d as %s.", v->tag,
                          sl_typeid_name(c->id));
    switch (c->id) {
    case SL_TYPE_CHAR:
    case SL_TYPE_VARCHAR: encode_string(c, v->u.z, v->n, out); break;
    case SL_TYPE_BINARY:
    case SL_TYPE_VARBINARY: sl_buf_append(out, v->u.z, v->n); break;
    case SL_TYPE_BOOLEAN: sl_buf_putc(out, v->u.i ? 1 : 0); break;
    case SL_TYPE_FLOAT: {
        float f = (float)v->u.d;
        uint32_t u;
        memcpy(&u, &f, 4);
        store_uint(out, u, 4, c->little);
        break;
    }
    case SL_TYPE_DOUBLE: {
        uint64_t u;
        memcpy(&u, &v->u.d, 8);
        store_uint(out, u, 8, c->little);
        break;
    }
    default: store_uint(out, (uint64_t)v->u.i, fixed_size(c->id), c->little); break;
    }
    if (!out->p) sl_buf_reserve(out, 0);
    return SL_OK;
}

static void raw_encoder_free(sl_encoder *enc)
{
    sl_free(enc);
}

const sl_format_desc sl_format_raw = {
    .name = "raw",
    .opts = raw_opts,
    .nopts = (int)SL_ARRAY_LEN(raw_opts),
    .mode = SL_CL_INSERT_ONLY,
    .doc = "The message bytes as one column (Flink's 'raw' format).",
    .validate = raw_validate,
    .decoder_new = raw_decoder_new,
    .decode = raw_decode,
    .decoder_free = raw_decoder_free,
    .encoder_new = raw_encoder_new,
    .encode = raw_encode,
    .encoder_free = raw_encoder_free,
};
