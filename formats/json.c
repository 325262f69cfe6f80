/*
** formats/json.c — the 'json' format: Flink-compatible JSON rows, decoded without a DOM.
**
** Decoding is schema-directed and single-pass. decoder_new compiles the row type into a tree of
** nodes; each ROW node has a small open-addressing table from member name to field, and the
** decoder first tries the field after the one it matched last, so records whose members come in
** schema order never touch the table. Strings without escapes become zero-copy slices of the
** message; numbers are converted straight from their text (integers by hand, doubles through
** Clinger's fast path or strtod). Members the schema does not name are skipped by an iterative
** validating scanner, so malformed input is still rejected and deep nesting cannot overflow the
** C stack. Arrays and maps collect their elements on a value stack owned by the decoder and are
** copied into the batch arena once their length is known.
**
** Semantics are Flink's JsonParserRowDataDeserializationSchema (flink-semantics.md 8.1):
** members are matched by name, missing members are NULL (or an error with
** fail-on-missing-field), JSON null is NULL, numbers may be strings and strings may be numbers
** as Java's parsers allow, an object or array read into STRING yields its compact JSON text as
** Jackson's JsonNode.toString() prints it, a number read into STRING keeps its literal text.
** ignore-parse-errors turns a failed member conversion into NULL and a failed message into "no
** row". Where this decoder is stricter than Jackson's defaults it says so: trailing characters
** after the object, invalid UTF-8 and lone surrogates written raw are errors; duplicate members
** keep the last value.
**
** Encoding follows RowDataToJsonConverters with Jackson's default generator: compact output,
** schema order, Java toString numbers, NaN and Infinity as quoted strings (Jackson's
** QUOTE_NON_NUMERIC_NUMBERS default), DECIMAL through Jackson's normalising node factory
** (trailing zeros stripped: 60.00 -> 6E+1, or 60 with encode.decimal-as-plain-number).
**
** Memory: the node tree lives in an arena owned by the decoder/encoder; decoded values point
** into the message or into the caller's batch arena.
**
** SPDX-License-Identifier: MIT
*/
#include "formats/json.h"

#include <math.h>
#include <stdio.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "base/datetime.h"
#include "base/numfmt.h"
#include "formats/fmtutil.h"

#define TAG_MISSING   0xFF /* a ROW field no member has set yet */
#define PATH_MAX_SEGS 32
#define SNIPPET_MSG   200 /* bytes of the message quoted in errors */
#define SNIPPET_VAL   64  /* bytes of a value quoted in errors */

/* ---- the compiled schema -------------------------------------------------------------- */

typedef struct jnode jnode;

typedef struct jfield {
    const char *name;
    uint32_t len;
    const jnode *node;
    const char *qname; /* encoder: the member name as a JSON string followed by ':' */
    size_t qlen;
} jfield;

struct jnode {
    uint8_t id; /* sl_typeid */
    uint8_t precision, scale;
    const sl_type *type;
    const jnode *elem; /* ARRAY element, MAP value */
    int nfields;       /* ROW */
    jfield *fields;
    int32_t *slots; /* name table: field index or -1 */
    uint32_t mask;
};

static uint32_t name_hash(const char *s, size_t n)
{
    uint32_t h = (uint32_t)n * 0x9E3779B1u;
    if (n) {
        h ^= (uint32_t)(unsigned char)s[0] * 0x85EBCA77u;
        h ^= (uint32_t)(unsigned char)s[n - 1] * 0xC2B2AE3Du;
        h ^= (uint32_t)(unsigned char)s[n / 2] * 0x27D4EB2Fu;
    }
    return h ^ (h >> 15);
}

static const jnode *build_node(sl_arena *ar, const sl_type *t);

static void build_row(sl_arena *ar, jnode *nd, int n, const char *const *names,
                      const sl_type *const *types)
{
    nd->nfields = n;
    nd->fields = sl_arena_calloc(ar, sizeof(jfield) * (size_t)(n ? n : 1));
    uint32_t size = 4;
    while (size < (uint32_t)n * 2) size *= 2;
    nd->mask = size - 1;
    nd->slots = sl_arena_alloc(ar, sizeof(int32_t) * size);
    for (uint32_t i = 0; i < size; i++) nd->slots[i] = -1;
    for (int i = 0; i < n; i++) {
        jfield *f = &nd->fields[i];
        f->name = names[i];
        f->len = (uint32_t)strlen(names[i]);
        f->node = build_node(ar, types[i]);
        sl_buf q = SL_BUF_INIT;
        sl_fmt_json_quote(&q, f->name, f->len);
        sl_buf_putc(&q, ':');
        f->qname = sl_arena_memdup(ar, q.p, q.n);
        f->qlen = q.n;
        sl_buf_free(&q);
        /* A later field of the same name shadows an earlier one, as a Java HashMap would. */
        uint32_t h = name_hash(f->name, f->len) & nd->mask;
        for (;;) {
            int32_t j = nd->slots[h];
            if (j < 0) {
                nd->slots[h] = i;
                break;
            }
            if (nd->fields[j].len == f->len && memcmp(nd->fields[j].name, f->name, f->len) == 0) {
                nd->slots[h] = i;
                break;
            }
            h = (h + 1) & nd->mask;
        }
    }
}

static const jnode *build_node(sl_arena *ar, const sl_type *t)
{
    jnode *nd = sl_arena_calloc(ar, sizeof *nd);
    nd->id = t->id;
    nd->precision = t->precision;
    nd->scale = t->scale;
    nd->type = t;
    switch (t->id) {
    case SL_TYPE_ARRAY: nd->elem = build_node(ar, t->elem); break;
    case SL_TYPE_MAP: nd->elem = build_node(ar, t->val); break;
    case SL_TYPE_ROW: {
        int n = t->nfields;
        const char **names = sl_arena_alloc(ar, sizeof(char *) * (size_t)(n ? n : 1));
        const sl_type **types = sl_arena_alloc(ar, sizeof(sl_type *) * (size_t)(n ? n : 1));
        for (int i = 0; i < n; i++) {
            names[i] = t->fields[i].name;
            types[i] = &t->fields[i].type;
        }
        build_row(ar, nd, n, names, types);
        break;
    }
    default: break;
    }
    return nd;
}

static int find_field(const jnode *nd, const char *s, size_t n)
{
    uint32_t h = name_hash(s, n) & nd->mask;
    for (;;) {
        int32_t j = nd->slots[h];
        if (j < 0) return -1;
        if (nd->fields[j].len == n && memcmp(nd->fields[j].name, s, n) == 0) return j;
        h = (h + 1) & nd->mask;
    }
}

static int type_has_decimal(const sl_type *t)
{
    if (t->id == SL_TYPE_DECIMAL) return 1;
    if (t->elem && type_has_decimal(t->elem)) return 1;
    if (t->val && type_has_decimal(t->val)) return 1;
    for (int i = 0; i < t->nfields; i++)
        if (type_has_decimal(&t->fields[i].type)) return 1;
    return 0;
}

/* ---- options -------------------------------------------------------------------------- */

static const sl_opt_def json_opts[] = {
    {"fail-on-missing-field", SL_OPT_BOOL, 0, "false", NULL, 0, -1,
     "Fail when a field of the schema is missing from a message, instead of reading NULL."},
    {"ignore-parse-errors", SL_OPT_BOOL, 0, "false", NULL, 0, -1,
     "Read a field that cannot be converted as NULL, and skip messages that are not JSON."},
    {"timestamp-format.standard", SL_OPT_STRING, 0, "SQL", NULL, 0, -1,
     "Text form of TIMESTAMP and TIMESTAMP_LTZ values: 'SQL' (2020-12-30 12:13:14.123) or "
     "'ISO-8601' (2020-12-30T12:13:14.123)."},
    {"map-null-key.mode", SL_OPT_ENUM, 0, "FAIL", "FAIL|DROP|LITERAL", 0, -1,
     "What to write for a NULL map key: FAIL, DROP the entry, or write the LITERAL."},
    {"map-null-key.literal", SL_OPT_STRING, 0, "null", NULL, 0, -1,
     "The key written for NULL map keys when map-null-key.mode is LITERAL."},
    {"encode.decimal-as-plain-number", SL_OPT_BOOL, 0, "false", NULL, 0, -1,
     "Write DECIMAL values without scientific notation (0.000000027, not 2.7E-8)."},
    {"encode.ignore-null-fields", SL_OPT_BOOL, 0, "false", NULL, 0, -1,
     "Leave NULL fields out of written objects."},
    {"decode.json-parser.enabled", SL_OPT_BOOL, 0, "true", NULL, 0, -1,
     "Flink's streaming parser (true) or its legacy tree parser (false); the legacy parser "
     "treats an empty message as an error instead of skipping it."},
};

enum { NULLKEY_FAIL, NULLKEY_DROP, NULLKEY_LITERAL };

static int check_map_keys(const sl_type *t, sl_err *err)
{
    if (t->id == SL_TYPE_MAP && !sl_type_is_string(t->elem)) {
        char name[256];
        sl_fmt_type_name(name, sizeof name, t);
        return sl_err_set(err, SL_CONFIG,
                          "JSON format doesn't support non-string as key type of map. The type "
                          "is: %s",
                          name);
    }
    if (t->elem && check_map_keys(t->elem, err)) return err->code;
    if (t->val && check_map_keys(t->val, err)) return err->code;
    for (int i = 0; i < t->nfields; i++)
        if (check_map_keys(&t->fields[i].type, err)) return err->code;
    return SL_OK;
}

static int json_validate(const sl_format_ctx *ctx, sl_err *err)
{
    char key[256];
    for (size_t i = 0; i < SL_ARRAY_LEN(json_opts); i++) {
        const char *v = sl_fmt_opt_get(ctx, json_opts[i].name);
        snprintf(key, sizeof key, "%s%s", ctx->prefix ? ctx->prefix : "", json_opts[i].name);
        if (v && sl_opt_check_value(&json_opts[i], key, v, err)) return err->code;
    }
    if (sl_fmt_opt_flag(ctx, "fail-on-missing-field", 0) && sl_fmt_opt_flag(ctx, "ignore-parse-errors", 0))
        return sl_err_set(err, SL_CONFIG,
                          "fail-on-missing-field and ignore-parse-errors shouldn't both be true.");
    const char *ts = sl_fmt_opt_get(ctx, "timestamp-format.standard");
    if (ts && strcmp(ts, "SQL") != 0 && strcmp(ts, "ISO-8601") != 0)
        return sl_err_set(err, SL_CONFIG,
                          "Unsupported value '%s' for timestamp-format.standard. Supported values "
                          "are [SQL, ISO-8601].",
                          ts);
    for (int i = 0; i < ctx->nfields; i++)
        if (check_map_keys(&ctx->types[i], err)) return err->code;
    return SL_OK;
}

static const jnode *build_root(sl_arena *ar, const sl_format_ctx *ctx)
{
    jnode *root = sl_arena_calloc(ar, sizeof *root);
    int n = ctx->nfields;
    const sl_type **types = sl_arena_alloc(ar, sizeof(sl_type *) * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) types[i] = &ctx->types[i];
    root->id = SL_TYPE_ROW;
    build_row(ar, root, n, ctx->names, types);
    return root;
}

/* ---- decoder state -------------------------------------------------------------------- */

enum { EK_NONE, EK_SYNTAX, EK_FIELD, EK_MISSING };
enum { SEG_FIELD, SEG_INDEX, SEG_KEY };

typedef struct pseg {
    uint8_t kind;
    uint32_t n;
    const char *s;
    size_t idx;
} pseg;

struct sl_decoder {
    sl_arena own; /* the node tree */
    const jnode *root;
    unsigned ignore_errors : 1, fail_missing : 1, ts_iso : 1, legacy : 1, has_decimal : 1;
    /* per message */
    const char *base, *end;
    sl_arena *ar;
    sl_value *vs; /* pending ARRAY elements and MAP entries */
    size_t vn, vcap;
    sl_buf tmp;  /* an unescaped member name */
    sl_buf text; /* compact JSON text of a container read into STRING */
    /* the error of the current message */
    int ekind;
    int npath, path_cut;
    pseg path[PATH_MAX_SEGS];
    sl_buf cause;
};

static int syntax(sl_decoder *dec, const char *p, const char *fmt, ...) SL_PRINTF(3, 4);

static int syntax(sl_decoder *dec, const char *p, const char *fmt, ...)
{
    va_list ap;
    dec->ekind = EK_SYNTAX;
    sl_buf_reset(&dec->cause);
    va_start(ap, fmt);
    sl_buf_vprintf(&dec->cause, fmt, ap);
    va_end(ap);
    sl_buf_printf(&dec->cause, " at offset %zu.", (size_t)(p - dec->base));
    return 1;
}

static void char_desc(char *out, size_t cap, unsigned c)
{
    if (c >= 0x20 && c < 0x7F)
        snprintf(out, cap, "'%c'", (char)c);
    else
        snprintf(out, cap, "0x%02X", c);
}

/* "Unexpected character 'x' ... expected <what>" or the end-of-input variant. */
static int unexpected(sl_decoder *dec, const char *p, const char *what)
{
    if (p >= dec->end) return syntax(dec, p, "Unexpected end of input, expected %s", what);
    char c[8];
    char_desc(c, sizeof c, (unsigned char)*p);
    return syntax(dec, p, "Unexpected character %s, expected %s", c, what);
}

static void push_seg(sl_decoder *dec, int kind, const char *s, size_t n, size_t idx)
{
    if (dec->ekind == EK_SYNTAX) return;
    if (dec->npath == PATH_MAX_SEGS) {
        dec->path_cut = 1;
        return;
    }
    pseg *g = &dec->path[dec->npath++];
    g->kind = (uint8_t)kind;
    g->s = s;
    g->n = (uint32_t)n;
    g->idx = idx;
}

/* Record a failed conversion of the value text tok[0..tokn) to the node's type. */
static int conv_fail(sl_decoder *dec, const jnode *nd, const char *tok, size_t tokn,
                     const char *why, sl_value *out)
{
    *out = sl_null();
    if (dec->ignore_errors) return 0;
    char tname[256];
    sl_fmt_type_name(tname, sizeof tname, nd->type);
    dec->ekind = EK_FIELD;
    sl_buf_reset(&dec->cause);
    sl_buf_puts(&dec->cause, "cannot convert ");
    sl_fmt_snippet(&dec->cause, tok, tokn, SNIPPET_VAL);
    sl_buf_printf(&dec->cause, " to %s%s.", tname, why ? why : "");
    return 1;
}

static inline const char *skip_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) p++;
    return p;
}

static void vpush(sl_decoder *dec, const sl_value *v)
{
    if (SL_UNLIKELY(dec->vn == dec->vcap)) {
        dec->vcap *= 2;
        dec->vs = sl_realloc(dec->vs, dec->vcap * sizeof(sl_value));
    }
    dec->vs[dec->vn++] = *v;
}

/* ---- strings -------------------------------------------------------------------------- */

/* 0 ordinary byte, 1 '"', 2 '\\', 3 control character, 4 non-ASCII. */
static const uint8_t str_class[256] = {
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
};

static int hexval(unsigned c)
{
    if (c >= '0' && c <= '9') return (int)(c - '0');
    if (c >= 'a' && c <= 'f') return (int)(c - 'a' + 10);
    if (c >= 'A' && c <= 'F') return (int)(c - 'A' + 10);
    return -1;
}

/*
** Scan a string whose opening quote is at (*pp)[-1]. On success *pp points past the closing
** quote and *esc tells whether the content has escapes to undo. Validates escapes, control
** characters and UTF-8.
*/
static int scan_string(sl_decoder *dec, const char **pp, int *esc)
{
    const unsigned char *p = (const unsigned char *)*pp;
    const unsigned char *end = (const unsigned char *)dec->end;
    int e = 0;
    for (;;) {
#ifdef __SSE2__
        /* 16 bytes at a time to the first byte str_class marks: '"', '\\', below 0x20 or
        ** above 0x7F (a signed compare with 0x20 catches both of the last two). */
        while (p + 16 <= end) {
            __m128i v = _mm_loadu_si128((const __m128i *)p);
            __m128i m = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                                     _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
            m = _mm_or_si128(m, _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
            unsigned mask = (unsigned)_mm_movemask_epi8(m);
            if (mask) {
                p += __builtin_ctz(mask);
                break;
            }
            p += 16;
        }
#endif
        while (p + 4 <= end && !str_class[p[0]] && !str_class[p[1]] && !str_class[p[2]] &&
               !str_class[p[3]])
            p += 4;
        while (p < end && !str_class[*p]) p++;
        if (SL_UNLIKELY(p >= end))
            return syntax(dec, (const char *)p, "Unexpected end of input inside a string");
        unsigned c = *p;
        if (SL_LIKELY(c == '"')) break;
        if (c == '\\') {
            e = 1;
            if (p + 1 >= end)
                return syntax(dec, (const char *)p + 1, "Unexpected end of input inside a string");
            unsigned x = p[1];
            if (x == 'u') {
                if (end - p < 6 || hexval(p[2]) < 0 || hexval(p[3]) < 0 || hexval(p[4]) < 0 ||
                    hexval(p[5]) < 0)
                    return syntax(dec, (const char *)p, "Invalid \\u escape in a string");
                p += 6;
            } else if (x == '"' || x == '\\' || x == '/' || x == 'b' || x == 'f' || x == 'n' ||
                       x == 'r' || x == 't') {
                p += 2;
            } else {
                char d[8];
                char_desc(d, sizeof d, x);
                return syntax(dec, (const char *)p, "Invalid escape character %s in a string", d);
            }
            continue;
        }
        if (c < 0x20)
            return syntax(dec, (const char *)p, "Unescaped control character 0x%02X in a string",
                          c);
        size_t l = sl_fmt_utf8_seq(p, (size_t)(end - p));
        if (!l) return syntax(dec, (const char *)p, "Invalid UTF-8 byte 0x%02X in a string", c);
        p += l;
    }
    *esc = e;
    *pp = (const char *)p + 1;
    return 0;
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | cp >> 6);
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | cp >> 12);
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | cp >> 18);
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static unsigned hex4(const char *s)
{
    return (unsigned)(hexval((unsigned char)s[0]) << 12 | hexval((unsigned char)s[1]) << 8 |
                      hexval((unsigned char)s[2]) << 4 | hexval((unsigned char)s[3]));
}

/*
** Undo the escapes of a scanned string s[0..n) into o (room for n bytes suffices). A lone
** surrogate becomes '?', as Java's UTF-8 encoder writes it.
*/
static size_t unescape(const char *s, size_t n, char *o)
{
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        if (s[i] != '\\') {
            o[k++] = s[i++];
            continue;
        }
        char x = s[i + 1];
        i += 2;
        switch (x) {
        case 'b': o[k++] = '\b'; break;
        case 'f': o[k++] = '\f'; break;
        case 'n': o[k++] = '\n'; break;
        case 'r': o[k++] = '\r'; break;
        case 't': o[k++] = '\t'; break;
        case 'u': {
            unsigned cp = hex4(s + i);
            i += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 <= n && s[i] == '\\' && s[i + 1] == 'u') {
                unsigned lo = hex4(s + i + 2);
                if (lo >= 0xDC00 && lo <= 0xDFFF) {
                    i += 6;
                    k += put_utf8(o + k, 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00));
                    break;
                }
            }
            if (cp >= 0xD800 && cp <= 0xDFFF)
                o[k++] = '?';
            else
                k += put_utf8(o + k, cp);
            break;
        }
        default: o[k++] = x; break; /* '"', '\\', '/' */
        }
    }
    return k;
}

/* The value of a scanned string: a slice of the message, or an unescaped copy in the arena. */
static sl_value string_value(sl_decoder *dec, const char *s, size_t n, int esc)
{
    if (!esc) return sl_string(s, n);
    char *o = sl_arena_alloc(dec->ar, n ? n : 1);
    return sl_string(o, unescape(s, n, o));
}

/* ---- numbers -------------------------------------------------------------------------- */

typedef struct numtok {
    const char *s;
    size_t n;
    uint64_t mag; /* integer magnitude when is_int && !big */
    uint8_t is_int, neg, big;
} numtok;

static int scan_number(sl_decoder *dec, const char **pp, numtok *t)
{
    const char *p = *pp, *end = dec->end;
    t->s = p;
    t->neg = 0;
    t->big = 0;
    t->is_int = 1;
    if (*p == '-') {
        t->neg = 1;
        p++;
    }
    uint64_t m = 0;
    if (p < end && *p == '0') {
        p++;
    } else if (p < end && *p >= '1' && *p <= '9') {
        int nd = 0;
        while (p < end && *p >= '0' && *p <= '9') {
            if (nd < 19)
                m = m * 10 + (uint64_t)(*p - '0');
            else {
                unsigned d = (unsigned)(*p - '0');
                if (m > (UINT64_MAX - d) / 10)
                    t->big = 1;
                else
                    m = m * 10 + d;
            }
            nd++;
            p++;
        }
        if (nd > 20) t->big = 1;
    } else {
        return syntax(dec, p, "Invalid number");
    }
    if (p < end && *p == '.') {
        p++;
        t->is_int = 0;
        if (p >= end || *p < '0' || *p > '9') return syntax(dec, p, "Invalid number");
        while (p < end && *p >= '0' && *p <= '9') p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        t->is_int = 0;
        if (p < end && (*p == '+' || *p == '-')) p++;
        if (p >= end || *p < '0' || *p > '9') return syntax(dec, p, "Invalid number");
        while (p < end && *p >= '0' && *p <= '9') p++;
    }
    t->mag = m;
    t->n = (size_t)(p - t->s);
    *pp = p;
    return 0;
}

/* ---- compact text of skipped values --------------------------------------------------- */

static void emit_string(sl_decoder *dec, sl_buf *cb, const char *s, size_t n, int esc)
{
    if (!esc) {
        sl_buf_reserve(cb, n + 2);
        cb->p[cb->n++] = '"';
        sl_buf_append(cb, s, n);
        sl_buf_putc(cb, '"');
        return;
    }
    sl_buf_reset(&dec->tmp);
    sl_buf_reserve(&dec->tmp, n);
    size_t k = unescape(s, n, dec->tmp.p);
    sl_fmt_json_quote(cb, dec->tmp.p, k);
}

/*
** A number as JsonNode.toString() prints it: integers as written ("-0" is the int 0), other
** numbers as Double.toString, or, when the schema has a DECIMAL (Flink then enables
** USE_BIG_DECIMAL_FOR_FLOATS), as the normalised BigDecimal.
*/
static void emit_number(sl_decoder *dec, sl_buf *cb, const numtok *t)
{
    if (t->is_int) {
        if (t->n == 2 && t->s[0] == '-' && t->s[1] == '0')
            sl_buf_putc(cb, '0');
        else
            sl_buf_append(cb, t->s, t->n);
        return;
    }
    if (dec->has_decimal) {
        char small[64];
        char *dig = t->n <= sizeof small ? small : sl_malloc(t->n);
        size_t nd = 0;
        long scale = 0, e = 0;
        int frac = 0, eneg = 0;
        const char *p = t->s + t->neg, *end = t->s + t->n;
        for (; p < end && *p != 'e' && *p != 'E'; p++) {
            if (*p == '.')
                frac = 1;
            else {
                dig[nd++] = *p;
                if (frac) scale++;
            }
        }
        if (p < end) {
            p++;
            if (*p == '+' || *p == '-') eneg = *p++ == '-';
            for (; p < end; p++)
                if (e < 1000000000L) e = e * 10 + (*p - '0');
        }
        scale -= eneg ? -e : e;
        sl_fmt_bigdecimal_text(cb, t->neg, dig, nd, scale, 1);
        if (dig != small) sl_free(dig);
        return;
    }
    double d = sl_fmt_decimal_to_double(t->s, t->n);
    if (isinf(d))
        sl_buf_puts(cb, d > 0 ? "\"Infinity\"" : "\"-Infinity\"");
    else
        sl_format_double_java(cb, d);
}

/* ---- skipping (and copying) values ---------------------------------------------------- */

static int literal(sl_decoder *dec, const char **pp, const char *word, size_t n)
{
    const char *p = *pp;
    if ((size_t)(dec->end - p) < n || memcmp(p, word, n) != 0) return unexpected(dec, p, "a value");
    *pp = p + n;
    return 0;
}

/*
** Skip one value starting at *pp (no leading blanks), validating it fully. Iterative: the only
** state is one bit per open container. With cb, the value's compact text is appended to it.
*/
static int skip_value(sl_decoder *dec, const char **pp, int depth, sl_buf *cb)
{
    const char *p = *pp, *end = dec->end;
    uint64_t objbits[SL_JSON_MAX_DEPTH / 64 + 1];
    int nest = 0;
value:
    p = skip_ws(p, end);
    if (p >= end) return unexpected(dec, p, "a value");
    switch (*p) {
    case '{':
    case '[': {
        int obj = *p == '{';
        if (depth + nest >= SL_JSON_MAX_DEPTH)
            return syntax(dec, p, "Nesting deeper than %d levels", SL_JSON_MAX_DEPTH);
        if (obj)
            objbits[nest >> 6] |= UINT64_C(1) << (nest & 63);
        else
            objbits[nest >> 6] &= ~(UINT64_C(1) << (nest & 63));
        nest++;
        if (cb) sl_buf_putc(cb, *p);
        p = skip_ws(p + 1, end);
        if (p < end && *p == (obj ? '}' : ']')) {
            if (cb) sl_buf_putc(cb, *p);
            p++;
            nest--;
            goto after;
        }
        if (obj) goto key;
        goto value;
    }
    case '"': {
        const char *s = ++p;
        int esc;
        if (scan_string(dec, &p, &esc)) return 1;
        if (cb) emit_string(dec, cb, s, (size_t)(p - 1 - s), esc);
        goto after;
    }
    case 't':
        if (literal(dec, &p, "true", 4)) return 1;
        if (cb) sl_buf_puts(cb, "true");
        goto after;
    case 'f':
        if (literal(dec, &p, "false", 5)) return 1;
        if (cb) sl_buf_puts(cb, "false");
        goto after;
    case 'n':
        if (literal(dec, &p, "null", 4)) return 1;
        if (cb) sl_buf_puts(cb, "null");
        goto after;
    default:
        if (*p == '-' || (*p >= '0' && *p <= '9')) {
            numtok t;
            if (scan_number(dec, &p, &t)) return 1;
            if (cb) emit_number(dec, cb, &t);
            goto after;
        }
        return unexpected(dec, p, "a value");
    }
key:
    if (p >= end || *p != '"') return unexpected(dec, p, "a field name");
    {
        const char *s = ++p;
        int esc;
        if (scan_string(dec, &p, &esc)) return 1;
        if (cb) emit_string(dec, cb, s, (size_t)(p - 1 - s), esc);
    }
    p = skip_ws(p, end);
    if (p >= end || *p != ':') return unexpected(dec, p, "':'");
    if (cb) sl_buf_putc(cb, ':');
    p++;
    goto value;
after:
    if (nest == 0) {
        *pp = p;
        return 0;
    }
    p = skip_ws(p, end);
    {
        int obj = (objbits[(nest - 1) >> 6] >> ((nest - 1) & 63)) & 1;
        if (p < end && *p == ',') {
            if (cb) sl_buf_putc(cb, ',');
            p = skip_ws(p + 1, end);
            if (obj) goto key;
            goto value;
        }
        if (p < end && *p == (obj ? '}' : ']')) {
            if (cb) sl_buf_putc(cb, *p);
            p++;
            nest--;
            goto after;
        }
        return unexpected(dec, p, obj ? "',' or '}'" : "',' or ']'");
    }
}

/* ---- conversions ---------------------------------------------------------------------- */

/*
** Convert text (a JSON string's content, or a scalar's literal text where Flink reads
** getText()) to the node's type. tok/tokn is the token as written, for messages.
*/
static int convert_text(sl_decoder *dec, const jnode *nd, const char *s, size_t n, const char *tok,
                        size_t tokn, sl_value *out)
{
    sl_fmt_text_style style = {0, 1, 0, dec->ts_iso ? 'T' : ' '};
    const char *why;
    if (sl_fmt_text_value(nd->type, s, n, &style, dec->ar, out, &why))
        return conv_fail(dec, nd, tok, tokn, why, out);
    return 0;
}

static int convert_number(sl_decoder *dec, const jnode *nd, const numtok *t, sl_value *out)
{
    switch (nd->id) {
    case SL_TYPE_TINYINT:
    case SL_TYPE_SMALLINT:
    case SL_TYPE_INT:
    case SL_TYPE_BIGINT: {
        int64_t lo, hi;
        sl_fmt_int_range(nd->id, &lo, &hi);
        if (t->is_int) {
            if (t->big) return conv_fail(dec, nd, t->s, t->n, ": out of range", out);
            int64_t v;
            if (t->neg) {
                if (t->mag > (uint64_t)INT64_MAX + 1)
                    return conv_fail(dec, nd, t->s, t->n, ": out of range", out);
                v = t->mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)t->mag;
            } else {
                if (t->mag > (uint64_t)INT64_MAX)
                    return conv_fail(dec, nd, t->s, t->n, ": out of range", out);
                v = (int64_t)t->mag;
            }
            if (v < lo || v > hi) return conv_fail(dec, nd, t->s, t->n, ": out of range", out);
            *out = sl_int(v);
            return 0;
        }
        /* Byte.parseByte / Short.parseShort refuse fractions; getInt/LongValue truncate. */
        if (nd->id == SL_TYPE_TINYINT || nd->id == SL_TYPE_SMALLINT)
            return conv_fail(dec, nd, t->s, t->n, NULL, out);
        double d = sl_fmt_decimal_to_double(t->s, t->n);
        if (nd->id == SL_TYPE_INT) {
            if (!(d >= -2147483648.0 && d <= 2147483647.0))
                return conv_fail(dec, nd, t->s, t->n, ": out of range", out);
            *out = sl_int((int64_t)d);
            return 0;
        }
        if (!(d >= -9223372036854775808.0 && d <= 9223372036854775808.0))
            return conv_fail(dec, nd, t->s, t->n, ": out of range", out);
        *out = sl_int(d >= 9223372036854775807.0 ? INT64_MAX : (int64_t)d);
        return 0;
    }
    case SL_TYPE_DOUBLE: *out = sl_double(sl_fmt_decimal_to_double(t->s, t->n)); return 0;
    case SL_TYPE_FLOAT: *out = sl_double((double)sl_fmt_decimal_to_float(t->s, t->n)); return 0;
    case SL_TYPE_DECIMAL: {
        __int128 u;
        int rc = sl_fmt_parse_decimal(t->s, t->n, nd->precision, nd->scale, &u);
        if (rc)
            return conv_fail(dec, nd, t->s, t->n, rc == -2 ? ": precision overflow" : NULL, out);
        *out = sl_decimal(dec->ar, u, nd->scale);
        return 0;
    }
    case SL_TYPE_BINARY:
    case SL_TYPE_VARBINARY:
    case SL_TYPE_ARRAY:
    case SL_TYPE_MAP:
    case SL_TYPE_ROW: return conv_fail(dec, nd, t->s, t->n, NULL, out);
    default: return convert_text(dec, nd, t->s, t->n, t->s, t->n, out);
    }
}

/* ---- containers ----------------------------------------------------------------------- */

static int parse_value(sl_decoder *dec, const char **pp, const jnode *nd, sl_value *out, int depth);

/* A member name at *pp (its opening quote), unescaped into kp and kn, and the ':' after it. */
static int parse_key(sl_decoder *dec, const char **pp, const char **kp, size_t *kn)
{
    const char *p = *pp;
    if (SL_UNLIKELY(p >= dec->end || *p != '"')) return unexpected(dec, p, "a field name");
    const char *s = ++p;
    int esc;
    if (scan_string(dec, &p, &esc)) return 1;
    size_t n = (size_t)(p - 1 - s);
    if (SL_UNLIKELY(esc)) {
        sl_buf_reset(&dec->tmp);
        sl_buf_reserve(&dec->tmp, n);
        n = unescape(s, n, dec->tmp.p);
        s = dec->tmp.p;
    }
    p = skip_ws(p, dec->end);
    if (SL_UNLIKELY(p >= dec->end || *p != ':')) return unexpected(dec, p, "':'");
    p = skip_ws(p + 1, dec->end);
    *kp = s;
    *kn = n;
    *pp = p;
    return 0;
}

static int parse_row(sl_decoder *dec, const char **pp, const jnode *nd, sl_value *out, int depth)
{
    const char *p = *pp, *end = dec->end;
    if (SL_UNLIKELY(depth >= SL_JSON_MAX_DEPTH))
        return syntax(dec, p, "Nesting deeper than %d levels", SL_JSON_MAX_DEPTH);
    int nf = nd->nfields;
    for (int i = 0; i < nf; i++) out[i].tag = TAG_MISSING;
    p = skip_ws(p + 1, end);
    if (p < end && *p == '}') {
        p++;
    } else {
        int next = 0;
        for (;;) {
            const char *k = NULL;
            size_t kn = 0;
            if (parse_key(dec, &p, &k, &kn)) return 1;
            int fi;
            if (next < nf && nd->fields[next].len == kn &&
                memcmp(nd->fields[next].name, k, kn) == 0)
                fi = next;
            else
                fi = find_field(nd, k, kn);
            if (fi >= 0) {
                if (parse_value(dec, &p, nd->fields[fi].node, &out[fi], depth + 1)) {
                    push_seg(dec, SEG_FIELD, nd->fields[fi].name, nd->fields[fi].len, 0);
                    return 1;
                }
                next = fi + 1;
            } else if (skip_value(dec, &p, depth + 1, NULL)) {
                return 1;
            }
            p = skip_ws(p, end);
            if (SL_LIKELY(p < end && *p == ',')) {
                p = skip_ws(p + 1, end);
                continue;
            }
            if (SL_LIKELY(p < end && *p == '}')) {
                p++;
                break;
            }
            return unexpected(dec, p, "',' or '}'");
        }
    }
    for (int i = 0; i < nf; i++) {
        if (SL_LIKELY(out[i].tag != TAG_MISSING)) continue;
        out[i] = sl_null();
        if (dec->fail_missing) {
            dec->ekind = EK_MISSING;
            push_seg(dec, SEG_FIELD, nd->fields[i].name, nd->fields[i].len, 0);
            return 1;
        }
    }
    *pp = p;
    return 0;
}

static int parse_array(sl_decoder *dec, const char **pp, const jnode *nd, sl_value *out, int depth)
{
    const char *p = *pp, *end = dec->end;
    if (depth >= SL_JSON_MAX_DEPTH)
        return syntax(dec, p, "Nesting deeper than %d levels", SL_JSON_MAX_DEPTH);
    size_t base = dec->vn;
    p = skip_ws(p + 1, end);
    if (p < end && *p == ']') {
        p++;
    } else {
        for (size_t idx = 0;; idx++) {
            sl_value v;
            if (parse_value(dec, &p, nd->elem, &v, depth + 1)) {
                push_seg(dec, SEG_INDEX, NULL, 0, idx);
                dec->vn = base;
                return 1;
            }
            vpush(dec, &v);
            p = skip_ws(p, end);
            if (p < end && *p == ',') {
                p = skip_ws(p + 1, end);
                continue;
            }
            if (p < end && *p == ']') {
                p++;
                break;
            }
            dec->vn = base;
            return unexpected(dec, p, "',' or ']'");
        }
    }
    size_t n = dec->vn - base;
    sl_value *list = sl_arena_alloc(dec->ar, sizeof(sl_value) * (n ? n : 1));
    if (n) memcpy(list, dec->vs + base, n * sizeof(sl_value));
    dec->vn = base;
    sl_value v = {0};
    v.tag = SL_V_ARRAY;
    v.n = (uint32_t)n;
    v.u.list = list;
    *out = v;
    *pp = p;
    return 0;
}

static int key_equal(const sl_value *a, const sl_value *b)
{
    return a->n == b->n && (a->n == 0 || memcmp(a->u.z, b->u.z, a->n) == 0);
}

/* Lay the (key, value) pairs vs[0..2n) out as MAP storage; a repeated key keeps its first
** position and its last value, as LinkedHashMap.put does. */
static sl_value build_map(sl_decoder *dec, const sl_value *vs, size_t n)
{
    sl_value *keys = sl_arena_alloc(dec->ar, sizeof(sl_value) * (n ? 2 * n : 1));
    sl_value *vals = sl_arena_alloc(dec->ar, sizeof(sl_value) * (n ? n : 1));
    size_t m = 0;
    int32_t *slots = NULL;
    uint32_t mask = 0;
    if (n > 16) {
        uint32_t size = 32;
        while (size < n * 2) size *= 2;
        mask = size - 1;
        slots = sl_malloc(sizeof(int32_t) * size);
        for (uint32_t i = 0; i < size; i++) slots[i] = -1;
    }
    for (size_t i = 0; i < n; i++) {
        const sl_value *k = &vs[2 * i], *v = &vs[2 * i + 1];
        size_t j = m;
        if (slots) {
            uint32_t h = (uint32_t)sl_hash_bytes(k->u.z, k->n) & mask;
            while (slots[h] >= 0 && !key_equal(&keys[slots[h]], k)) h = (h + 1) & mask;
            if (slots[h] >= 0)
                j = (size_t)slots[h];
            else
                slots[h] = (int32_t)m;
        } else {
            for (size_t q = 0; q < m; q++)
                if (key_equal(&keys[q], k)) {
                    j = q;
                    break;
                }
        }
        if (j == m) keys[m++] = *k;
        vals[j] = *v;
    }
    sl_free(slots);
    memcpy(keys + m, vals, m * sizeof(sl_value));
    sl_value out = {0};
    out.tag = SL_V_MAP;
    out.n = (uint32_t)m;
    out.u.list = keys;
    return out;
}

static int parse_map(sl_decoder *dec, const char **pp, const jnode *nd, sl_value *out, int depth)
{
    const char *p = *pp, *end = dec->end;
    if (depth >= SL_JSON_MAX_DEPTH)
        return syntax(dec, p, "Nesting deeper than %d levels", SL_JSON_MAX_DEPTH);
    size_t base = dec->vn;
    p = skip_ws(p + 1, end);
    if (p < end && *p == '}') {
        p++;
    } else {
        for (;;) {
            if (p >= end || *p != '"') {
                dec->vn = base;
                return unexpected(dec, p, "a field name");
            }
            const char *s = ++p;
            int esc;
            if (scan_string(dec, &p, &esc)) {
                dec->vn = base;
                return 1;
            }
            sl_value key = string_value(dec, s, (size_t)(p - 1 - s), esc);
            p = skip_ws(p, end);
            if (p >= end || *p != ':') {
                dec->vn = base;
                return unexpected(dec, p, "':'");
            }
            p = skip_ws(p + 1, end);
            sl_value v;
            if (parse_value(dec, &p, nd->elem, &v, depth + 1)) {
                push_seg(dec, SEG_KEY, key.u.z, key.n, 0);
                dec->vn = base;
                return 1;
            }
            vpush(dec, &key);
            vpush(dec, &v);
            p = skip_ws(p, end);
            if (p < end && *p == ',') {
                p = skip_ws(p + 1, end);
                continue;
            }
            if (p < end && *p == '}') {
                p++;
                break;
            }
            dec->vn = base;
            return unexpected(dec, p, "',' or '}'");
        }
    }
    *out = build_map(dec, dec->vs + base, (dec->vn - base) / 2);
    dec->vn = base;
    *pp = p;
    return 0;
}

/* One value at *pp (no leading blanks) into *out, converted to the node's type. */
static int parse_value(sl_decoder *dec, const char **pp, const jnode *nd, sl_value *out, int depth)
{
    const char *p = *pp, *end = dec->end;
    if (SL_UNLIKELY(p >= end)) return unexpected(dec, p, "a value");
    unsigned c = (unsigned char)*p;
    if (c == '"') {
        const char *s = ++p;
        int esc;
        if (scan_string(dec, &p, &esc)) return 1;
        *pp = p;
        size_t n = (size_t)(p - 1 - s);
        if (SL_LIKELY(!esc)) {
            if (SL_LIKELY(nd->id == SL_TYPE_VARCHAR || nd->id == SL_TYPE_CHAR)) {
                *out = sl_string(s, n);
                return 0;
            }
            return convert_text(dec, nd, s, n, s - 1, n + 2, out);
        }
        sl_value v = string_value(dec, s, n, 1);
        return convert_text(dec, nd, v.u.z, v.n, s - 1, n + 2, out);
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        numtok t;
        if (scan_number(dec, &p, &t)) return 1;
        *pp = p;
        return convert_number(dec, nd, &t, out);
    }
    if (c == '{' || c == '[') {
        if (c == '{' && nd->id == SL_TYPE_ROW) {
            sl_value *fields =
                sl_arena_alloc(dec->ar, sizeof(sl_value) * (size_t)(nd->nfields ? nd->nfields : 1));
            if (parse_row(dec, &p, nd, fields, depth)) return 1;
            sl_value v = {0};
            v.tag = SL_V_ROW;
            v.n = (uint32_t)nd->nfields;
            v.u.list = fields;
            *out = v;
            *pp = p;
            return 0;
        }
        if (c == '{' && nd->id == SL_TYPE_MAP) {
            if (parse_map(dec, &p, nd, out, depth)) return 1;
            *pp = p;
            return 0;
        }
        if (c == '[' && nd->id == SL_TYPE_ARRAY) {
            if (parse_array(dec, &p, nd, out, depth)) return 1;
            *pp = p;
            return 0;
        }
        if (nd->id == SL_TYPE_VARCHAR || nd->id == SL_TYPE_CHAR) {
            sl_buf_reset(&dec->text);
            if (skip_value(dec, &p, depth, &dec->text)) return 1;
            *out = sl_string(sl_arena_memdup(dec->ar, dec->text.p, dec->text.n), dec->text.n);
            *pp = p;
            return 0;
        }
        const char *start = p;
        if (skip_value(dec, &p, depth, NULL)) return 1;
        *pp = p;
        return conv_fail(dec, nd, start, (size_t)(p - start), NULL, out);
    }
    if (c == 'n') {
        if (literal(dec, &p, "null", 4)) return 1;
        *out = sl_null();
        *pp = p;
        return 0;
    }
    if (c == 't' || c == 'f') {
        int b = c == 't';
        if (literal(dec, &p, b ? "true" : "false", b ? 4 : 5)) return 1;
        *pp = p;
        if (nd->id == SL_TYPE_BOOLEAN) {
            *out = sl_bool(b);
            return 0;
        }
        switch (nd->id) {
        case SL_TYPE_DECIMAL:
        case SL_TYPE_BINARY:
        case SL_TYPE_VARBINARY:
        case SL_TYPE_ARRAY:
        case SL_TYPE_MAP:
        case SL_TYPE_ROW: return conv_fail(dec, nd, p - (b ? 4 : 5), b ? 4 : 5, NULL, out);
        default:
            return convert_text(dec, nd, p - (b ? 4 : 5), b ? 4 : 5, p - (b ? 4 : 5), b ? 4 : 5,
                                out);
        }
    }
    return unexpected(dec, p, "a value");
}

/* ---- decoder API ---------------------------------------------------------------------- */

static int json_decoder_new(const sl_format_ctx *ctx, sl_decoder **out, sl_err *err)
{
    int rc = json_validate(ctx, err);
    if (rc) return rc;
    sl_decoder *dec = sl_calloc(1, sizeof *dec);
    sl_arena_init(&dec->own, 4096);
    dec->root = build_root(&dec->own, ctx);
    dec->vcap = 64;
    dec->vs = sl_malloc(dec->vcap * sizeof(sl_value));
    dec->ignore_errors = sl_fmt_opt_flag(ctx, "ignore-parse-errors", 0) != 0;
    dec->fail_missing = sl_fmt_opt_flag(ctx, "fail-on-missing-field", 0) != 0;
    const char *ts = sl_fmt_opt_get(ctx, "timestamp-format.standard");
    dec->ts_iso = ts && strcmp(ts, "ISO-8601") == 0;
    dec->legacy = !sl_fmt_opt_flag(ctx, "decode.json-parser.enabled", 1);
    for (int i = 0; i < ctx->nfields; i++)
        if (type_has_decimal(&ctx->types[i])) dec->has_decimal = 1;
    *out = dec;
    return SL_OK;
}

static void json_decoder_free(sl_decoder *dec)
{
    if (!dec) return;
    sl_arena_free(&dec->own);
    sl_free(dec->vs);
    sl_buf_free(&dec->tmp);
    sl_buf_free(&dec->text);
    sl_buf_free(&dec->cause);
    sl_free(dec);
}

static void render_path(sl_buf *b, const sl_decoder *dec)
{
    if (dec->path_cut) sl_buf_puts(b, "...");
    for (int i = dec->npath - 1; i >= 0; i--) {
        const pseg *g = &dec->path[i];
        switch (g->kind) {
        case SEG_FIELD:
            if (i != dec->npath - 1 || dec->path_cut) sl_buf_putc(b, '.');
            sl_fmt_snippet(b, g->s, g->n, SNIPPET_VAL);
            break;
        case SEG_INDEX: sl_buf_printf(b, "[%zu]", g->idx); break;
        default:
            sl_buf_puts(b, "['");
            sl_fmt_snippet(b, g->s, g->n, SNIPPET_VAL);
            sl_buf_puts(b, "']");
            break;
        }
    }
}

static int fail_message(sl_decoder *dec, const char *data, size_t n, sl_err *err)
{
    sl_buf m = SL_BUF_INIT;
    sl_buf_puts(&m, "Failed to deserialize JSON '");
    sl_fmt_snippet(&m, data, n, SNIPPET_MSG);
    sl_buf_puts(&m, "'. ");
    if (dec->ekind == EK_MISSING) {
        sl_buf_puts(&m, "Could not find field with name '");
        render_path(&m, dec);
        sl_buf_puts(&m, "'.");
    } else {
        if (dec->ekind == EK_FIELD && dec->npath) {
            sl_buf_puts(&m, "Field '");
            render_path(&m, dec);
            sl_buf_puts(&m, "': ");
        }
        sl_buf_append(&m, dec->cause.p ? dec->cause.p : "", dec->cause.n);
    }
    sl_err_set(err, SL_DATA, "%s", m.p);
    sl_buf_free(&m);
    return SL_DATA;
}

static int json_decode(sl_decoder *dec, const char *data, size_t n, sl_value *out, sl_arena *ar,
                       sl_err *err)
{
    if (!data) return SL_DONE;
    dec->base = data;
    dec->end = data + n;
    dec->ar = ar;
    dec->vn = 0;
    dec->ekind = EK_NONE;
    dec->npath = 0;
    dec->path_cut = 0;
    if (n == 0) {
        if (!dec->legacy) return SL_DONE;
        syntax(dec, data, "No content to map due to end-of-input");
    } else {
        const char *p = skip_ws(data, dec->end);
        if (SL_UNLIKELY(p >= dec->end || *p != '{')) {
            unexpected(dec, p, "a JSON object");
        } else if (parse_row(dec, &p, dec->root, out, 0) == 0) {
            p = skip_ws(p, dec->end);
            if (SL_LIKELY(p == dec->end)) return SL_OK;
            syntax(dec, p, "Unexpected characters after the JSON object");
        }
    }
    for (int i = 0; i < dec->root->nfields; i++) out[i] = sl_null();
    if (dec->ignore_errors) return SL_DONE;
    return fail_message(dec, data, n, err);
}

/* ---- encoder -------------------------------------------------------------------------- */

struct sl_encoder {
    sl_arena own;
    const jnode *root;
    unsigned ts_iso : 1, plain_decimal : 1, ignore_null : 1;
    int nullkey;
    const char *nullkey_literal;
};

static int enc_mismatch(const jnode *nd, const sl_value *v, sl_err *err)
{
    char tname[256];
    sl_fmt_type_name(tname, sizeof tname, nd->type);
    return sl_err_set(err, SL_DATA, "Could not serialize a %s value as %s.", sl_fmt_vtag_name(v->tag),
                      tname);
}

static void put_i64(sl_buf *b, int64_t v)
{
    char tmp[24];
    char *e = tmp + sizeof tmp, *q = e;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        *--q = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) *--q = '-';
    sl_buf_append(b, q, (size_t)(e - q));
}

static int encode_value(const sl_encoder *enc, const jnode *nd, const sl_value *v, sl_buf *b,
                        sl_err *err);

static int encode_fields(const sl_encoder *enc, const jnode *nd, const sl_value *vals, sl_buf *b,
                         sl_err *err)
{
    sl_buf_putc(b, '{');
    int first = 1;
    for (int i = 0; i < nd->nfields; i++) {
        if (vals[i].tag == SL_V_NULL && enc->ignore_null) continue;
        if (!first) sl_buf_putc(b, ',');
        first = 0;
        sl_buf_append(b, nd->fields[i].qname, nd->fields[i].qlen);
        if (encode_value(enc, nd->fields[i].node, &vals[i], b, err)) {
            sl_err_prefix(err, "Field '%s': ", nd->fields[i].name);
            return err->code;
        }
    }
    sl_buf_putc(b, '}');
    return SL_OK;
}

static void put_java_fp(sl_buf *b, double d, int is_float)
{
    if (isnan(d))
        sl_buf_puts(b, "\"NaN\"");
    else if (isinf(d))
        sl_buf_puts(b, d > 0 ? "\"Infinity\"" : "\"-Infinity\"");
    else if (is_float)
        sl_format_float_java(b, (float)d);
    else
        sl_format_double_java(b, d);
}

static int encode_value(const sl_encoder *enc, const jnode *nd, const sl_value *v, sl_buf *b,
                        sl_err *err)
{
    if (v->tag == SL_V_NULL) {
        sl_buf_append(b, "null", 4);
        return SL_OK;
    }
    switch (nd->id) {
    case SL_TYPE_BOOLEAN:
        if (v->tag != SL_V_BOOL) return enc_mismatch(nd, v, err);
        if (v->u.i)
            sl_buf_append(b, "true", 4);
        else
            sl_buf_append(b, "false", 5);
        return SL_OK;
    case SL_TYPE_TINYINT:
    case SL_TYPE_SMALLINT:
    case SL_TYPE_INT:
    case SL_TYPE_BIGINT:
        if (v->tag != SL_V_INT) return enc_mismatch(nd, v, err);
        put_i64(b, v->u.i);
        return SL_OK;
    case SL_TYPE_FLOAT:
    case SL_TYPE_DOUBLE:
        if (v->tag != SL_V_DOUBLE) return enc_mismatch(nd, v, err);
        put_java_fp(b, v->u.d, nd->id == SL_TYPE_FLOAT);
        return SL_OK;
    case SL_TYPE_DECIMAL:
        if (v->tag != SL_V_DECIMAL) return enc_mismatch(nd, v, err);
        sl_fmt_format_decimal_jackson(b, sl_decimal_unscaled(v), v->scale, enc->plain_decimal);
        return SL_OK;
    case SL_TYPE_CHAR:
    case SL_TYPE_VARCHAR:
        if (v->tag != SL_V_STRING) return enc_mismatch(nd, v, err);
        sl_fmt_json_quote(b, v->u.z, v->n);
        return SL_OK;
    case SL_TYPE_BINARY:
    case SL_TYPE_VARBINARY:
        if (v->tag != SL_V_BYTES) return enc_mismatch(nd, v, err);
        sl_buf_putc(b, '"');
        sl_fmt_base64_encode(b, v->u.z, v->n);
        sl_buf_putc(b, '"');
        return SL_OK;
    case SL_TYPE_DATE:
        if (v->tag != SL_V_DATE) return enc_mismatch(nd, v, err);
        sl_buf_putc(b, '"');
        sl_format_date(b, v->u.i);
        sl_buf_putc(b, '"');
        return SL_OK;
    case SL_TYPE_TIME:
        if (v->tag != SL_V_TIME) return enc_mismatch(nd, v, err);
        /* RowDataToJsonConverters writes LocalTime.ofSecondOfDay(millis / 1000). */
        sl_buf_putc(b, '"');
        sl_format_time_sql(b, sl_floormod(v->u.i, SL_NANOS_PER_DAY) / 1000000000 * 1000000000, 1,
                           0);
        sl_buf_putc(b, '"');
        return SL_OK;
    case SL_TYPE_TIMESTAMP:
    case SL_TYPE_TIMESTAMP_LTZ:
        if (v->tag != SL_V_TIMESTAMP) return enc_mismatch(nd, v, err);
        sl_buf_putc(b, '"');
        sl_format_timestamp_sql(b, v->u.i, v->n, enc->ts_iso ? 'T' : ' ', 1, 9);
        if (nd->id == SL_TYPE_TIMESTAMP_LTZ) sl_buf_putc(b, 'Z');
        sl_buf_putc(b, '"');
        return SL_OK;
    case SL_TYPE_ARRAY:
        if (v->tag != SL_V_ARRAY) return enc_mismatch(nd, v, err);
        sl_buf_putc(b, '[');
        for (uint32_t i = 0; i < v->n; i++) {
            if (i) sl_buf_putc(b, ',');
            if (encode_value(enc, nd->elem, &v->u.list[i], b, err)) return err->code;
        }
        sl_buf_putc(b, ']');
        return SL_OK;
    case SL_TYPE_MAP: {
        if (v->tag != SL_V_MAP) return enc_mismatch(nd, v, err);
        sl_buf_putc(b, '{');
        int first = 1;
        for (uint32_t i = 0; i < v->n; i++) {
            const sl_value *k = &v->u.list[i], *val = &v->u.list[v->n + i];
            const char *ks;
            size_t kn;
            if (k->tag == SL_V_NULL) {
                if (enc->nullkey == NULLKEY_DROP) continue;
                if (enc->nullkey == NULLKEY_FAIL)
                    return sl_err_set(err, SL_DATA,
                                      "JSON format doesn't support to serialize map data with "
                                      "null keys. You can drop null key entries or encode null in "
                                      "literals by specifying map-null-key.mode option.");
                ks = enc->nullkey_literal;
                kn = strlen(ks);
            } else if (k->tag == SL_V_STRING) {
                ks = k->u.z;
                kn = k->n;
            } else {
                return enc_mismatch(nd, k, err);
            }
            if (!first) sl_buf_putc(b, ',');
            first = 0;
            sl_fmt_json_quote(b, ks, kn);
            sl_buf_putc(b, ':');
            if (encode_value(enc, nd->elem, val, b, err)) return err->code;
        }
        sl_buf_putc(b, '}');
        return SL_OK;
    }
    case SL_TYPE_ROW:
        if (v->tag != SL_V_ROW || (int)v->n != nd->nfields) return enc_mismatch(nd, v, err);
        return encode_fields(enc, nd, v->u.list, b, err);
    default: return enc_mismatch(nd, v, err);
    }
}

static int json_encoder_new(const sl_format_ctx *ctx, sl_encoder **out, sl_err *err)
{
    int rc = json_validate(ctx, err);
    if (rc) return rc;
    sl_encoder *enc = sl_calloc(1, sizeof *enc);
    sl_arena_init(&enc->own, 4096);
    enc->root = build_root(&enc->own, ctx);
    const char *ts = sl_fmt_opt_get(ctx, "timestamp-format.standard");
    enc->ts_iso = ts && strcmp(ts, "ISO-8601") == 0;
    enc->plain_decimal = sl_fmt_opt_flag(ctx, "encode.decimal-as-plain-number", 0) != 0;
    enc->ignore_null = sl_fmt_opt_flag(ctx, "encode.ignore-null-fields", 0) != 0;
    const char *mode = sl_fmt_opt_get(ctx, "map-null-key.mode");
    enc->nullkey = NULLKEY_FAIL;
    if (mode && sl_strcaseeq(mode, "DROP")) enc->nullkey = NULLKEY_DROP;
    if (mode && sl_strcaseeq(mode, "LITERAL")) enc->nullkey = NULLKEY_LITERAL;
    const char *lit = sl_fmt_opt_get(ctx, "map-null-key.literal");
    enc->nullkey_literal = sl_arena_strdup(&enc->own, lit ? lit : "null");
    *out = enc;
    return SL_OK;
}

static int json_encode(sl_encoder *enc, const sl_value *in, sl_buf *out, sl_err *err)
{
    size_t mark = out->n;
    if (encode_fields(enc, enc->root, in, out, err) == SL_OK) return SL_OK;
    out->n = mark;
    if (out->p) out->p[mark] = 0;
    return err->code;
}

static void json_encoder_free(sl_encoder *enc)
{
    if (!enc) return;
    sl_arena_free(&enc->own);
    sl_free(enc);
}

const sl_format_desc sl_format_json = {
    .name = "json",
    .opts = json_opts,
    .nopts = (int)SL_ARRAY_LEN(json_opts),
    .mode = SL_CL_INSERT_ONLY,
    .doc = "JSON objects, one row per message, fields matched by name (Flink's 'json' format).",
    .validate = json_validate,
    .decoder_new = json_decoder_new,
    .decode = json_decode,
    .decoder_free = json_decoder_free,
    .encoder_new = json_encoder_new,
    .encode = json_encode,
    .encoder_free = json_encoder_free,
};
