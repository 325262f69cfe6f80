/*
** formats/csv.c — the 'csv' format: one Flink CSV record per message.
**
** Decoding splits the first record of the message into fields (zero-copy slices unless a
** doubled quote or an escape has to be undone, then a copy in the batch arena) and converts
** them positionally with the Java parsers Flink uses (formats/fmtutil.h). The reader follows
** Jackson's CsvParser as Flink configures it: a quote starts a quoted value only as the first
** character of a field; inside quotes a doubled quote is a quote and line breaks are data; the
** escape character, when set, makes the next character literal inside and outside quotes;
** blanks may follow a closing quote; a record ends at an unquoted line break and anything after
** it is ignored, as ObjectReader.readValue ignores it. With allow-comments, leading lines that
** start with '#' are skipped.
**
** Rows whose field count is wrong are errors ("Row length mismatch. 3 fields expected but was
** 1."); with ignore-parse-errors a short row is padded with NULL and a long row is skipped,
** as in Flink. ARRAY and ROW columns hold their elements in one field, separated by the
** array-element-delimiter; nested elements must be simple types.
**
** Encoding follows Jackson's CsvEncoder: no line separator, a value is quoted when it is longer
** than 24 characters or holds a character whose code is at most max(field delimiter, quote
** character), inside quotes the quote character (and the escape character) is doubled. Numbers
** and booleans are written bare; DECIMAL goes through Jackson's normalising node factory
** (trailing zeros stripped) and the quoting check, as CsvGenerator writes BigDecimal as text.
** One deliberate difference: a value holding the escape character is quoted, so that it reads
** back as written (Jackson writes it bare and its own reader then drops the escape).
**
** SPDX-License-Identifier: MIT
*/
#include "formats/csv.h"

#include <stdio.h>

#include "base/datetime.h"
#include "base/numfmt.h"
#include "formats/fmtutil.h"

#define SNIPPET_MSG     200
#define SNIPPET_VAL     64
#define MAX_QUOTE_CHECK 24 /* Jackson quotes longer values without looking at them */

/* ---- options -------------------------------------------------------------------------- */

static const sl_opt_def csv_opts[] = {
    {"field-delimiter", SL_OPT_CHAR, 0, ",", NULL, 0, -1,
     "Field delimiter character; Java escapes such as '\\t' are understood."},
    {"disable-quote-character", SL_OPT_BOOL, 0, "false", NULL, 0, -1,
     "Disable quoting of values; quote-character must not be set then."},
    {"quote-character", SL_OPT_STRING, 0, "\"", NULL, 0, -1,
     "Quote character enclosing values that need it."},
    {"allow-comments", SL_OPT_BOOL, 0, "false", NULL, 0, -1,
     "Skip lines that start with '#' (combine with ignore-parse-errors)."},
    {"ignore-parse-errors", SL_OPT_BOOL, 0, "false", NULL, 0, -1,
     "Read fields that cannot be converted as NULL and skip rows that cannot be parsed."},
    {"array-element-delimiter", SL_OPT_STRING, 0, ";", NULL, 0, -1,
     "Separator of ARRAY elements and nested ROW fields."},
    {"escape-character", SL_OPT_STRING, 0, NULL, NULL, 0, -1,
     "Escape character (none by default)."},
    {"null-literal", SL_OPT_STRING, 0, NULL, NULL, 0, -1,
     "Text read and written as NULL (none by default; NULL is then written as an empty field)."},
    {"write-bigdecimal-in-scientific-notation", SL_OPT_BOOL, 0, "true", NULL, 0, -1,
     "Write DECIMAL values in scientific notation when Java's BigDecimal.toString does."},
};

/* A one-character option, or dflt when absent; -2 when the value is not one ASCII character. */
static int opt_char(const sl_format_ctx *ctx, const char *name, int unescape, int dflt)
{
    const char *v = sl_fmt_opt_get(ctx, name);
    if (!v) return dflt;
    int c = unescape ? sl_opt_unescape_char(v) : (v[0] && !v[1] ? (unsigned char)v[0] : -1);
    return c < 0 || c >= 0x80 ? -2 : c;
}

static int is_simple(const sl_type *t)
{
    switch (t->id) {
    case SL_TYPE_ARRAY:
    case SL_TYPE_MAP:
    case SL_TYPE_ROW:
    case SL_TYPE_NULL: return 0;
    default: return 1;
    }
}

static int check_time(const sl_type *t, sl_err *err)
{
    if (t->id == SL_TYPE_TIME && t->precision > 3)
        return sl_err_set(err, SL_CONFIG,
                          "Csv does not support TIME type with precision: %d, it only supports "
                          "precision 0 ~ 3.",
                          t->precision);
    return SL_OK;
}

static int check_type(const char *name, const sl_type *t, sl_err *err)
{
    char tname[256];
    if (t->id == SL_TYPE_MAP || t->id == SL_TYPE_NULL) {
        sl_fmt_type_name(tname, sizeof tname, t);
        return sl_err_set(err, SL_CONFIG, "Unsupported type '%s' for field '%s'.", tname, name);
    }
    if (t->id == SL_TYPE_ARRAY || t->id == SL_TYPE_ROW) {
        int n = t->id == SL_TYPE_ARRAY ? 1 : t->nfields;
        for (int i = 0; i < n; i++) {
            const sl_type *c = t->id == SL_TYPE_ARRAY ? t->elem : &t->fields[i].type;
            if (!is_simple(c)) {
                sl_fmt_type_name(tname, sizeof tname, c);
                return sl_err_set(err, SL_CONFIG,
                                  "Only simple types are supported in the second level nesting "
                                  "of fields '%s' but was: %s",
                                  name, tname);
            }
            if (check_time(c, err)) return err->code;
        }
        return SL_OK;
    }
    return check_time(t, err);
}

static int csv_validate(const sl_format_ctx *ctx, sl_err *err)
{
    char key[256];
    const char *pre = ctx->prefix ? ctx->prefix : "";
    for (size_t i = 0; i < SL_ARRAY_LEN(csv_opts); i++) {
        const char *v = sl_fmt_opt_get(ctx, csv_opts[i].name);
        snprintf(key, sizeof key, "%s%s", pre, csv_opts[i].name);
        if (v && sl_opt_check_value(&csv_opts[i], key, v, err)) return err->code;
    }
    if (sl_fmt_opt_flag(ctx, "disable-quote-character", 0) && sl_fmt_opt_get(ctx, "quote-character"))
        return sl_err_set(err, SL_CONFIG,
                          "Format cannot define a quote character and disabled quote character "
                          "at the same time.");
    static const struct {
        const char *name;
        int unescape;
    } chars[] = {{"field-delimiter", 1},
                 {"array-element-delimiter", 0},
                 {"quote-character", 0},
                 {"escape-character", 0}};
    for (size_t i = 0; i < SL_ARRAY_LEN(chars); i++) {
        if (opt_char(ctx, chars[i].name, chars[i].unescape, 0) == -2)
            return sl_err_set(err, SL_CONFIG,
                              "Option '%s%s' must be a string with single character, but was: %s",
                              pre, chars[i].name, sl_fmt_opt_get(ctx, chars[i].name));
    }
    for (int i = 0; i < ctx->nfields; i++)
        if (check_type(ctx->names[i], &ctx->types[i], err)) return err->code;
    return SL_OK;
}

/* ---- shared configuration ------------------------------------------------------------- */

typedef struct csvconf {
    int delim, quote, esc, adelim; /* quote and esc are -1 when unset */
    unsigned allow_comments : 1, ignore_errors : 1, has_null : 1, sci : 1;
    const char *null_lit;
    size_t null_len;
} csvconf;

static void read_conf(const sl_format_ctx *ctx, csvconf *cf)
{
    cf->delim = opt_char(ctx, "field-delimiter", 1, ',');
    cf->quote =
        sl_fmt_opt_flag(ctx, "disable-quote-character", 0) ? -1 : opt_char(ctx, "quote-character", 0, '"');
    cf->esc = opt_char(ctx, "escape-character", 0, -1);
    cf->adelim = opt_char(ctx, "array-element-delimiter", 0, ';');
    cf->allow_comments = sl_fmt_opt_flag(ctx, "allow-comments", 0) != 0;
    cf->ignore_errors = sl_fmt_opt_flag(ctx, "ignore-parse-errors", 0) != 0;
    cf->sci = sl_fmt_opt_flag(ctx, "write-bigdecimal-in-scientific-notation", 1) != 0;
    const char *nl = sl_fmt_opt_get(ctx, "null-literal");
    cf->has_null = nl != NULL;
    cf->null_lit = nl ? nl : "";
    cf->null_len = nl ? strlen(nl) : 0;
}

/* ---- decoder -------------------------------------------------------------------------- */

typedef struct slice {
    const char *s;
    size_t n;
} slice;

enum { EK_NONE, EK_SYNTAX, EK_FIELD };

struct sl_decoder {
    csvconf cf;
    int nfields;
    const char **names;
    sl_type *types;
    sl_arena own;
    /* per message */
    const char *base, *end;
    sl_arena *ar;
    slice *fv;
    size_t fcap;
    int ekind;
    sl_buf where; /* the field the error is about: "f1", "f1[2]" */
    sl_buf cause;
};

static int syntax(sl_decoder *dec, const char *fmt, ...) SL_PRINTF(2, 3);

static int syntax(sl_decoder *dec, const char *fmt, ...)
{
    va_list ap;
    dec->ekind = EK_SYNTAX;
    sl_buf_reset(&dec->cause);
    va_start(ap, fmt);
    sl_buf_vprintf(&dec->cause, fmt, ap);
    va_end(ap);
    return 1;
}

static void push_field(sl_decoder *dec, size_t i, const char *s, size_t n)
{
    if (i == dec->fcap) {
        dec->fcap = dec->fcap ? dec->fcap * 2 : 16;
        dec->fv = sl_realloc(dec->fv, dec->fcap * sizeof(slice));
    }
    dec->fv[i].s = s;
    dec->fv[i].n = n;
}

static int is_eol(int c)
{
    return c == '\n' || c == '\r';
}

/*
** Split the first record of the message into dec->fv; *nf receives the field count. Values
** that need no unescaping are slices of the message.
*/
static int split_record(sl_decoder *dec, const char *p, size_t *nf)
{
    const char *end = dec->end;
    const int delim = dec->cf.delim, quote = dec->cf.quote, esc = dec->cf.esc;
    size_t count = 0;
    for (;;) {
        if (quote >= 0 && p < end && (unsigned char)*p == quote) {
            const char *s = ++p;
            char *copy = NULL;
            size_t k = 0;
            for (;;) {
                if (p >= end) return syntax(dec, "Missing closing quote for value.");
                int c = (unsigned char)*p;
                if (c == quote) {
                    if (p + 1 < end && (unsigned char)p[1] == quote) {
                        if (!copy) {
                            copy = sl_arena_alloc(dec->ar, (size_t)(end - s));
                            k = (size_t)(p - s);
                            memcpy(copy, s, k);
                        }
                        copy[k++] = (char)quote;
                        p += 2;
                        continue;
                    }
                    break;
                }
                if (c == esc) {
                    if (p + 1 >= end) return syntax(dec, "Missing closing quote for value.");
                    if (!copy) {
                        copy = sl_arena_alloc(dec->ar, (size_t)(end - s));
                        k = (size_t)(p - s);
                        memcpy(copy, s, k);
                    }
                    copy[k++] = p[1];
                    p += 2;
                    continue;
                }
                if (copy) copy[k++] = (char)c;
                p++;
            }
            push_field(dec, count++, copy ? copy : s, copy ? k : (size_t)(p - s));
            p++; /* the closing quote */
            while (p < end && (*p == ' ' || *p == '\t') && *p != delim) p++;
            if (p < end && (unsigned char)*p != delim && !is_eol(*p)) {
                char c[8];
                if (*p >= 0x20 && *p < 0x7F)
                    snprintf(c, sizeof c, "'%c'", *p);
                else
                    snprintf(c, sizeof c, "0x%02X", (unsigned char)*p);
                return syntax(dec,
                              "Unexpected character %s after a quoted value; expected the field "
                              "delimiter or end-of-line.",
                              c);
            }
        } else {
            const char *s = p;
            char *copy = NULL;
            size_t k = 0;
            while (p < end) {
                int c = (unsigned char)*p;
                if (c == delim || is_eol(c)) break;
                if (c == esc && p + 1 < end) {
                    if (!copy) {
                        copy = sl_arena_alloc(dec->ar, (size_t)(end - s));
                        k = (size_t)(p - s);
                        memcpy(copy, s, k);
                    }
                    copy[k++] = p[1];
                    p += 2;
                    continue;
                }
                if (copy) copy[k++] = (char)c;
                p++;
            }
            push_field(dec, count++, copy ? copy : s, copy ? k : (size_t)(p - s));
        }
        if (p < end && (unsigned char)*p == delim) {
            p++;
            continue;
        }
        break; /* end of input or of the record */
    }
    *nf = count;
    return 0;
}

static int conv_fail(sl_decoder *dec, const sl_type *t, const char *s, size_t n, const char *why,
                     sl_value *out)
{
    *out = sl_null();
    if (dec->cf.ignore_errors) return 0;
    char tname[256];
    sl_fmt_type_name(tname, sizeof tname, t);
    dec->ekind = EK_FIELD;
    sl_buf_reset(&dec->cause);
    sl_buf_puts(&dec->cause, "cannot convert '");
    sl_fmt_snippet(&dec->cause, s, n, SNIPPET_VAL);
    sl_buf_printf(&dec->cause, "' to %s%s.", tname, why ? why : "");
    return 1;
}

static int is_null_text(const sl_decoder *dec, const char *s, size_t n)
{
    return dec->cf.has_null && n == dec->cf.null_len && memcmp(s, dec->cf.null_lit, n) == 0;
}

/* One simple value (not NULL text) of type t. */
static int convert_scalar(sl_decoder *dec, const sl_type *t, const char *s, size_t n, sl_value *out)
{
    static const sl_fmt_text_style style = {1, 0, 1, ' '};
    const char *why;
    if (sl_fmt_text_value(t, s, n, &style, dec->ar, out, &why))
        return conv_fail(dec, t, s, n, why, out);
    return 0;
}

/* Split s[0..n) at the array element delimiter into the arena; returns the count. */
static size_t split_elems(sl_decoder *dec, const char *s, size_t n, slice **out)
{
    size_t cnt = 1;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] == dec->cf.adelim) cnt++;
    slice *v = sl_arena_alloc(dec->ar, cnt * sizeof(slice));
    size_t k = 0, start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || (unsigned char)s[i] == dec->cf.adelim) {
            v[k].s = s + start;
            v[k].n = i - start;
            k++;
            start = i + 1;
        }
    }
    *out = v;
    return cnt;
}

static int convert_field(sl_decoder *dec, const sl_type *t, const char *s, size_t n, sl_value *out)
{
    if (is_null_text(dec, s, n)) {
        *out = sl_null();
        return 0;
    }
    if (t->id == SL_TYPE_ARRAY) {
        slice *el = NULL;
        size_t cnt = n ? split_elems(dec, s, n, &el) : 0;
        sl_value *list = sl_arena_alloc(dec->ar, sizeof(sl_value) * (cnt ? cnt : 1));
        for (size_t i = 0; i < cnt; i++) {
            if (is_null_text(dec, el[i].s, el[i].n))
                list[i] = sl_null();
            else if (convert_scalar(dec, t->elem, el[i].s, el[i].n, &list[i])) {
                sl_buf_printf(&dec->where, "[%zu]", i);
                return 1;
            }
        }
        sl_value v = {0};
        v.tag = SL_V_ARRAY;
        v.n = (uint32_t)cnt;
        v.u.list = list;
        *out = v;
        return 0;
    }
    if (t->id == SL_TYPE_ROW) {
        if (n == 0) {
            *out = sl_null();
            return 0;
        }
        slice *el = NULL;
        size_t cnt = split_elems(dec, s, n, &el);
        if (cnt != (size_t)t->nfields && !dec->cf.ignore_errors) {
            dec->ekind = EK_FIELD;
            sl_buf_reset(&dec->cause);
            sl_buf_printf(&dec->cause, "Row length mismatch. %d fields expected but was %zu.",
                          t->nfields, cnt);
            return 1;
        }
        sl_value *list =
            sl_arena_alloc(dec->ar, sizeof(sl_value) * (size_t)(t->nfields ? t->nfields : 1));
        for (int i = 0; i < t->nfields; i++) {
            if ((size_t)i >= cnt || is_null_text(dec, el[i].s, el[i].n))
                list[i] = sl_null();
            else if (convert_scalar(dec, &t->fields[i].type, el[i].s, el[i].n, &list[i])) {
                sl_buf_printf(&dec->where, ".%s", t->fields[i].name);
                return 1;
            }
        }
        sl_value v = {0};
        v.tag = SL_V_ROW;
        v.n = (uint32_t)t->nfields;
        v.u.list = list;
        *out = v;
        return 0;
    }
    return convert_scalar(dec, t, s, n, out);
}

static int csv_decoder_new(const sl_format_ctx *ctx, sl_decoder **out, sl_err *err)
{
    int rc = csv_validate(ctx, err);
    if (rc) return rc;
    sl_decoder *dec = sl_calloc(1, sizeof *dec);
    read_conf(ctx, &dec->cf);
    sl_arena_init(&dec->own, 1024);
    dec->nfields = ctx->nfields;
    dec->names =
        sl_arena_alloc(&dec->own, sizeof(char *) * (size_t)(ctx->nfields ? ctx->nfields : 1));
    dec->types =
        sl_arena_alloc(&dec->own, sizeof(sl_type) * (size_t)(ctx->nfields ? ctx->nfields : 1));
    for (int i = 0; i < ctx->nfields; i++) {
        dec->names[i] = sl_arena_strdup(&dec->own, ctx->names[i]);
        dec->types[i] = sl_type_copy(&dec->own, &ctx->types[i]);
    }
    *out = dec;
    return SL_OK;
}

static void csv_decoder_free(sl_decoder *dec)
{
    if (!dec) return;
    sl_arena_free(&dec->own);
    sl_free(dec->fv);
    sl_buf_free(&dec->where);
    sl_buf_free(&dec->cause);
    sl_free(dec);
}

static int csv_decode(sl_decoder *dec, const char *data, size_t n, sl_value *out, sl_arena *ar,
                      sl_err *err)
{
    if (!data || n == 0) return SL_DONE;
    dec->base = data;
    dec->end = data + n;
    dec->ar = ar;
    dec->ekind = EK_NONE;
    sl_buf_reset(&dec->where);
    const char *p = data;
    int rc = 1;
    if (dec->cf.allow_comments) {
        while (p < dec->end && *p == '#') {
            while (p < dec->end && !is_eol(*p)) p++;
            if (p < dec->end && *p == '\r') p++;
            if (p < dec->end && *p == '\n') p++;
        }
    }
    size_t nf = 0, bad = sl_fmt_utf8_check(data, n);
    if (bad < n) {
        syntax(dec, "Invalid UTF-8 byte 0x%02X at offset %zu.", (unsigned char)data[bad], bad);
    } else if (p == dec->end) {
        syntax(dec, "No content to map due to end-of-input.");
    } else if (split_record(dec, p, &nf) == 0) {
        if (nf != (size_t)dec->nfields && (!dec->cf.ignore_errors || nf > (size_t)dec->nfields)) {
            syntax(dec, "Row length mismatch. %d fields expected but was %zu.", dec->nfields, nf);
        } else {
            rc = 0;
            for (int i = 0; i < dec->nfields && !rc; i++) {
                if ((size_t)i >= nf) {
                    out[i] = sl_null();
                    continue;
                }
                sl_buf_reset(&dec->where);
                sl_buf_puts(&dec->where, dec->names[i]);
                rc = convert_field(dec, &dec->types[i], dec->fv[i].s, dec->fv[i].n, &out[i]);
            }
        }
    }
    if (!rc) return SL_OK;
    for (int i = 0; i < dec->nfields; i++) out[i] = sl_null();
    if (dec->cf.ignore_errors) return SL_DONE;
    sl_buf m = SL_BUF_INIT;
    sl_buf_puts(&m, "Failed to deserialize CSV row '");
    sl_fmt_snippet(&m, data, n, SNIPPET_MSG);
    sl_buf_puts(&m, "'. ");
    if (dec->ekind == EK_FIELD) {
        sl_buf_puts(&m, "Field '");
        sl_fmt_snippet(&m, dec->where.p, dec->where.n, SNIPPET_VAL);
        sl_buf_puts(&m, "': ");
    }
    sl_buf_append(&m, dec->cause.p ? dec->cause.p : "", dec->cause.n);
    sl_err_set(err, SL_DATA, "%s", m.p);
    sl_buf_free(&m);
    return SL_DATA;
}

/* ---- encoder -------------------------------------------------------------------------- */

struct sl_encoder {
    csvconf cf;
    int minsafe; /* characters below this code force quoting */
    int nfields;
    const char **names;
    sl_type *types;
    sl_arena own;
    sl_buf val; /* the text of one value before quoting */
};

static int mismatch(const sl_type *t, const sl_value *v, sl_err *err)
{
    char tname[256];
    sl_fmt_type_name(tname, sizeof tname, t);
    return sl_err_set(err, SL_DATA, "Could not serialize a %s value as %s.", sl_fmt_vtag_name(v->tag),
                      tname);
}

/* Jackson's CsvEncoder._mayNeedQuotes (loose check), plus the escape character. */
static int needs_quotes(const sl_encoder *enc, const char *s, size_t n)
{
    if (enc->cf.quote < 0 || n == 0) return 0;
    size_t units = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned c = (unsigned char)s[i];
        if ((int)c < enc->minsafe || (int)c == enc->cf.quote || (int)c == enc->cf.esc) return 1;
        /* Java counts UTF-16 units: one per character, two for a 4-byte sequence. */
        if ((c & 0xC0) != 0x80) units += c >= 0xF0 ? 2 : 1;
    }
    return units > MAX_QUOTE_CHECK;
}

static void put_value(const sl_encoder *enc, sl_buf *b, const char *s, size_t n)
{
    if (!needs_quotes(enc, s, n)) {
        sl_buf_append(b, s, n);
        return;
    }
    char q = (char)enc->cf.quote;
    sl_buf_putc(b, q);
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)s[i];
        if (c == enc->cf.quote || c == enc->cf.esc) {
            sl_buf_append(b, s + run, i + 1 - run);
            sl_buf_putc(b, (char)c);
            run = i + 1;
        }
    }
    sl_buf_append(b, s + run, n - run);
    sl_buf_putc(b, q);
}

static void put_i64(sl_buf *b, int64_t v)
{
    char tmp[24];
    int k = snprintf(tmp, sizeof tmp, "%lld", (long long)v);
    sl_buf_append(b, tmp, (size_t)k);
}

/* The text of a simple value; *bare tells that Jackson writes it without the quoting check. */
static int scalar_text(const sl_encoder *enc, const sl_type *t, const sl_value *v, sl_buf *b,
                       int *bare, sl_err *err)
{
    *bare = 0;
    switch (t->id) {
    case SL_TYPE_BOOLEAN:
        if (v->tag != SL_V_BOOL) return mismatch(t, v, err);
        sl_buf_puts(b, v->u.i ? "true" : "false");
        *bare = 1;
        return SL_OK;
    case SL_TYPE_TINYINT:
    case SL_TYPE_SMALLINT:
    case SL_TYPE_INT:
    case SL_TYPE_BIGINT:
        if (v->tag != SL_V_INT) return mismatch(t, v, err);
        put_i64(b, v->u.i);
        *bare = 1;
        return SL_OK;
    case SL_TYPE_FLOAT:
    case SL_TYPE_DOUBLE:
        if (v->tag != SL_V_DOUBLE) return mismatch(t, v, err);
        if (t->id == SL_TYPE_FLOAT)
            sl_format_float_java(b, (float)v->u.d);
        else
            sl_format_double_java(b, v->u.d);
        *bare = 1;
        return SL_OK;
    case SL_TYPE_DECIMAL:
        if (v->tag != SL_V_DECIMAL) return mismatch(t, v, err);
        sl_fmt_format_decimal_jackson(b, sl_decimal_unscaled(v), v->scale, !enc->cf.sci);
        return SL_OK;
    case SL_TYPE_CHAR:
    case SL_TYPE_VARCHAR:
        if (v->tag != SL_V_STRING) return mismatch(t, v, err);
        sl_buf_append(b, v->u.z, v->n);
        return SL_OK;
    case SL_TYPE_BINARY:
    case SL_TYPE_VARBINARY:
        if (v->tag != SL_V_BYTES) return mismatch(t, v, err);
        sl_fmt_base64_encode(b, v->u.z, v->n);
        return SL_OK;
    case SL_TYPE_DATE:
        if (v->tag != SL_V_DATE) return mismatch(t, v, err);
        sl_format_date(b, v->u.i);
        return SL_OK;
    case SL_TYPE_TIME:
        if (v->tag != SL_V_TIME) return mismatch(t, v, err);
        sl_format_time_sql(b, sl_floormod(v->u.i, SL_NANOS_PER_DAY) / 1000000 * 1000000, 1, 3);
        return SL_OK;
    case SL_TYPE_TIMESTAMP:
    case SL_TYPE_TIMESTAMP_LTZ:
        if (v->tag != SL_V_TIMESTAMP) return mismatch(t, v, err);
        sl_format_timestamp_sql(b, v->u.i, v->n, ' ', 1, 9);
        if (t->id == SL_TYPE_TIMESTAMP_LTZ) sl_buf_putc(b, 'Z');
        return SL_OK;
    default: return mismatch(t, v, err);
    }
}

static int encode_column(sl_encoder *enc, const sl_type *t, const sl_value *v, sl_buf *out,
                         sl_err *err)
{
    if (v->tag == SL_V_NULL) {
        sl_buf_append(out, enc->cf.null_lit, enc->cf.null_len);
        return SL_OK;
    }
    sl_buf_reset(&enc->val);
    int bare = 0;
    if (t->id == SL_TYPE_ARRAY || t->id == SL_TYPE_ROW) {
        int is_row = t->id == SL_TYPE_ROW;
        if (v->tag != (is_row ? SL_V_ROW : SL_V_ARRAY) || (is_row && (int)v->n != t->nfields))
            return mismatch(t, v, err);
        for (uint32_t i = 0; i < v->n; i++) {
            if (i) sl_buf_putc(&enc->val, (char)enc->cf.adelim);
            const sl_value *e = &v->u.list[i];
            const sl_type *et = is_row ? &t->fields[i].type : t->elem;
            int eb;
            if (e->tag == SL_V_NULL)
                sl_buf_append(&enc->val, enc->cf.null_lit, enc->cf.null_len);
            else if (scalar_text(enc, et, e, &enc->val, &eb, err))
                return err->code;
        }
    } else if (scalar_text(enc, t, v, &enc->val, &bare, err)) {
        return err->code;
    }
    if (bare)
        sl_buf_append(out, enc->val.p, enc->val.n);
    else
        put_value(enc, out, enc->val.p ? enc->val.p : "", enc->val.n);
    return SL_OK;
}

static int csv_encoder_new(const sl_format_ctx *ctx, sl_encoder **out, sl_err *err)
{
    int rc = csv_validate(ctx, err);
    if (rc) return rc;
    sl_encoder *enc = sl_calloc(1, sizeof *enc);
    read_conf(ctx, &enc->cf);
    enc->minsafe = SL_MAX(enc->cf.delim, enc->cf.quote) + 1;
    sl_arena_init(&enc->own, 1024);
    enc->nfields = ctx->nfields;
    enc->names =
        sl_arena_alloc(&enc->own, sizeof(char *) * (size_t)(ctx->nfields ? ctx->nfields : 1));
    enc->types =
        sl_arena_alloc(&enc->own, sizeof(sl_type) * (size_t)(ctx->nfields ? ctx->nfields : 1));
    for (int i = 0; i < ctx->nfields; i++) {
        enc->names[i] = sl_arena_strdup(&enc->own, ctx->names[i]);
        enc->types[i] = sl_type_copy(&enc->own, &ctx->types[i]);
    }
    *out = enc;
    return SL_OK;
}

static int csv_encode(sl_encoder *enc, const sl_value *in, sl_buf *out, sl_err *err)
{
    size_t mark = out->n;
    for (int i = 0; i < enc->nfields; i++) {
        if (i) sl_buf_putc(out, (char)enc->cf.delim);
        if (encode_column(enc, &enc->types[i], &in[i], out, err)) {
            sl_err_prefix(err, "Field '%s': ", enc->names[i]);
            out->n = mark;
            if (out->p) out->p[mark] = 0;
            return err->code;
        }
    }
    if (!out->p) sl_buf_reserve(out, 0);
    return SL_OK;
}

static void csv_encoder_free(sl_encoder *enc)
{
    if (!enc) return;
    sl_arena_free(&enc->own);
    sl_buf_free(&enc->val);
    sl_free(enc);
}

const sl_format_desc sl_format_csv = {
    .name = "csv",
    .opts = csv_opts,
    .nopts = (int)SL_ARRAY_LEN(csv_opts),
    .mode = SL_CL_INSERT_ONLY,
    .doc = "One CSV record per message, fields by position (Flink's 'csv' format).",
    .validate = csv_validate,
    .decoder_new = csv_decoder_new,
    .decode = csv_decode,
    .decoder_free = csv_decoder_free,
    .encoder_new = csv_encoder_new,
    .encode = csv_encode,
    .encoder_free = csv_encoder_free,
};
