/*
** tests/unit/test_avro.c — the 'avro' and 'avro-confluent' formats: bytes, schemas, resolution.
**
** Expected bytes come from the Avro 1.11 specification ("Binary Encoding": the zig-zag table,
** the string "foo" as 06 66 6f 6f, the array {3, 27} as 04 06 36 00, the union example) and were
** checked by hand; the derived schema texts come from Flink's AvroSchemaConverterTest
** (testRowTypeAvroSchemaConversion) and AvroSchemaConverter.convertToSchema. Schema resolution
** cases follow the specification's "Schema Resolution" section; the 'avro-confluent' cases use
** the decoder's seeded schema cache, so no registry is needed here (tests/integration has one).
**
** SPDX-License-Identifier: MIT
*/
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/schema.h"
#include "formats/avro.h"
#include "formats/avro_schema.h"

static sl_arena g_ar;
static sl_opt g_items[32];
static sl_optset g_os;
static sl_buf g_out;
static const char *g_prefix = "avro.";

static void setup(void)
{
    sl_arena_init(&g_ar, 0);
    memset(&g_os, 0, sizeof g_os);
    g_os.items = g_items;
    g_prefix = "avro.";
}

static void teardown(void)
{
    sl_arena_free(&g_ar);
    sl_buf_free(&g_out);
}

TestSuite(avro, .init = setup, .fini = teardown);

static void opt(const char *key, const char *val)
{
    g_items[g_os.n].key = key;
    g_items[g_os.n].val = val;
    g_os.n++;
}

/* ---- types ---------------------------------------------------------------------------- */

static sl_type T(sl_typeid id)
{
    return sl_type_make(id);
}

static sl_type NN(sl_type t)
{
    t.not_null = 1;
    return t;
}

static sl_type S(void)
{
    return sl_type_string();
}

static sl_type DEC(int p, int s)
{
    return sl_type_decimal(p, s);
}

static sl_type TS(sl_typeid id, int p)
{
    return sl_type_timestamp(id, p);
}

static sl_type TIMEP(int p)
{
    sl_type t = T(SL_TYPE_TIME);
    t.precision = (uint8_t)p;
    return t;
}

static sl_type ARR(sl_type elem)
{
    sl_type t = T(SL_TYPE_ARRAY);
    t.elem = sl_arena_memdup(&g_ar, &elem, sizeof elem);
    return t;
}

static sl_type MAP(sl_type k, sl_type v)
{
    sl_type t = T(SL_TYPE_MAP);
    t.elem = sl_arena_memdup(&g_ar, &k, sizeof k);
    t.val = sl_arena_memdup(&g_ar, &v, sizeof v);
    return t;
}

/* ROW of n fields: ROW2("a", t1, "b", t2) ... */
static sl_type ROWN(int n, const char *const *names, const sl_type *types)
{
    sl_field *f = sl_arena_alloc(&g_ar, sizeof(sl_field) * (size_t)n);
    for (int i = 0; i < n; i++) {
        f[i].name = names[i];
        f[i].type = types[i];
    }
    sl_type t = T(SL_TYPE_ROW);
    t.fields = f;
    t.nfields = n;
    return t;
}

static sl_type ROW1(const char *a, sl_type ta)
{
    const char *n[] = {a};
    sl_type t[] = {ta};
    return ROWN(1, n, t);
}

static sl_type ROW2(const char *a, sl_type ta, const char *b, sl_type tb)
{
    const char *n[] = {a, b};
    sl_type t[] = {ta, tb};
    return ROWN(2, n, t);
}

/* ---- values --------------------------------------------------------------------------- */

static sl_value STR(const char *s)
{
    return sl_string(s, strlen(s));
}

static sl_value LIST(int tag, int n, const sl_value *v)
{
    sl_value x = {0};
    size_t count = (size_t)n * (tag == SL_V_MAP ? 2 : 1);
    sl_value *copy = sl_arena_calloc(&g_ar, sizeof(sl_value) * (count + 1));
    if (count) memcpy(copy, v, sizeof(sl_value) * count);
    x.tag = (uint8_t)tag;
    x.n = (uint32_t)n;
    x.u.list = copy;
    return x;
}

static sl_value DECV(int64_t unscaled, int scale)
{
    return sl_decimal(&g_ar, unscaled, scale);
}

/* ---- codecs --------------------------------------------------------------------------- */

static sl_format_ctx ctx_of(int n, const char *const *names, const sl_type *types)
{
    sl_format_ctx c = {&g_os, g_prefix, n, names, types, "orders", 0};
    return c;
}

static sl_encoder *enc_new(const sl_format_desc *fd, int n, const char *const *names,
                           const sl_type *types)
{
    sl_format_ctx c = ctx_of(n, names, types);
    sl_encoder *e = NULL;
    sl_err err = SL_ERR_INIT;
    int rc = fd->encoder_new(&c, &e, &err);
    cr_assert_eq(rc, SL_OK, "encoder_new: %s", err.msg);
    return e;
}

static sl_decoder *dec_new(const sl_format_desc *fd, int n, const char *const *names,
                           const sl_type *types)
{
    sl_format_ctx c = ctx_of(n, names, types);
    sl_decoder *d = NULL;
    sl_err err = SL_ERR_INIT;
    int rc = fd->decoder_new(&c, &d, &err);
    cr_assert_eq(rc, SL_OK, "decoder_new: %s", err.msg);
    return d;
}

/* "06 66 6f 6f" of a buffer. */
static const char *hex(const char *p, size_t n)
{
    static char out[4096];
    size_t k = 0;
    out[0] = 0;
    for (size_t i = 0; i < n && k + 4 < sizeof out; i++)
        k += (size_t)snprintf(out + k, sizeof out - k, "%s%02x", i ? " " : "", (unsigned char)p[i]);
    return out;
}

/* Bytes of a hex text ("06 66 6f 6f") into the arena. */
static const char *unhex(const char *h, size_t *n)
{
    char *b = sl_arena_alloc(&g_ar, strlen(h) / 2 + 1);
    size_t k = 0;
    for (const char *p = h; *p;) {
        if (*p == ' ') {
            p++;
            continue;
        }
        unsigned v;
        cr_assert(sscanf(p, "%2x", &v) == 1);
        b[k++] = (char)v;
        p += 2;
    }
    *n = k;
    return b;
}

/* Encode one row with 'avro' and compare with the expected hex. */
static void expect_enc(int n, const char *const *names, const sl_type *types, const sl_value *vals,
                       const char *want)
{
    sl_encoder *e = enc_new(&sl_format_avro, n, names, types);
    sl_err err = SL_ERR_INIT;
    sl_buf_reset(&g_out);
    int rc = sl_format_avro.encode(e, vals, &g_out, &err);
    cr_assert_eq(rc, SL_OK, "encode: %s", err.msg);
    cr_assert_str_eq(hex(g_out.p, g_out.n), want);
    sl_format_avro.encoder_free(e);
}

static void expect_enc1(sl_type t, sl_value v, const char *want)
{
    static const char *const names[] = {"f"};
    expect_enc(1, names, &t, &v, want);
}

/* Decode hex with 'avro' into out; returns the rc and fills err. */
static int dec_hex(int n, const char *const *names, const sl_type *types, const char *h,
                   sl_value *out, sl_err *err)
{
    sl_decoder *d = dec_new(&sl_format_avro, n, names, types);
    size_t len;
    const char *b = unhex(h, &len);
    int rc = sl_format_avro.decode(d, b, len, out, &g_ar, err);
    sl_format_avro.decoder_free(d);
    return rc;
}

static int dec1(sl_type t, const char *h, sl_value *out, sl_err *err)
{
    static const char *const names[] = {"f"};
    return dec_hex(1, names, &t, h, out, err);
}

/* Encode then decode with 'avro'; the row must come back equal. */
static void roundtrip(int n, const char *const *names, const sl_type *types, const sl_value *vals)
{
    sl_encoder *e = enc_new(&sl_format_avro, n, names, types);
    sl_decoder *d = dec_new(&sl_format_avro, n, names, types);
    sl_err err = SL_ERR_INIT;
    sl_buf_reset(&g_out);
    cr_assert_eq(sl_format_avro.encode(e, vals, &g_out, &err), SL_OK, "encode: %s", err.msg);
    sl_value back[64];
    cr_assert_eq(sl_format_avro.decode(d, g_out.p, g_out.n, back, &g_ar, &err), SL_OK,
                 "decode: %s (%s)", err.msg, hex(g_out.p, g_out.n));
    for (int i = 0; i < n; i++)
        cr_assert(sl_value_equal(&vals[i], &back[i]), "column %s differs after a round trip",
                  names[i]);
    sl_format_avro.encoder_free(e);
    sl_format_avro.decoder_free(d);
}

/* ---- byte-exact encodings ------------------------------------------------------------- */

Test(avro, zigzag_longs_as_in_the_spec)
{
    sl_type t = NN(T(SL_TYPE_BIGINT));
    expect_enc1(t, sl_int(0), "00");
    expect_enc1(t, sl_int(-1), "01");
    expect_enc1(t, sl_int(1), "02");
    expect_enc1(t, sl_int(-2), "03");
    expect_enc1(t, sl_int(2), "04");
    expect_enc1(t, sl_int(-64), "7f");
    expect_enc1(t, sl_int(64), "80 01");
    expect_enc1(t, sl_int(8192), "80 80 01");
    expect_enc1(t, sl_int(INT64_MAX), "fe ff ff ff ff ff ff ff ff 01");
    expect_enc1(t, sl_int(INT64_MIN), "ff ff ff ff ff ff ff ff ff 01");
}

Test(avro, ints_and_their_limits)
{
    sl_type t = NN(T(SL_TYPE_INT));
    expect_enc1(t, sl_int(INT32_MAX), "fe ff ff ff 0f");
    expect_enc1(t, sl_int(INT32_MIN), "ff ff ff ff 0f");
    expect_enc1(NN(T(SL_TYPE_TINYINT)), sl_int(-128), "ff 01");
    expect_enc1(NN(T(SL_TYPE_SMALLINT)), sl_int(300), "d8 04");
}

Test(avro, string_foo_as_in_the_spec)
{
    expect_enc1(NN(S()), STR("foo"), "06 66 6f 6f");
    expect_enc1(NN(S()), STR(""), "00");
}

Test(avro, record_of_nullable_fields)
{
    static const char *const names[] = {"a", "b"};
    sl_type types[] = {T(SL_TYPE_INT), S()};
    sl_value v1[] = {sl_int(1), STR("x")};
    expect_enc(2, names, types, v1, "02 02 02 02 78"); /* branch 1, 1, branch 1, len 1, 'x' */
    sl_value v2[] = {sl_null(), sl_null()};
    expect_enc(2, names, types, v2, "00 00");
    sl_value v3[] = {sl_int(-1), STR("")};
    expect_enc(2, names, types, v3, "02 01 02 00");
}

Test(avro, union_example_of_the_spec)
{
    /* ["null","string"]: null -> 00, "a" -> 02 02 61 */
    expect_enc1(S(), sl_null(), "00");
    expect_enc1(S(), STR("a"), "02 02 61");
}

Test(avro, arrays_and_maps)
{
    sl_value items[] = {sl_int(3), sl_int(27)};
    sl_type arr = NN(ARR(NN(T(SL_TYPE_BIGINT))));
    expect_enc1(arr, LIST(SL_V_ARRAY, 2, items), "04 06 36 00"); /* the spec's example */
    expect_enc1(arr, LIST(SL_V_ARRAY, 0, items), "00");
    sl_value kv[] = {STR("a"), sl_int(1)};
    expect_enc1(NN(MAP(S(), NN(T(SL_TYPE_INT)))), LIST(SL_V_MAP, 1, kv), "02 02 61 02 00");
    /* nullable elements: each one is a ["null", T] union */
    sl_value ne[] = {sl_null(), sl_int(2)};
    expect_enc1(NN(ARR(T(SL_TYPE_INT))), LIST(SL_V_ARRAY, 2, ne), "04 00 02 04 00");
}

Test(avro, floats_doubles_booleans_bytes)
{
    expect_enc1(NN(T(SL_TYPE_FLOAT)), sl_double(1.0), "00 00 80 3f");
    expect_enc1(NN(T(SL_TYPE_DOUBLE)), sl_double(-2.5), "00 00 00 00 00 00 04 c0");
    expect_enc1(NN(T(SL_TYPE_BOOLEAN)), sl_bool(1), "01");
    expect_enc1(NN(T(SL_TYPE_BOOLEAN)), sl_bool(0), "00");
    expect_enc1(NN(T(SL_TYPE_VARBINARY)), sl_bytes("\xc0\xff\xee", 3), "06 c0 ff ee");
}

Test(avro, decimals_are_minimal_big_endian_twos_complement)
{
    sl_type t = NN(DEC(5, 2));
    expect_enc1(t, DECV(123, 2), "02 7b");
    expect_enc1(t, DECV(-100, 2), "02 9c");
    expect_enc1(t, DECV(128, 2), "04 00 80");
    expect_enc1(t, DECV(0, 2), "02 00");
    expect_enc1(t, DECV(-129, 2), "04 ff 7f");
    expect_enc1(t, DECV(-128, 2), "02 80");
    /* 10^38 - 1 needs all 16 bytes */
    __int128 big = 1;
    for (int i = 0; i < 38; i++) big *= 10;
    big -= 1;
    expect_enc1(NN(DEC(38, 0)), sl_decimal(&g_ar, big, 0),
                "20 4b 3b 4c a8 5a 86 c4 7a 09 8a 22 3f ff ff ff ff");
}

Test(avro, temporal_types)
{
    expect_enc1(NN(T(SL_TYPE_DATE)), sl_date(18262), "ac 9d 02"); /* 2020-01-01 */
    /* TIME(3) 12:00:00.123 -> 43200123 ms */
    expect_enc1(NN(TIMEP(3)), sl_time(INT64_C(43200123000000)), "f6 b9 99 29");
    /* TIMESTAMP(3) 2020-01-01T00:00:00.001 -> 1577836800001 ms */
    expect_enc1(NN(TS(SL_TYPE_TIMESTAMP, 3)), sl_timestamp(1577836800, 1000000),
                "82 a0 b7 e6 eb 5b");
    /* sub-millisecond digits are cut, as Instant.toEpochMilli does */
    expect_enc1(NN(TS(SL_TYPE_TIMESTAMP, 3)), sl_timestamp(1577836800, 1999999),
                "82 a0 b7 e6 eb 5b");
    /* before 1970: floor, -1 ms */
    expect_enc1(NN(TS(SL_TYPE_TIMESTAMP, 3)), sl_timestamp(-1, 999000000), "01");
}

Test(avro, non_legacy_mapping_writes_micros_and_local_timestamps)
{
    opt("avro.timestamp_mapping.legacy", "false");
    expect_enc1(NN(TS(SL_TYPE_TIMESTAMP, 6)), sl_timestamp(1577836800, 1000000),
                "d0 8f d2 9f 98 c2 cd 05");
    expect_enc1(NN(TS(SL_TYPE_TIMESTAMP_LTZ, 3)), sl_timestamp(1577836800, 1000000),
                "82 a0 b7 e6 eb 5b");
}

Test(avro, nested_rows)
{
    sl_value inner[] = {sl_int(5)};
    expect_enc1(ROW1("x", T(SL_TYPE_INT)), LIST(SL_V_ROW, 1, inner), "02 02 0a");
    expect_enc1(ROW1("x", T(SL_TYPE_INT)), sl_null(), "00");
}

/* ---- round trips ---------------------------------------------------------------------- */

#define NALL 19

static const char *const all_names[NALL] = {"bo", "ti", "si",  "i",   "bi",  "f",  "d",
                                            "dc", "dw", "c",   "s",   "bin", "by", "dt",
                                            "tm", "ts", "arr", "map", "row"};

static void all_types(sl_type *t, int not_null)
{
    sl_type c = T(SL_TYPE_CHAR);
    c.length = 3;
    sl_type bin = T(SL_TYPE_BINARY);
    bin.length = 2;
    sl_type el = ROW2("k", S(), "v", ARR(T(SL_TYPE_DOUBLE)));
    sl_type list[NALL] = {T(SL_TYPE_BOOLEAN),
                          T(SL_TYPE_TINYINT),
                          T(SL_TYPE_SMALLINT),
                          T(SL_TYPE_INT),
                          T(SL_TYPE_BIGINT),
                          T(SL_TYPE_FLOAT),
                          T(SL_TYPE_DOUBLE),
                          DEC(10, 3),
                          DEC(38, 10),
                          c,
                          S(),
                          bin,
                          T(SL_TYPE_VARBINARY),
                          T(SL_TYPE_DATE),
                          TIMEP(3),
                          TS(SL_TYPE_TIMESTAMP, 3),
                          ARR(el),
                          MAP(S(), ARR(T(SL_TYPE_INT))),
                          ROW2("a", T(SL_TYPE_INT), "n", ROW1("z", S()))};
    for (int i = 0; i < NALL; i++) {
        t[i] = list[i];
        t[i].not_null = (uint8_t)not_null;
    }
}

static void all_values(sl_value *v)
{
    __int128 wide = (__int128)INT64_MAX * 1000 + 7;
    sl_value dbl[] = {sl_double(1.5), sl_null(), sl_double(-0.0)};
    sl_value el1[] = {STR("k1"), LIST(SL_V_ARRAY, 3, dbl)};
    sl_value el2[] = {sl_null(), sl_null()};
    sl_value els[] = {LIST(SL_V_ROW, 2, el1), sl_null(), LIST(SL_V_ROW, 2, el2)};
    sl_value ints[] = {sl_int(1), sl_null()};
    sl_value kv[] = {STR("x"), STR("y"), LIST(SL_V_ARRAY, 2, ints), sl_null()};
    sl_value z[] = {STR("\xc3\xa9t\xc3\xa9")};
    sl_value rw[] = {sl_int(-7), LIST(SL_V_ROW, 1, z)};
    sl_value list[NALL] = {sl_bool(1),
                           sl_int(-128),
                           sl_int(32767),
                           sl_int(INT32_MIN),
                           sl_int(INT64_MAX),
                           sl_double((double)3.25f),
                           sl_double(NAN),
                           DECV(-12345, 3),
                           sl_decimal(&g_ar, wide, 10),
                           STR("abc"),
                           STR("h\xe2\x82\xacllo"),
                           sl_bytes("\x00\x01", 2),
                           sl_bytes("", 0),
                           sl_date(-719162),
                           sl_time(INT64_C(86399999000000)),
                           sl_timestamp(-62135596800, 5000000),
                           LIST(SL_V_ARRAY, 3, els),
                           LIST(SL_V_MAP, 2, kv),
                           LIST(SL_V_ROW, 2, rw)};
    memcpy(v, list, sizeof list);
}

Test(avro, round_trip_of_every_type)
{
    sl_type t[NALL];
    sl_value v[NALL];
    all_types(t, 0);
    all_values(v);
    roundtrip(NALL, all_names, t, v);
    all_types(t, 1);
    roundtrip(NALL, all_names, t, v);
}

Test(avro, round_trip_of_nulls)
{
    sl_type t[NALL];
    sl_value v[NALL];
    all_types(t, 0);
    for (int i = 0; i < NALL; i++) v[i] = sl_null();
    roundtrip(NALL, all_names, t, v);
}

Test(avro, round_trip_of_empty_containers_and_extremes)
{
    static const char *const names[] = {"a", "m", "ts", "d"};
    sl_type t[] = {ARR(S()), MAP(S(), T(SL_TYPE_INT)), TS(SL_TYPE_TIMESTAMP, 3), DEC(38, 0)};
    __int128 m = 1;
    for (int i = 0; i < 38; i++) m *= 10;
    sl_value v[] = {LIST(SL_V_ARRAY, 0, NULL), LIST(SL_V_MAP, 0, NULL),
                    sl_timestamp(253402300799, 999000000), sl_decimal(&g_ar, -(m - 1), 0)};
    roundtrip(4, names, t, v);
}

Test(avro, round_trip_non_legacy_timestamps)
{
    opt("avro.timestamp_mapping.legacy", "false");
    static const char *const names[] = {"a", "b", "c", "d"};
    sl_type t[] = {TS(SL_TYPE_TIMESTAMP, 3), TS(SL_TYPE_TIMESTAMP, 6), TS(SL_TYPE_TIMESTAMP, 9),
                   TS(SL_TYPE_TIMESTAMP_LTZ, 6)};
    sl_value v[] = {sl_timestamp(0, 123000000), sl_timestamp(-1, 123456000),
                    sl_timestamp(1700000000, 123456789), sl_timestamp(1700000000, 1000)};
    roundtrip(4, names, t, v);
}

/* ---- decoding ------------------------------------------------------------------------- */

Test(avro, decodes_strings_zero_copy)
{
    static const char *const names[] = {"s"};
    sl_type t = NN(S());
    sl_decoder *d = dec_new(&sl_format_avro, 1, names, &t);
    const char msg[] = "\x06"
                       "foo";
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(sl_format_avro.decode(d, msg, 4, &v, &g_ar, &err), SL_OK, "%s", err.msg);
    cr_assert_eq(v.u.z, msg + 1, "the string points into the message");
    cr_assert_eq(v.n, 3);
    sl_format_avro.decoder_free(d);
}

Test(avro, null_payload_is_no_row)
{
    static const char *const names[] = {"s"};
    sl_type t = S();
    sl_decoder *d = dec_new(&sl_format_avro, 1, names, &t);
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(sl_format_avro.decode(d, NULL, 0, &v, &g_ar, &err), SL_DONE);
    sl_format_avro.decoder_free(d);
}

Test(avro, time_and_timestamp_are_cut_to_the_column_precision)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(NN(TIMEP(0)), "f6 b9 99 29", &v, &err), SL_OK, "%s", err.msg);
    cr_assert_eq(v.u.i, INT64_C(43200000000000));
    cr_assert_eq(dec1(NN(TS(SL_TYPE_TIMESTAMP, 0)), "01", &v, &err), SL_OK, "%s", err.msg);
    cr_assert_eq(v.u.i, -1);
    cr_assert_eq(v.n, 0);
}

/* ---- errors --------------------------------------------------------------------------- */

static void expect_dec_error(sl_type t, const char *h, const char *needle)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    int rc = dec1(t, h, &v, &err);
    cr_assert_eq(rc, SL_DATA, "rc %d for %s", rc, h);
    cr_assert(strstr(err.msg, needle), "message '%s' lacks '%s'", err.msg, needle);
    cr_assert(strncmp(err.msg, "Failed to deserialize Avro record", 33) == 0, "%s", err.msg);
}

Test(avro, truncated_fields)
{
    expect_dec_error(NN(S()), "06 66 6f", "truncated");
    expect_dec_error(NN(T(SL_TYPE_BIGINT)), "80 80", "truncated");
    expect_dec_error(NN(T(SL_TYPE_DOUBLE)), "00 00 00", "truncated");
    expect_dec_error(NN(T(SL_TYPE_FLOAT)), "00", "truncated");
    expect_dec_error(NN(T(SL_TYPE_BOOLEAN)), "", "truncated");
    expect_dec_error(NN(ARR(NN(T(SL_TYPE_INT)))), "04 02 80", "truncated");
    expect_dec_error(T(SL_TYPE_INT), "02", "truncated");
    expect_dec_error(NN(DEC(5, 2)), "04 7b", "truncated");
}

Test(avro, trailing_bytes)
{
    expect_dec_error(NN(T(SL_TYPE_INT)), "02 00",
                     "1 unexpected bytes after the record at byte "
                     "offset 1");
}

Test(avro, bad_union_index)
{
    expect_dec_error(S(), "04 02 61", "union branch index 2 is out of range");
    expect_dec_error(S(), "01", "union branch index -1 is out of range");
}

Test(avro, bad_utf8)
{
    expect_dec_error(NN(S()), "04 c3 28", "not valid UTF-8 at byte offset 1");
    static const char *const names[] = {"m"};
    sl_type t = NN(MAP(S(), NN(T(SL_TYPE_INT))));
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec_hex(1, names, &t, "02 02 ff 02 00", &v, &err), SL_DATA);
    cr_assert(strstr(err.msg, "map key is not valid UTF-8"), "%s", err.msg);
}

Test(avro, malformed_varints_and_booleans)
{
    expect_dec_error(NN(T(SL_TYPE_INT)), "ff ff ff ff 1f", "malformed int");
    expect_dec_error(NN(T(SL_TYPE_BIGINT)), "ff ff ff ff ff ff ff ff ff 02", "malformed long");
    expect_dec_error(NN(T(SL_TYPE_BOOLEAN)), "02", "invalid boolean byte 0x02");
    expect_dec_error(NN(S()), "01", "negative length -1");
}

Test(avro, out_of_range_values)
{
    expect_dec_error(NN(T(SL_TYPE_TINYINT)), "d8 04", "value 300 is out of range for TINYINT");
    expect_dec_error(NN(DEC(2, 0)), "02 64", "does not fit DECIMAL(2, 0)"); /* 100 */
    expect_dec_error(NN(DEC(5, 2)), "00", "zero bytes");
    expect_dec_error(NN(TIMEP(3)), "01", "outside a day");
    /* 17 bytes that are not sign extension */
    expect_dec_error(NN(DEC(38, 0)), "22 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
                     "does not fit");
}

Test(avro, decimal_sign_extension_beyond_16_bytes_is_accepted)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(
        dec1(NN(DEC(5, 2)), "22 ff ff ff ff ff ff ff ff ff ff ff ff ff ff ff ff 9c", &v, &err),
        SL_OK, "%s", err.msg);
    cr_assert_eq(sl_decimal_unscaled(&v), -100);
}

Test(avro, array_counts_are_bounded_by_the_message)
{
    expect_dec_error(NN(ARR(NN(T(SL_TYPE_INT)))), "fe ff ff ff 0f 02", "exceeds the 1 bytes left");
    /* negative count with a byte size, then items */
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(NN(ARR(NN(T(SL_TYPE_INT)))), "03 04 02 04 00", &v, &err), SL_OK, "%s",
                 err.msg);
    cr_assert_eq(v.n, 2);
    cr_assert_eq(v.u.list[1].u.i, 2);
}

Test(avro, error_names_the_field_path)
{
    static const char *const names[] = {"id", "items"};
    sl_type t[] = {NN(T(SL_TYPE_INT)), NN(ARR(NN(ROW1("name", NN(S())))))};
    sl_value v[2];
    sl_err err = SL_ERR_INIT;
    /* id 1, array of 2: "a", then a bad string */
    cr_assert_eq(dec_hex(2, names, t, "02 04 02 61 04 c3 28 00", v, &err), SL_DATA);
    cr_assert(strstr(err.msg, "field 'items[1].name'"), "%s", err.msg);
}

/* ---- derived schemas ------------------------------------------------------------------ */

static const char *derive_json(int n, const char *const *names, const sl_type *types, int legacy,
                               sl_err *err)
{
    sl_avro_schema *s;
    if (sl_avro_schema_derive(&g_ar, n, names, types, legacy, &s, err)) return NULL;
    sl_buf_reset(&g_out);
    sl_avro_schema_json(&g_out, s);
    return g_out.p;
}

Test(avro, derived_schema_of_flinks_nested_row_test)
{
    /* Flink AvroSchemaConverterTest.testRowTypeAvroSchemaConversion, printed compactly. */
    static const char *const names[] = {"row1", "row2", "row3"};
    sl_type t[] = {ROW1("a", S()), ROW1("b", S()), ROW1("row3", ROW1("c", S()))};
    sl_err err = SL_ERR_INIT;
    const char *j = derive_json(3, names, t, 1, &err);
    cr_assert(j, "%s", err.msg);
    cr_assert_str_eq(
        j, "{\"type\":\"record\",\"name\":\"record\",\"namespace\":\"org.apache.flink.avro."
           "generated\",\"fields\":[{\"name\":\"row1\",\"type\":[\"null\",{\"type\":\"record\","
           "\"name\":\"record_row1\",\"fields\":[{\"name\":\"a\",\"type\":[\"null\",\"string\"],"
           "\"default\":null}]}],\"default\":null},{\"name\":\"row2\",\"type\":[\"null\",{"
           "\"type\":\"record\",\"name\":\"record_row2\",\"fields\":[{\"name\":\"b\",\"type\":["
           "\"null\",\"string\"],\"default\":null}]}],\"default\":null},{\"name\":\"row3\","
           "\"type\":[\"null\",{\"type\":\"record\",\"name\":\"record_row3\",\"fields\":[{"
           "\"name\":\"row3\",\"type\":[\"null\",{\"type\":\"record\",\"name\":\"record_row3_"
           "row3\",\"fields\":[{\"name\":\"c\",\"type\":[\"null\",\"string\"],\"default\":null}]}"
           "],\"default\":null}]}],\"default\":null}]}");
}

Test(avro, derived_schema_of_a_representative_table)
{
    static const char *const names[] = {"id", "name", "price", "ts",  "day",
                                        "at", "tags", "attrs", "raw", "addr"};
    sl_type t[] = {NN(T(SL_TYPE_BIGINT)),
                   S(),
                   DEC(10, 2),
                   TS(SL_TYPE_TIMESTAMP, 3),
                   T(SL_TYPE_DATE),
                   TIMEP(0),
                   ARR(S()),
                   MAP(S(), T(SL_TYPE_DOUBLE)),
                   NN(T(SL_TYPE_VARBINARY)),
                   ROW2("city", S(), "zip", NN(T(SL_TYPE_INT)))};
    sl_err err = SL_ERR_INIT;
    const char *j = derive_json(10, names, t, 1, &err);
    cr_assert(j, "%s", err.msg);
    cr_assert_str_eq(
        j,
        "{\"type\":\"record\",\"name\":\"record\",\"namespace\":\"org.apache.flink.avro.generated"
        "\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"name\",\"type\":[\"null\","
        "\"string\"],\"default\":null},{\"name\":\"price\",\"type\":[\"null\",{\"type\":\"bytes\","
        "\"logicalType\":\"decimal\",\"precision\":10,\"scale\":2}],\"default\":null},{\"name\":"
        "\"ts\",\"type\":[\"null\",{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}],"
        "\"default\":null},{\"name\":\"day\",\"type\":[\"null\",{\"type\":\"int\",\"logicalType\":"
        "\"date\"}],\"default\":null},{\"name\":\"at\",\"type\":[\"null\",{\"type\":\"int\","
        "\"logicalType\":\"time-millis\"}],\"default\":null},{\"name\":\"tags\",\"type\":[\"null\","
        "{\"type\":\"array\",\"items\":[\"null\",\"string\"]}],\"default\":null},{\"name\":"
        "\"attrs\",\"type\":[\"null\",{\"type\":\"map\",\"values\":[\"null\",\"double\"]}],"
        "\"default\":null},{\"name\":\"raw\",\"type\":\"bytes\"},{\"name\":\"addr\",\"type\":["
        "\"null\",{\"type\":\"record\",\"name\":\"record_addr\",\"fields\":[{\"name\":\"city\","
        "\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"zip\",\"type\":\"int\"}]}],"
        "\"default\":null}]}");
    /* The text parses back to the same schema. */
    sl_avro_schema *s;
    cr_assert_eq(sl_avro_schema_parse(&g_ar, j, strlen(j), &s, &err), SL_OK, "%s", err.msg);
    sl_buf again = SL_BUF_INIT;
    sl_avro_schema_json(&again, s);
    cr_assert_str_eq(again.p, j);
    sl_buf_free(&again);
}

Test(avro, non_legacy_derivation)
{
    static const char *const names[] = {"a", "b", "c", "d"};
    sl_type t[] = {NN(TS(SL_TYPE_TIMESTAMP, 3)), NN(TS(SL_TYPE_TIMESTAMP, 6)),
                   NN(TS(SL_TYPE_TIMESTAMP, 9)), NN(TS(SL_TYPE_TIMESTAMP_LTZ, 3))};
    sl_err err = SL_ERR_INIT;
    const char *j = derive_json(4, names, t, 0, &err);
    cr_assert(j, "%s", err.msg);
    cr_assert(strstr(j, "{\"name\":\"a\",\"type\":{\"type\":\"long\",\"logicalType\":\"local-"
                        "timestamp-millis\"}}"),
              "%s", j);
    cr_assert(strstr(j, "\"local-timestamp-micros\""), "%s", j);
    cr_assert(strstr(j, "\"local-timestamp-nanos\""), "%s", j);
    cr_assert(strstr(j, "{\"name\":\"d\",\"type\":{\"type\":\"long\",\"logicalType\":"
                        "\"timestamp-millis\"}}"),
              "%s", j);
}

static void expect_derive_error(sl_type t, const char *name, const char *msg)
{
    const char *names[] = {name};
    sl_err err = SL_ERR_INIT;
    cr_assert_null(derive_json(1, names, &t, 1, &err));
    cr_assert_eq(err.code, SL_CONFIG);
    cr_assert_str_eq(err.msg, msg);
}

Test(avro, derivation_errors_are_flinks)
{
    expect_derive_error(TS(SL_TYPE_TIMESTAMP, 9), "b",
                        "Avro does not support TIMESTAMP type with precision: 9, it only supports "
                        "precision less than 3.");
    expect_derive_error(TIMEP(6), "b",
                        "Avro does not support TIME type with precision: 6, it only supports "
                        "precision less than 3.");
    expect_derive_error(TS(SL_TYPE_TIMESTAMP_LTZ, 3), "b",
                        "Unsupported to derive Schema for type: TIMESTAMP_LTZ(3)");
    expect_derive_error(MAP(T(SL_TYPE_INT), S()), "m",
                        "Avro format doesn't support non-string as key type of map. The key type "
                        "is: INT");
    expect_derive_error(S(), "a-b", "Illegal character in: a-b");
    expect_derive_error(S(), "1a", "Illegal initial character: 1a");
}

/* ---- validation ----------------------------------------------------------------------- */

static int validate(const sl_format_desc *fd, int n, const char *const *names, const sl_type *types,
                    sl_err *err)
{
    sl_format_ctx c = ctx_of(n, names, types);
    return fd->validate(&c, err);
}

Test(avro, avro_validation)
{
    static const char *const names[] = {"ts"};
    sl_type t = TS(SL_TYPE_TIMESTAMP, 6);
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(validate(&sl_format_avro, 1, names, &t, &err), SL_CONFIG);
    cr_assert(strstr(err.msg, "precision: 6"), "%s", err.msg);
    opt("avro.timestamp_mapping.legacy", "false");
    sl_err_clear(&err);
    cr_assert_eq(validate(&sl_format_avro, 1, names, &t, &err), SL_OK, "%s", err.msg);
    g_items[0].val = "maybe";
    sl_err_clear(&err);
    cr_assert_eq(validate(&sl_format_avro, 1, names, &t, &err), SL_CONFIG);
    cr_assert(strstr(err.msg, "avro.timestamp_mapping.legacy"), "%s", err.msg);
}

static void expect_confluent_invalid(const char *needle)
{
    static const char *const names[] = {"a"};
    sl_type t = S();
    sl_err err = SL_ERR_INIT;
    int rc = validate(&sl_format_avro_confluent, 1, names, &t, &err);
    cr_assert_eq(rc, SL_CONFIG, "rc %d: %s", rc, err.msg);
    cr_assert(strstr(err.msg, needle), "message '%s' lacks '%s'", err.msg, needle);
}

Test(avro, confluent_validation)
{
    g_prefix = "value.avro-confluent.";
    expect_confluent_invalid("One or more required options are missing for format "
                             "'avro-confluent': 'value.avro-confluent.url'.");
    opt("value.avro-confluent.url", "http://127.0.0.1:1");
    opt("value.avro-confluent.basic-auth.credentials-source", "USER_INFO");
    expect_confluent_invalid("'value.avro-confluent.basic-auth.user-info' is required");
    opt("value.avro-confluent.basic-auth.user-info", "nocolon");
    expect_confluent_invalid("must have the form 'user:password'");
    g_items[2].val = "u:p";
    opt("value.avro-confluent.bearer-auth.token", "t");
    expect_confluent_invalid("cannot be used together");
    g_os.n = 1;
    opt("value.avro-confluent.bearer-auth.credentials-source", "SOMETHING");
    expect_confluent_invalid("Invalid value 'SOMETHING'");
    g_os.n = 1;
    opt("value.avro-confluent.schema", "{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":"
                                       "\"a\",\"type\":\"string\"}]}");
    expect_confluent_invalid("Schema provided for 'avro-confluent' format does not match the "
                             "table schema");
    expect_confluent_invalid("field 'a': the schema makes it NOT NULL, the table nullable");
    g_items[1].val = "{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":"
                     "[\"null\",\"string\"]}]}";
    static const char *const names[] = {"a"};
    sl_type t = S();
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(validate(&sl_format_avro_confluent, 1, names, &t, &err), SL_OK, "%s", err.msg);
    g_items[1].val = "{\"type\":\"record\"";
    expect_confluent_invalid("Could not parse the 'value.avro-confluent.schema' option");
}

Test(avro, confluent_subject_is_needed_to_write_without_a_topic)
{
    g_prefix = "avro-confluent.";
    opt("avro-confluent.url", "http://127.0.0.1:1");
    static const char *const names[] = {"a"};
    sl_type t = S();
    sl_format_ctx c = ctx_of(1, names, &t);
    c.topic = NULL;
    sl_encoder *e = NULL;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(sl_format_avro_confluent.encoder_new(&c, &e, &err), SL_CONFIG);
    cr_assert_str_eq(err.msg, "Option avro-confluent.subject is required for serialization");
}

/* ---- avro-confluent framing and resolution (seeded schema cache) ---------------------- */

static sl_decoder *confluent_dec(int n, const char *const *names, const sl_type *types)
{
    g_prefix = "avro-confluent.";
    if (!g_os.n) opt("avro-confluent.url", "http://127.0.0.1:1");
    return dec_new(&sl_format_avro_confluent, n, names, types);
}

/* Decode 00 + id + body (hex). */
static int confluent_decode_hex(sl_decoder *d, uint32_t id, const char *body, sl_value *out,
                                sl_err *err)
{
    size_t n;
    const char *b = unhex(body, &n);
    char *msg = sl_arena_alloc(&g_ar, n + 5);
    msg[0] = 0;
    msg[1] = (char)(id >> 24);
    msg[2] = (char)(id >> 16);
    msg[3] = (char)(id >> 8);
    msg[4] = (char)id;
    memcpy(msg + 5, b, n);
    return sl_format_avro_confluent.decode(d, msg, n + 5, out, &g_ar, err);
}

Test(avro, confluent_framing_round_trip)
{
    g_prefix = "avro-confluent.";
    opt("avro-confluent.url", "http://127.0.0.1:1");
    static const char *const names[] = {"id", "name"};
    sl_type t[] = {NN(T(SL_TYPE_BIGINT)), S()};
    sl_encoder *e = enc_new(&sl_format_avro_confluent, 2, names, t);
    sl_avro_confluent_seed_id(e, 0x01020304);
    sl_value v[] = {sl_int(42), STR("ann")};
    sl_err err = SL_ERR_INIT;
    sl_buf_reset(&g_out);
    cr_assert_eq(sl_format_avro_confluent.encode(e, v, &g_out, &err), SL_OK, "%s", err.msg);
    cr_assert_str_eq(hex(g_out.p, g_out.n), "00 01 02 03 04 54 02 06 61 6e 6e");
    sl_decoder *d = confluent_dec(2, names, t);
    cr_assert_eq(sl_avro_confluent_seed_schema(d, 0x01020304, sl_avro_encoder_schema(e), &err),
                 SL_OK, "%s", err.msg);
    sl_value back[2];
    cr_assert_eq(sl_format_avro_confluent.decode(d, g_out.p, g_out.n, back, &g_ar, &err), SL_OK,
                 "%s", err.msg);
    cr_assert(sl_value_equal(&v[0], &back[0]) && sl_value_equal(&v[1], &back[1]));
    sl_format_avro_confluent.encoder_free(e);
    sl_format_avro_confluent.decoder_free(d);
}

Test(avro, confluent_bad_framing)
{
    static const char *const names[] = {"a"};
    sl_type t = S();
    sl_decoder *d = confluent_dec(1, names, &t);
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(sl_format_avro_confluent.decode(d, "{\"a\":1}", 7, &v, &g_ar, &err), SL_DATA);
    cr_assert_str_eq(err.msg, "Unknown data format. Magic number does not match (expected 0x00, "
                              "found 0x7B).");
    sl_err_clear(&err);
    cr_assert_eq(sl_format_avro_confluent.decode(d, "\0\0", 2, &v, &g_ar, &err), SL_DATA);
    cr_assert(strstr(err.msg, "too short"), "%s", err.msg);
    cr_assert_eq(sl_format_avro_confluent.decode(d, NULL, 0, &v, &g_ar, &err), SL_DONE);
    sl_format_avro_confluent.decoder_free(d);
}

Test(avro, confluent_unreachable_registry_is_unavailable)
{
    static const char *const names[] = {"a"};
    sl_type t = S();
    sl_decoder *d = confluent_dec(1, names, &t);
    sl_value v;
    sl_err err = SL_ERR_INIT;
    int rc = confluent_decode_hex(d, 9, "00", &v, &err);
    cr_assert_eq(rc, SL_UNAVAILABLE, "rc %d: %s", rc, err.msg);
    cr_assert(strstr(err.msg, "Schema Registry at http://127.0.0.1:1 is unreachable"), "%s",
              err.msg);
    sl_format_avro_confluent.decoder_free(d);
}

Test(avro, confluent_registry_credentials_stay_out_of_messages)
{
    g_prefix = "avro-confluent.";
    opt("avro-confluent.url", "http://user:s3cret@127.0.0.1:1/");
    static const char *const names[] = {"a"};
    sl_type t = S();
    sl_decoder *d = confluent_dec(1, names, &t);
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(confluent_decode_hex(d, 9, "00", &v, &err), SL_UNAVAILABLE);
    cr_assert_null(strstr(err.msg, "s3cret"), "%s", err.msg);
    cr_assert(strstr(err.msg, "http://127.0.0.1:1"), "%s", err.msg);
    sl_format_avro_confluent.decoder_free(d);
}

/* Reader: the table below; writer: the schema text. */
static const char *const r_names[] = {"id", "name", "score", "tags"};

static sl_decoder *resolving_decoder(void)
{
    static sl_type t[4];
    t[0] = NN(T(SL_TYPE_BIGINT));
    t[1] = S();
    t[2] = T(SL_TYPE_DOUBLE);
    t[3] = ARR(S());
    return confluent_dec(4, r_names, t);
}

static void seed(sl_decoder *d, uint32_t id, const char *schema)
{
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(sl_avro_confluent_seed_schema(d, id, schema, &err), SL_OK, "%s", err.msg);
}

Test(avro, resolution_added_field_gets_its_default)
{
    sl_decoder *d = resolving_decoder();
    /* an older writer without score and tags, id written as int (promoted to long) */
    seed(d, 1,
         "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"com.acme\",\"fields\":["
         "{\"name\":\"id\",\"type\":\"int\"},{\"name\":\"name\",\"type\":\"string\"}]}");
    sl_value v[4];
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(confluent_decode_hex(d, 1, "54 06 61 6e 6e", v, &err), SL_OK, "%s", err.msg);
    cr_assert_eq(v[0].u.i, 42);
    cr_assert_eq(v[1].n, 3);
    cr_assert(sl_is_null(&v[2]) && sl_is_null(&v[3]));
    sl_format_avro_confluent.decoder_free(d);
}

Test(avro, resolution_removed_and_reordered_fields)
{
    sl_decoder *d = resolving_decoder();
    /* writer: tags, an extra record, score as float, a map, name, id; the extras are skipped */
    seed(d, 2,
         "{\"type\":\"record\",\"name\":\"W\",\"fields\":["
         "{\"name\":\"tags\",\"type\":{\"type\":\"array\",\"items\":\"string\"}},"
         "{\"name\":\"extra\",\"type\":{\"type\":\"record\",\"name\":\"X\",\"fields\":["
         "{\"name\":\"u\",\"type\":[\"null\",\"long\"]},{\"name\":\"f\",\"type\":{\"type\":"
         "\"fixed\",\"name\":\"F\",\"size\":2}}]}},"
         "{\"name\":\"score\",\"type\":\"float\"},"
         "{\"name\":\"m\",\"type\":{\"type\":\"map\",\"values\":\"double\"}},"
         "{\"name\":\"name\",\"type\":\"bytes\"},"
         "{\"name\":\"id\",\"type\":\"long\"}]}");
    sl_value v[4];
    sl_err err = SL_ERR_INIT;
    /* tags ["a"], extra {u: 1, f: 0xAB 0xCD}, score 1.5f, m {"k": 2.0}, name "zo", id 7 */
    cr_assert_eq(confluent_decode_hex(d, 2,
                                      "02 02 61 00 "
                                      "02 02 ab cd "
                                      "00 00 c0 3f "
                                      "02 02 6b 00 00 00 00 00 00 00 40 00 "
                                      "04 7a 6f "
                                      "0e",
                                      v, &err),
                 SL_OK, "%s", err.msg);
    cr_assert_eq(v[0].u.i, 7);
    cr_assert(v[1].tag == SL_V_STRING && v[1].n == 2 && memcmp(v[1].u.z, "zo", 2) == 0);
    cr_assert(v[2].tag == SL_V_DOUBLE && v[2].u.d == 1.5);
    cr_assert(v[3].tag == SL_V_ARRAY && v[3].n == 1);
    sl_format_avro_confluent.decoder_free(d);
}

Test(avro, resolution_promotions)
{
    static const char *const names[] = {"a", "b", "c", "d", "e"};
    sl_type t[] = {T(SL_TYPE_BIGINT), T(SL_TYPE_DOUBLE), T(SL_TYPE_FLOAT), T(SL_TYPE_VARBINARY),
                   S()};
    sl_decoder *d = confluent_dec(5, names, t);
    seed(d, 3,
         "{\"type\":\"record\",\"name\":\"P\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},"
         "{\"name\":\"b\",\"type\":\"long\"},{\"name\":\"c\",\"type\":\"long\"},"
         "{\"name\":\"d\",\"type\":\"string\"},{\"name\":\"e\",\"type\":\"bytes\"}]}");
    sl_value v[5];
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(confluent_decode_hex(d, 3, "03 80 01 06 02 78 02 79", v, &err), SL_OK, "%s",
                 err.msg);
    cr_assert_eq(v[0].u.i, -2);
    cr_assert_eq(v[1].u.d, 64.0);
    cr_assert_eq(v[2].u.d, 3.0);
    cr_assert(v[3].tag == SL_V_BYTES && v[3].n == 1 && v[3].u.z[0] == 'x');
    cr_assert(v[4].tag == SL_V_STRING && v[4].n == 1 && v[4].u.z[0] == 'y');
    sl_format_avro_confluent.decoder_free(d);
}

Test(avro, resolution_unions_enums_and_units)
{
    static const char *const names[] = {"n", "color", "ts"};
    sl_type t[] = {NN(T(SL_TYPE_INT)), S(), TS(SL_TYPE_TIMESTAMP, 3)};
    sl_decoder *d = confluent_dec(3, names, t);
    seed(d, 4,
         "{\"type\":\"record\",\"name\":\"U\",\"fields\":["
         "{\"name\":\"n\",\"type\":[\"null\",\"int\"]},"
         "{\"name\":\"color\",\"type\":{\"type\":\"enum\",\"name\":\"C\",\"symbols\":"
         "[\"RED\",\"GREEN\"]}},"
         "{\"name\":\"ts\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-micros\""
         "}}]}");
    sl_value v[3];
    sl_err err = SL_ERR_INIT;
    /* n = 5 (branch 1), GREEN, 1577836800001999 us -> cut to .001 */
    cr_assert_eq(confluent_decode_hex(d, 4, "02 0a 02 9e 9f d2 9f 98 c2 cd 05", v, &err), SL_OK,
                 "%s", err.msg);
    cr_assert_eq(v[0].u.i, 5);
    cr_assert(v[1].n == 5 && memcmp(v[1].u.z, "GREEN", 5) == 0);
    cr_assert_eq(v[2].u.i, 1577836800);
    cr_assert_eq(v[2].n, 1000000);
    /* the null branch cannot go into an INT NOT NULL column: a bad record, not a bad schema */
    cr_assert_eq(confluent_decode_hex(d, 4, "00 00 02", v, &err), SL_DATA);
    cr_assert(strstr(err.msg, "schema id 4"), "%s", err.msg);
    cr_assert(strstr(err.msg, "null cannot be read as INT NOT NULL"), "%s", err.msg);
    cr_assert(strstr(err.msg, "field 'n'"), "%s", err.msg);
    sl_format_avro_confluent.decoder_free(d);
}

Test(avro, resolution_failures_name_the_id)
{
    sl_decoder *d = resolving_decoder();
    sl_err err = SL_ERR_INIT;
    /* id is NOT NULL without a default in the reader, and absent from the writer */
    cr_assert_eq(sl_avro_confluent_seed_schema(
                     d, 5, "{\"type\":\"record\",\"name\":\"Q\",\"fields\":[]}", &err),
                 SL_DATA);
    sl_value v[4];
    sl_err_clear(&err);
    cr_assert_eq(confluent_decode_hex(d, 5, "", v, &err), SL_DATA);
    cr_assert_str_eq(err.msg, "The writer schema of id 5 cannot be resolved against the table "
                              "schema: field 'id' is missing from the writer schema and has no "
                              "default.");
    /* an incompatible type */
    sl_err_clear(&err);
    cr_assert_eq(sl_avro_confluent_seed_schema(
                     d, 6,
                     "{\"type\":\"record\",\"name\":\"Q\",\"fields\":[{\"name\":\"id\",\"type\":"
                     "\"string\"}]}",
                     &err),
                 SL_DATA);
    cr_assert(strstr(err.msg, "the writer's string cannot be read as BIGINT NOT NULL (field "
                              "'id')"),
              "%s", err.msg);
    sl_err_clear(&err);
    cr_assert_eq(sl_avro_confluent_seed_schema(d, 7, "{\"type\": \"nope\"}", &err), SL_DATA);
    cr_assert(strstr(err.msg, "The writer schema of id 7 cannot be parsed"), "%s", err.msg);
    sl_format_avro_confluent.decoder_free(d);
}

Test(avro, explicit_schema_defaults_and_aliases)
{
    g_prefix = "avro-confluent.";
    opt("avro-confluent.url", "http://127.0.0.1:1");
    opt("avro-confluent.schema",
        "{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"x\",\"fields\":["
        "{\"name\":\"id\",\"type\":\"long\",\"aliases\":[\"ident\"]},"
        "{\"name\":\"n\",\"type\":\"int\",\"default\":7},"
        "{\"name\":\"s\",\"type\":[\"string\",\"null\"],\"default\":\"dflt\"},"
        "{\"name\":\"c\",\"type\":{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"B\"],"
        "\"default\":\"A\"},\"default\":\"B\"}]}");
    static const char *const names[] = {"id", "n", "s", "c"};
    sl_type t[] = {NN(T(SL_TYPE_BIGINT)), NN(T(SL_TYPE_INT)), S(), NN(S())};
    sl_decoder *d = dec_new(&sl_format_avro_confluent, 4, names, t);
    seed(d, 8,
         "{\"type\":\"record\",\"name\":\"Old\",\"fields\":[{\"name\":\"ident\",\"type\":"
         "\"long\"}]}");
    sl_value v[4];
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(confluent_decode_hex(d, 8, "06", v, &err), SL_OK, "%s", err.msg);
    cr_assert_eq(v[0].u.i, 3);
    cr_assert_eq(v[1].u.i, 7);
    cr_assert(v[2].n == 4 && memcmp(v[2].u.z, "dflt", 4) == 0);
    cr_assert(v[3].n == 1 && v[3].u.z[0] == 'B');
    /* the encoder writes with the explicit schema: [T, "null"] puts null at index 1 */
    sl_encoder *e = enc_new(&sl_format_avro_confluent, 4, names, t);
    sl_avro_confluent_seed_id(e, 1);
    sl_value in[] = {sl_int(1), sl_int(2), sl_null(), STR("B")};
    sl_buf_reset(&g_out);
    cr_assert_eq(sl_format_avro_confluent.encode(e, in, &g_out, &err), SL_OK, "%s", err.msg);
    cr_assert_str_eq(hex(g_out.p, g_out.n), "00 00 00 00 01 02 04 02 02");
    in[3] = STR("Z");
    cr_assert_eq(sl_format_avro_confluent.encode(e, in, &g_out, &err), SL_DATA);
    cr_assert(strstr(err.msg, "'Z' is not a symbol"), "%s", err.msg);
    sl_format_avro_confluent.encoder_free(e);
    sl_format_avro_confluent.decoder_free(d);
}

Test(avro, recursive_writer_schemas_are_skipped_with_a_depth_bound)
{
    static const char *const names[] = {"id"};
    sl_type t = NN(T(SL_TYPE_INT));
    sl_decoder *d = confluent_dec(1, names, &t);
    seed(d, 9,
         "{\"type\":\"record\",\"name\":\"Node\",\"fields\":[{\"name\":\"id\",\"type\":"
         "\"int\"},{\"name\":\"next\",\"type\":[\"null\",\"Node\"]}]}");
    sl_value v;
    sl_err err = SL_ERR_INIT;
    /* id 1, next {id 2, next null} */
    cr_assert_eq(confluent_decode_hex(d, 9, "02 02 04 00", &v, &err), SL_OK, "%s", err.msg);
    cr_assert_eq(v.u.i, 1);
    /* a chain 100 deep */
    sl_buf h = SL_BUF_INIT;
    sl_buf_puts(&h, "02");
    for (int i = 0; i < 100; i++) sl_buf_puts(&h, " 02 02");
    sl_buf_puts(&h, " 00");
    cr_assert_eq(confluent_decode_hex(d, 9, h.p, &v, &err), SL_DATA);
    cr_assert(strstr(err.msg, "nest deeper than 64"), "%s", err.msg);
    sl_buf_free(&h);
    sl_format_avro_confluent.decoder_free(d);
}

/* ---- schema parsing ------------------------------------------------------------------- */

static void expect_parse_error(const char *text, const char *needle)
{
    sl_avro_schema *s;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(sl_avro_schema_parse(&g_ar, text, strlen(text), &s, &err), SL_CONFIG, "%s", text);
    cr_assert(strstr(err.msg, needle), "message '%s' lacks '%s'", err.msg, needle);
}

Test(avro, schema_parse_errors)
{
    expect_parse_error("{\"type\":\"record\",\"name\":\"a\"}", "Record has no fields");
    expect_parse_error("\"Missing\"", "\"Missing\" is not a defined name");
    expect_parse_error("[\"int\",\"int\"]", "Duplicate in union");
    expect_parse_error("[\"int\",[\"null\"]]", "Nested union");
    expect_parse_error("{\"type\":\"fixed\",\"name\":\"f\"}", "Invalid or no size");
    expect_parse_error("{\"type\":\"enum\",\"name\":\"e\",\"symbols\":[\"A\",\"A\"]}",
                       "Duplicate enum symbol");
    expect_parse_error("{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":"
                       "\"int\"},{\"name\":\"a\",\"type\":\"int\"}]}",
                       "Duplicate field a");
    expect_parse_error("{", "Could not parse Avro schema string");
}

Test(avro, invalid_logical_types_are_ignored)
{
    sl_avro_schema *s;
    sl_err err = SL_ERR_INIT;
    const char *txt =
        "{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":2,\"scale\":3}";
    cr_assert_eq(sl_avro_schema_parse(&g_ar, txt, strlen(txt), &s, &err), SL_OK);
    cr_assert_eq(s->logical, SL_AVRO_LT_NONE);
    txt = "{\"type\":\"string\",\"logicalType\":\"date\"}";
    cr_assert_eq(sl_avro_schema_parse(&g_ar, txt, strlen(txt), &s, &err), SL_OK);
    cr_assert_eq(s->logical, SL_AVRO_LT_NONE);
}

Test(avro, explicit_schema_must_be_a_record)
{
    g_prefix = "avro-confluent.";
    opt("avro-confluent.url", "http://127.0.0.1:1");
    opt("avro-confluent.schema", "[\"null\",{\"type\":\"record\",\"name\":\"r\",\"fields\":[{"
                                 "\"name\":\"a\",\"type\":[\"null\",\"string\"]}]}]");
    expect_confluent_invalid("The 'avro-confluent.schema' option must be an Avro record schema, "
                             "not a union.");
}

Test(avro, truststore_must_be_pem)
{
    g_prefix = "avro-confluent.";
    char path[] = "/tmp/sluice-avro-test-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, "\xfe\xed\xfe\xed\x00\x00\x00\x02", 8), 8);
    close(fd);
    opt("avro-confluent.url", "https://127.0.0.1:1");
    opt("avro-confluent.ssl.truststore.location", path);
    static const char *const names[] = {"a"};
    sl_type t = S();
    sl_format_ctx c = ctx_of(1, names, &t);
    sl_decoder *d = NULL;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(sl_format_avro_confluent.decoder_new(&c, &d, &err), SL_CONFIG);
    cr_assert(strstr(err.msg, "is a Java KeyStore or PKCS#12 file"), "%s", err.msg);
    unlink(path);
    sl_err_clear(&err);
    cr_assert_eq(sl_format_avro_confluent.decoder_new(&c, &d, &err), SL_CONFIG);
    cr_assert(strstr(err.msg, "Cannot read 'avro-confluent.ssl.truststore.location'"), "%s",
              err.msg);
}
