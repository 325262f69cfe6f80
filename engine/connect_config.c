/*
** engine/connect_config.c — a MaxCompute Kafka connector config (Kafka Connect JSON) to SQL.
**
** The config a user posts to Kafka Connect,
**
**   {"name": "odps-test-text",
**    "config": {"connector.class": "com.aliyun.odps.kafka.connect.MaxComputeSinkConnector",
**               "topics": "topic_text", "endpoint": ..., "format": "TEXT", ...}}
**
** becomes a script: SET the job name and the flush interval (Kafka Connect's offset commit
** interval), CREATE TABLE `kafka_source` (the records, read with the 'kafka' connector and the
** raw format, consumer group connect-<name> as Kafka Connect names it), CREATE TABLE
** `maxcompute_sink` (record mode, every MaxCompute option copied), and the INSERT between them.
** The MaxCompute options are checked by the 'maxcompute' descriptor when the script's CREATE
** TABLE runs, not here, so there is one set of rules; spans let the caller show those errors
** at the config's line and column. docs/maxcompute-connector-config.md has every decision.
**
** The JSON reader is a small one of its own because errors must point at keys and values
** (jansson keeps no positions).
**
** SPDX-License-Identifier: MIT
*/
#include "engine/connect_config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/buf.h"
#include "base/opt.h"
#include "connectors/maxcompute/options.h"
#include "sluice.h"

/* ---- JSON ----------------------------------------------------------------------------- */

#define JSON_MAX_DEPTH 64

typedef struct jparser {
    const char *s;
    size_t len, i;
    sl_arena *ar;
    sl_err *err;
    int depth;
} jparser;

/* "'x'", "end of input", or the control character's code, for messages. */
static const char *found(const jparser *p, char *buf, size_t cap)
{
    if (p->i >= p->len) return "end of input";
    unsigned char c = (unsigned char)p->s[p->i];
    if (c < 0x20) snprintf(buf, cap, "control character U+%04X", c);
    else snprintf(buf, cap, "'%c'", c);
    return buf;
}

static int jexpected(jparser *p, const char *what)
{
    char buf[48];
    return sl_err_at(p->err, SL_SYNTAX, (int)p->i, p->i < p->len ? 1 : 0, "Expected %s, found %s.",
                     what, found(p, buf, sizeof buf));
}

static void jws(jparser *p)
{
    while (p->i < p->len && strchr(" \t\r\n", p->s[p->i]) && p->s[p->i]) p->i++;
}

static int hex4(const char *s)
{
    int v = 0;
    for (int k = 0; k < 4; k++) {
        char c = s[k];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0) return -1;
        v = v * 16 + d;
    }
    return v;
}

static void put_utf8(sl_buf *b, unsigned cp)
{
    if (cp < 0x80) {
        sl_buf_putc(b, (char)cp);
    } else if (cp < 0x800) {
        sl_buf_putc(b, (char)(0xC0 | (cp >> 6)));
        sl_buf_putc(b, (char)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        sl_buf_putc(b, (char)(0xE0 | (cp >> 12)));
        sl_buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
        sl_buf_putc(b, (char)(0x80 | (cp & 0x3F)));
    } else {
        sl_buf_putc(b, (char)(0xF0 | (cp >> 18)));
        sl_buf_putc(b, (char)(0x80 | ((cp >> 12) & 0x3F)));
        sl_buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
        sl_buf_putc(b, (char)(0x80 | (cp & 0x3F)));
    }
}

/* A string token at p->i (a '"'); *out is the decoded text in the arena. */
static int jstring(jparser *p, const char **out)
{
    size_t start = p->i++;
    sl_buf b = SL_BUF_INIT;
    for (;;) {
        if (p->i >= p->len) {
            sl_buf_free(&b);
            return sl_err_at(p->err, SL_SYNTAX, (int)start, 1,
                             "Unterminated string: no closing '\"'.");
        }
        unsigned char c = (unsigned char)p->s[p->i];
        if (c == '"') break;
        if (c < 0x20) {
            sl_buf_free(&b);
            return sl_err_at(p->err, SL_SYNTAX, (int)p->i, 1,
                             "Control character U+%04X in a string; write it as an escape "
                             "(\\n, \\t, \\u%04X).",
                             c, c);
        }
        if (c != '\\') {
            sl_buf_putc(&b, (char)c);
            p->i++;
            continue;
        }
        char e = p->i + 1 < p->len ? p->s[p->i + 1] : 0;
        const char *simple = strchr("\"\\/bfnrt", e);
        if (e && simple) {
            sl_buf_putc(&b, "\"\\/\b\f\n\r\t"[simple - "\"\\/bfnrt"]);
            p->i += 2;
            continue;
        }
        int cp = e == 'u' && p->i + 6 <= p->len ? hex4(p->s + p->i + 2) : -1;
        if (cp < 0) {
            sl_buf_free(&b);
            return sl_err_at(p->err, SL_SYNTAX, (int)p->i, e ? 2 : 1,
                             "Invalid escape in a string; valid: \\\" \\\\ \\/ \\b \\f \\n \\r "
                             "\\t \\uXXXX.");
        }
        size_t at = p->i;
        p->i += 6;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            int lo = p->i + 6 <= p->len && p->s[p->i] == '\\' && p->s[p->i + 1] == 'u'
                         ? hex4(p->s + p->i + 2) : -1;
            if (lo < 0xDC00 || lo > 0xDFFF) {
                sl_buf_free(&b);
                return sl_err_at(p->err, SL_SYNTAX, (int)at, 6,
                                 "A high surrogate \\u%04X must be followed by a low surrogate.",
                                 cp);
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            p->i += 6;
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            sl_buf_free(&b);
            return sl_err_at(p->err, SL_SYNTAX, (int)at, 6, "A lone low surrogate \\u%04X.", cp);
        }
        if (cp == 0) {
            sl_buf_free(&b);
            return sl_err_at(p->err, SL_SYNTAX, (int)at, 6, "A NUL character (\\u0000) in a "
                                                             "string is not supported.");
        }
        put_utf8(&b, (unsigned)cp);
    }
    p->i++;
    *out = sl_arena_strndup(p->ar, b.p ? b.p : "", b.n);
    sl_buf_free(&b);
    return SL_OK;
}

static int digits(jparser *p)
{
    size_t from = p->i;
    while (p->i < p->len && p->s[p->i] >= '0' && p->s[p->i] <= '9') p->i++;
    return p->i > from;
}

static int jnumber(jparser *p)
{
    size_t start = p->i;
    if (p->s[p->i] == '-') p->i++;
    if (p->i < p->len && p->s[p->i] == '0') p->i++;
    else if (!digits(p)) return jexpected(p, "a digit");
    if (p->i < p->len && p->s[p->i] == '.') {
        p->i++;
        if (!digits(p)) return jexpected(p, "a digit after '.'");
    }
    if (p->i < p->len && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
        p->i++;
        if (p->i < p->len && (p->s[p->i] == '+' || p->s[p->i] == '-')) p->i++;
        if (!digits(p)) return jexpected(p, "a digit in the exponent");
    }
    SL_UNUSED(start);
    return SL_OK;
}

static int jvalue(jparser *p, sl_jvalue **out);

/* Room for item n of an arena array of *cap items of size elem: a copy twice as big when full. */
static void *grow(sl_arena *ar, void *items, int n, int *cap, size_t elem)
{
    if (n < *cap) return items;
    *cap = *cap ? *cap * 2 : 16;
    void *bigger = sl_arena_alloc(ar, elem * (size_t)*cap);
    if (n) memcpy(bigger, items, elem * (size_t)n);
    return bigger;
}

static int jobject(jparser *p, sl_jvalue *v)
{
    int cap = 0;
    p->i++;
    jws(p);
    if (p->i < p->len && p->s[p->i] == '}') {
        p->i++;
        return SL_OK;
    }
    for (;;) {
        jws(p);
        if (p->i >= p->len || p->s[p->i] != '"')
            return jexpected(p, v->n ? "a key (a string in double quotes)"
                                     : "a key (a string in double quotes) or '}'");
        sl_jmember m;
        m.key_off = (int)p->i;
        int rc = jstring(p, &m.key);
        if (rc) return rc;
        m.key_len = (int)p->i - m.key_off;
        for (int k = 0; k < v->n; k++)
            if (strcmp(v->members[k].key, m.key) == 0)
                return sl_err_at(p->err, SL_SYNTAX, m.key_off, m.key_len,
                                 "Duplicate key \"%s\" in an object; each key may appear once.",
                                 m.key);
        jws(p);
        if (p->i >= p->len || p->s[p->i] != ':') return jexpected(p, "':' after the key");
        p->i++;
        if ((rc = jvalue(p, &m.value))) return rc;
        v->members = grow(p->ar, v->members, v->n, &cap, sizeof m);
        v->members[v->n++] = m;
        jws(p);
        if (p->i < p->len && p->s[p->i] == ',') {
            p->i++;
            continue;
        }
        if (p->i < p->len && p->s[p->i] == '}') {
            p->i++;
            return SL_OK;
        }
        return jexpected(p, "',' or '}' after an object member");
    }
}

static int jarray(jparser *p, sl_jvalue *v)
{
    int cap = 0;
    p->i++;
    jws(p);
    if (p->i < p->len && p->s[p->i] == ']') {
        p->i++;
        return SL_OK;
    }
    for (;;) {
        sl_jvalue *item;
        int rc = jvalue(p, &item);
        if (rc) return rc;
        v->items = grow(p->ar, v->items, v->n, &cap, sizeof item);
        v->items[v->n++] = item;
        jws(p);
        if (p->i < p->len && p->s[p->i] == ',') {
            p->i++;
            continue;
        }
        if (p->i < p->len && p->s[p->i] == ']') {
            p->i++;
            return SL_OK;
        }
        return jexpected(p, "',' or ']' after an array item");
    }
}

static int jvalue(jparser *p, sl_jvalue **out)
{
    jws(p);
    sl_jvalue *v = sl_arena_calloc(p->ar, sizeof *v);
    *out = v;
    v->off = (int)p->i;
    if (p->i >= p->len) return jexpected(p, "a value");
    char c = p->s[p->i];
    int rc = SL_OK;
    if (c == '{' || c == '[') {
        if (++p->depth > JSON_MAX_DEPTH)
            return sl_err_at(p->err, SL_SYNTAX, (int)p->i, 1,
                             "Objects and arrays are nested more than %d deep.", JSON_MAX_DEPTH);
        v->kind = c == '{' ? SL_J_OBJECT : SL_J_ARRAY;
        rc = c == '{' ? jobject(p, v) : jarray(p, v);
        p->depth--;
    } else if (c == '"') {
        v->kind = SL_J_STRING;
        rc = jstring(p, &v->text);
    } else if (c == '-' || (c >= '0' && c <= '9')) {
        v->kind = SL_J_NUMBER;
        rc = jnumber(p);
    } else {
        static const char *const words[] = {"true", "false", "null"};
        size_t k = 0;
        for (; k < SL_ARRAY_LEN(words); k++) {
            size_t l = strlen(words[k]);
            if (p->len - p->i >= l && memcmp(p->s + p->i, words[k], l) == 0) break;
        }
        if (k == SL_ARRAY_LEN(words)) return jexpected(p, "a value");
        v->kind = k == 2 ? SL_J_NULL : SL_J_BOOL;
        p->i += strlen(words[k]);
    }
    if (rc) return rc;
    v->len = (int)p->i - v->off;
    if (v->kind == SL_J_NUMBER || v->kind == SL_J_BOOL)
        v->text = sl_arena_strndup(p->ar, p->s + v->off, (size_t)v->len);
    return SL_OK;
}

int sl_json_parse(sl_arena *ar, const char *text, size_t len, sl_jvalue **out, sl_err *err)
{
    jparser p = {text, len, 0, ar, err, 0};
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) p.i = 3; /* a UTF-8 byte order mark */
    int rc = jvalue(&p, out);
    if (rc) return rc;
    jws(&p);
    if (p.i < p.len)
        return sl_err_at(err, SL_SYNTAX, (int)p.i, 1,
                         "Unexpected text after the end of the JSON document.");
    return SL_OK;
}

/* ---- Java properties ------------------------------------------------------------------ */

/* One logical line's key or value, unescaped, up to a separator when key is set. */
static size_t props_token(sl_buf *b, const char *s, size_t i, size_t end, int key)
{
    while (i < end) {
        char c = s[i];
        if (key && (c == '=' || c == ':' || c == ' ' || c == '\t' || c == '\f')) break;
        if (c != '\\') {
            sl_buf_putc(b, c);
            i++;
            continue;
        }
        if (++i >= end) break;
        c = s[i++];
        if (c == '\r' || c == '\n') { /* a continuation: skip the line break and indentation */
            if (c == '\r' && i < end && s[i] == '\n') i++;
            while (i < end && (s[i] == ' ' || s[i] == '\t' || s[i] == '\f')) i++;
        } else if (c == 'u' && i + 4 <= end && hex4(s + i) >= 0) {
            put_utf8(b, (unsigned)hex4(s + i));
            i += 4;
        } else {
            const char *m = strchr("tnrf", c);
            sl_buf_putc(b, c && m ? "\t\n\r\f"[m - "tnrf"] : c);
        }
    }
    return i;
}

void sl_props_parse(sl_arena *ar, const char *s, size_t len, sl_props *out)
{
    int cap = 0;
    out->n = 0;
    out->keys = out->values = NULL;
    size_t i = 0;
    while (i < len) {
        /* The logical line: up to a line break not preceded by an odd number of '\'. */
        size_t start = i, end = i;
        for (;;) {
            while (end < len && s[end] != '\n' && s[end] != '\r') end++;
            size_t bs = 0;
            while (bs < end - start && s[end - 1 - bs] == '\\') bs++;
            if (end >= len || bs % 2 == 0) break;
            end += end + 1 < len && s[end] == '\r' && s[end + 1] == '\n' ? 2 : 1;
        }
        i = end < len ? end + 1 : end;
        while (start < end && (s[start] == ' ' || s[start] == '\t' || s[start] == '\f')) start++;
        if (start == end || s[start] == '#' || s[start] == '!') continue;
        sl_buf k = SL_BUF_INIT, v = SL_BUF_INIT;
        size_t p = props_token(&k, s, start, end, 1);
        while (p < end && (s[p] == ' ' || s[p] == '\t' || s[p] == '\f')) p++;
        if (p < end && (s[p] == '=' || s[p] == ':')) p++;
        while (p < end && (s[p] == ' ' || s[p] == '\t' || s[p] == '\f')) p++;
        props_token(&v, s, p, end, 0);
        int vcap = cap;
        out->keys = grow(ar, out->keys, out->n, &cap, sizeof(char *));
        out->values = grow(ar, out->values, out->n, &vcap, sizeof(char *));
        out->keys[out->n] = sl_arena_strndup(ar, k.p ? k.p : "", k.n);
        out->values[out->n++] = sl_arena_strndup(ar, v.p ? v.p : "", v.n);
        sl_buf_free(&k);
        sl_buf_free(&v);
    }
}

const char *sl_props_get(const sl_props *p, const char *key)
{
    for (int i = p->n - 1; i >= 0; i--)
        if (strcmp(p->keys[i], key) == 0) return p->values[i];
    return NULL;
}

/* ---- topics.regex --------------------------------------------------------------------- */

static const char *class_of(char c)
{
    switch (c) {
    case 'd': return "0-9";
    case 'w': return "A-Za-z0-9_";
    case 's': return "[:space:]";
    default: return NULL;
    }
}

int sl_java_regex_to_posix(sl_arena *ar, const char *re, const char **out, sl_err *err)
{
    sl_buf b = SL_BUF_INIT;
    int in_class = 0, class_dash = 0;
    const char *bad = NULL;
    for (const char *p = re; *p && !bad; p++) {
        char c = *p;
        if (c == '\\') {
            char e = p[1];
            if (!e) {
                bad = "a trailing '\\'";
                break;
            }
            p++;
            const char *cls = class_of((char)(e | 0x20));
            if (cls && (e == 'd' || e == 'w' || e == 's')) {
                sl_buf_printf(&b, in_class ? "%s" : "[%s]", cls);
            } else if (cls) { /* \D \W \S */
                if (in_class) bad = "a negated class (\\D, \\W, \\S) inside [...]";
                else sl_buf_printf(&b, "[^%s]", cls);
            } else if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9')) {
                bad = "an escape other than \\d \\w \\s \\D \\W \\S (\\b, \\p{...}, \\Q...\\E, "
                      "back-references ...)";
            } else if (in_class) {
                if (e == '-') class_dash = 1; /* literal '-': moved to the end of the class */
                else if (e == ']' || e == '[' || e == '^') bad = "an escaped '[', ']' or '^' inside [...]";
                else sl_buf_putc(&b, e);
            } else {
                sl_buf_putc(&b, '\\');
                sl_buf_putc(&b, e);
            }
        } else if (in_class) {
            if (c == '[' || (c == '&' && p[1] == '&')) bad = "a nested class or '&&' inside [...]";
            else if (c == ']') {
                if (class_dash) sl_buf_putc(&b, '-');
                sl_buf_putc(&b, ']');
                in_class = class_dash = 0;
            } else {
                sl_buf_putc(&b, c);
            }
        } else if (c == '[') {
            in_class = 1;
            sl_buf_putc(&b, '[');
            if (p[1] == '^') sl_buf_putc(&b, *++p);
            if (p[1] == ']') bad = "an empty class or ']' first in [...]";
        } else if (c == '(' && p[1] == '?') {
            bad = "a '(?' group (non-capturing, look-around or flags)";
        } else if ((c == '*' || c == '+' || c == '?' || c == '}') && (p[1] == '?' || p[1] == '+')) {
            bad = "a lazy or possessive quantifier";
        } else {
            sl_buf_putc(&b, c);
        }
    }
    if (!bad && in_class) bad = "an unterminated '['";
    if (bad) {
        sl_buf_free(&b);
        return sl_err_set(err, SL_CONFIG,
                          "The pattern '%s' of 'topics.regex' has %s, which has no equivalent in "
                          "the POSIX extended regular expressions sluice matches topic names "
                          "with.",
                          re, bad);
    }
    *out = sl_arena_strndup(ar, b.p ? b.p : "", b.n);
    sl_buf_free(&b);
    return SL_OK;
}

/* ---- the translation ------------------------------------------------------------------ */

#define MC_CLASS "com.aliyun.odps.kafka.connect.MaxComputeSinkConnector"
#define STRING_CONVERTER "org.apache.kafka.connect.storage.StringConverter"
#define BYTES_CONVERTER "org.apache.kafka.connect.converters.ByteArrayConverter"

/* One option of a generated WITH clause; member, when not NULL, is where it came from. */
typedef struct genopt {
    const char *key, *val;
    const sl_jmember *from;
    int secret;
} genopt;

typedef struct optlist {
    genopt v[128];
    int n;
} optlist;

typedef struct gen {
    sl_arena ar;
    sl_err *err;
    const sl_connect_opts *opts;
    sl_buf sql;
    sl_connect_span *spans;
    int nspans, cap;
    /* what the config says */
    const char *name;
    const sl_jvalue *name_val, *cfg;
    const sl_jmember *topics, *regex, *cls, *format;
    const char *conv[2];            /* key.converter, value.converter, or NULL */
    const sl_jmember *conv_from[2]; /* where they are set; NULL: in the worker config */
    optlist overrides;              /* consumer.override.* as properties.* */
    optlist source, sink;
} gen;

static void span(gen *g, size_t sql_off, int src_off, int src_len)
{
    if (g->nspans == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 32;
        g->spans = sl_realloc(g->spans, sizeof *g->spans * (size_t)g->cap);
    }
    g->spans[g->nspans++] =
        (sl_connect_span){(int)sql_off, (int)(g->sql.n - sql_off), src_off, src_len};
}

static void put_option(optlist *l, const char *key, const char *val, const sl_jmember *from,
                       int secret)
{
    for (int i = 0; i < l->n; i++)
        if (strcmp(l->v[i].key, key) == 0) {
            l->v[i] = (genopt){key, val, from, secret};
            return;
        }
    if (l->n < (int)SL_ARRAY_LEN(l->v)) l->v[l->n++] = (genopt){key, val, from, secret};
}

static void sql_literal(sl_buf *b, const char *s, char quote)
{
    sl_buf_putc(b, quote);
    for (; *s; s++) {
        if (*s == quote) sl_buf_putc(b, quote);
        sl_buf_putc(b, *s);
    }
    sl_buf_putc(b, quote);
}

/* The WITH clause of l; with whole, its span maps to the whole config object (errors about
** the clause, like a missing option, are about the config). */
static void emit_with(gen *g, const optlist *l, int whole)
{
    size_t with = g->sql.n;
    sl_buf_puts(&g->sql, "WITH (\n");
    for (int i = 0; i < l->n; i++) {
        const genopt *o = &l->v[i];
        sl_buf_puts(&g->sql, "  ");
        size_t at = g->sql.n;
        sql_literal(&g->sql, o->key, '\'');
        if (o->from) span(g, at, o->from->key_off, o->from->key_len);
        sl_buf_puts(&g->sql, " = ");
        at = g->sql.n;
        sql_literal(&g->sql, o->secret && g->opts->mask_secrets ? "******" : o->val, '\'');
        if (o->from) span(g, at, o->from->value->off, o->from->value->len);
        sl_buf_puts(&g->sql, i + 1 < l->n ? ",\n" : "\n");
    }
    sl_buf_puts(&g->sql, ")");
    if (whole) span(g, with, g->cfg->off, g->cfg->len);
}

static const char *const record_types[SL_MC_REC_COUNT] = {"STRING", "INT", "BIGINT",
                                                          "TIMESTAMP_LTZ(3)", "BYTES", "BYTES"};

static void emit_table(gen *g, const char *name, int metadata, const optlist *l)
{
    sl_buf_printf(&g->sql, "CREATE TABLE `%s` (\n", name);
    for (int k = 0; k < SL_MC_REC_COUNT; k++) {
        int meta = metadata && k != SL_MC_REC_KEY && k != SL_MC_REC_VALUE;
        sl_buf_printf(&g->sql, "  `%s` %s%s%s\n", sl_mc_reccol_name(k), record_types[k],
                      meta ? " METADATA VIRTUAL" : "", k + 1 < SL_MC_REC_COUNT ? "," : "");
    }
    sl_buf_puts(&g->sql, ") ");
    emit_with(g, l, !metadata);
    sl_buf_puts(&g->sql, ";\n");
}

static int cfg_error(gen *g, const sl_jmember *m, int at_value, const char *fmt, ...)
    SL_PRINTF(4, 5);
static int cfg_error(gen *g, const sl_jmember *m, int at_value, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (m && at_value) sl_err_vat(g->err, SL_CONFIG, m->value->off, m->value->len, fmt, ap);
    else if (m) sl_err_vat(g->err, SL_CONFIG, m->key_off, m->key_len, fmt, ap);
    else sl_err_vat(g->err, SL_CONFIG, -1, 0, fmt, ap);
    va_end(ap);
    return SL_CONFIG;
}

static const char *kind_name(int kind)
{
    static const char *const names[] = {"null", "a boolean", "a number", "a string", "an array",
                                        "an object"};
    return names[kind];
}

static int has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f) return 1;
    return 0;
}

/* Kafka Connect keys sluice knows but does not translate, and why. */
static const struct {
    const char *key;
    int prefix;
    const char *why;
} unsupported[] = {
    {"errors.", 1,
     "records that cannot be converted are handled by the MaxCompute connector's own options "
     "'skip_error' and 'runtime.error.topic.name', as in the Java connector (the Kafka Connect "
     "error handler never sees them)"},
    {"transforms", 0, "Single Message Transforms are not supported; transform in SQL instead "
                      "(sluice run --print-sql prints the SQL to start from)"},
    {"transforms.", 1, "Single Message Transforms are not supported"},
    {"predicates", 0, "predicates of Single Message Transforms are not supported"},
    {"predicates.", 1, "predicates of Single Message Transforms are not supported"},
    {"header.converter", 0, "the MaxCompute connector does not write headers"},
    {"key.converter.", 1, "converter settings are not supported (key and value are read as "
                          "bytes)"},
    {"value.converter.", 1, "converter settings are not supported (key and value are read as "
                            "bytes)"},
    {"config.action.reload", 0, "sluice reads the config once, when the job starts"},
};

static const char *const connect_keys[] = {"name",          "connector.class", "tasks.max",
                                           "topics",        "topics.regex",    "key.converter",
                                           "value.converter"};

static int unknown_key(gen *g, const sl_jmember *m)
{
    const char *names[128];
    int n = 0;
    for (size_t i = 0; i < SL_ARRAY_LEN(connect_keys); i++) names[n++] = connect_keys[i];
    for (int i = 0; i < sl_conn_maxcompute.nopts && n < (int)SL_ARRAY_LEN(names); i++)
        if (strcmp(sl_conn_maxcompute.opts[i].name, "connector") != 0)
            names[n++] = sl_conn_maxcompute.opts[i].name;
    const char *hint = sl_suggest(m->key, names, n);
    if (hint)
        return cfg_error(g, m, 0,
                         "Unsupported option '%s' for the MaxCompute sink connector. Did you mean "
                         "'%s'?",
                         m->key, hint);
    return cfg_error(g, m, 0,
                     "Unsupported option '%s' for the MaxCompute sink connector. The options are "
                     "Kafka Connect's name, connector.class, tasks.max, topics, topics.regex, "
                     "key.converter, value.converter, consumer.override.* and the connector's "
                     "own (docs/maxcompute-connector-config.md).",
                     m->key);
}

static int check_converter(gen *g, const sl_jmember *m, const char *val, const char *key,
                           const char *where)
{
    if (strcmp(val, STRING_CONVERTER) == 0 || strcmp(val, BYTES_CONVERTER) == 0) return SL_OK;
    return cfg_error(g, m, 1,
                     "Converter '%s' for '%s'%s is not supported: sluice reads key and value as "
                     "bytes, which the MaxCompute connector's formats then convert. Use "
                     STRING_CONVERTER " or " BYTES_CONVERTER ".",
                     val, key, where);
}

static int legal_topic(const char *t)
{
    size_t n = strlen(t);
    if (!n || n > 249 || strcmp(t, ".") == 0 || strcmp(t, "..") == 0) return 0;
    for (; *t; t++)
        if (!((*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z') || (*t >= '0' && *t <= '9') ||
              *t == '.' || *t == '_' || *t == '-'))
            return 0;
    return 1;
}

/* "a, b ,c" -> "a;b;c" (the kafka connector's list separator). */
static int topic_list(gen *g, const sl_jmember *m, const char **out)
{
    sl_buf b = SL_BUF_INIT;
    const char *p = m->value->text;
    int n = 0, rc = SL_OK;
    for (;;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        while (len && (*p == ' ' || *p == '\t')) p++, len--;
        while (len && (p[len - 1] == ' ' || p[len - 1] == '\t')) len--;
        char *t = sl_arena_strndup(&g->ar, p, len);
        if (!legal_topic(t)) {
            rc = cfg_error(g, m, 1,
                           "'%s' in 'topics' is not a legal Kafka topic name (1 to 249 of "
                           "a-z A-Z 0-9 . _ -).",
                           t);
            break;
        }
        for (const char *q = b.p; q && !rc;) {
            const char *qe = strchr(q, ';');
            size_t ql = qe ? (size_t)(qe - q) : strlen(q);
            if (ql == len && memcmp(q, t, len) == 0)
                rc = cfg_error(g, m, 1, "Topic '%s' is listed twice in 'topics'.", t);
            q = qe ? qe + 1 : NULL;
        }
        if (rc) break;
        sl_buf_printf(&b, "%s%s", n++ ? ";" : "", t);
        if (!e) break;
        p = e + 1;
    }
    if (!rc) *out = sl_arena_strdup(&g->ar, b.p);
    sl_buf_free(&b);
    return rc;
}

static int read_config(gen *g)
{
    const sl_jvalue *cfg = g->cfg;
    for (int i = 0; i < cfg->n; i++) {
        const sl_jmember *m = &cfg->members[i];
        const sl_jvalue *v = m->value;
        if (v->kind != SL_J_STRING && v->kind != SL_J_NUMBER && v->kind != SL_J_BOOL)
            return cfg_error(g, m, 1,
                             "The value of '%s' must be a string (or a number or boolean), not "
                             "%s.",
                             m->key, kind_name(v->kind));
        const char *key = m->key, *val = v->text;
        if (strcmp(key, "name") == 0) {
            if (g->name && strcmp(g->name, val) != 0)
                return cfg_error(g, m, 1,
                                 "The config's 'name' ('%s') differs from the connector's name "
                                 "('%s'); Kafka Connect rejects that.",
                                 val, g->name);
            if (!g->name) g->name = val, g->name_val = v;
        } else if (strcmp(key, "connector.class") == 0) {
            if (strcmp(val, MC_CLASS) && strcmp(val, "MaxComputeSinkConnector") &&
                strcmp(val, "MaxComputeSink"))
                return cfg_error(g, m, 1,
                                 "Connector class '%s' is not supported: sluice runs the "
                                 "MaxCompute sink connector, '" MC_CLASS "'.",
                                 val);
            g->cls = m;
        } else if (strcmp(key, "tasks.max") == 0) {
            char *end;
            long t = strtol(val, &end, 10);
            if (*end || end == val || t < 1 || t > INT32_MAX)
                return cfg_error(g, m, 1,
                                 "Invalid value '%s' for 'tasks.max'. Expected an integer of at "
                                 "least 1.",
                                 val);
        } else if (strcmp(key, "topics") == 0) {
            g->topics = m;
        } else if (strcmp(key, "topics.regex") == 0) {
            g->regex = m;
        } else if (strcmp(key, "key.converter") == 0 || strcmp(key, "value.converter") == 0) {
            int rc = check_converter(g, m, val, key, "");
            if (rc) return rc;
            g->conv[key[0] == 'v'] = val;
            g->conv_from[key[0] == 'v'] = m;
        } else if (strncmp(key, "consumer.override.", 18) == 0 && key[18]) {
            put_option(&g->overrides, sl_arena_printf(&g->ar, "properties.%s", key + 18), val, m,
                       sl_opt_is_secret(NULL, key));
        } else {
            const sl_opt_def *d = sl_opt_lookup(sl_conn_maxcompute.opts, sl_conn_maxcompute.nopts,
                                                key);
            if (d && strcmp(key, "connector") != 0) {
                put_option(&g->sink, key, val, m, sl_opt_is_secret(d, key));
                if (strcmp(key, "format") == 0) g->format = m;
                continue;
            }
            for (size_t k = 0; k < SL_ARRAY_LEN(unsupported); k++) {
                size_t l = strlen(unsupported[k].key);
                if (unsupported[k].prefix ? strncmp(key, unsupported[k].key, l) == 0
                                          : strcmp(key, unsupported[k].key) == 0)
                    return cfg_error(g, m, 0, "Kafka Connect option '%s' is not supported: %s.",
                                     key, unsupported[k].why);
            }
            return unknown_key(g, m);
        }
    }
    return SL_OK;
}

/* The Kafka cluster, the flush interval, and the worker's settings in *wp. */
static int read_worker(gen *g, const char **servers, long long *flush_ms, sl_props *wp)
{
    const sl_connect_opts *o = g->opts;
    const char *wname = o->worker_config_name ? o->worker_config_name : "the worker config";
    *servers = o->bootstrap_servers;
    *flush_ms = 60000; /* Kafka Connect's offset.flush.interval.ms default */
    memset(wp, 0, sizeof *wp);
    if (o->worker_config) {
        sl_props_parse(&g->ar, o->worker_config, strlen(o->worker_config), wp);
        if (!*servers) *servers = sl_props_get(wp, "consumer.bootstrap.servers");
        if (!*servers) *servers = sl_props_get(wp, "bootstrap.servers");
        if (!*servers)
            return sl_err_set(g->err, SL_CONFIG,
                              "%s has no bootstrap.servers: it must name the Kafka cluster "
                              "(host:port,...).",
                              wname);
        const char *f = sl_props_get(wp, "offset.flush.interval.ms");
        if (f) {
            char *end;
            *flush_ms = strtoll(f, &end, 10);
            if (*end || end == f || *flush_ms < 1)
                return sl_err_set(g->err, SL_CONFIG,
                                  "Invalid value '%s' for offset.flush.interval.ms in %s. "
                                  "Expected a positive number of milliseconds.",
                                  f, wname);
        }
        static const char *const convs[2] = {"key.converter", "value.converter"};
        for (int k = 0; k < 2; k++) {
            const char *c = sl_props_get(wp, convs[k]);
            if (!c || g->conv[k]) continue;
            char where[300];
            snprintf(where, sizeof where, " in %s", wname);
            int rc = check_converter(g, NULL, c, convs[k], where);
            if (rc) return rc;
            g->conv[k] = c;
        }
    }
    if (!*servers || !**servers)
        return sl_err_set(g->err, SL_CONFIG,
                          "No Kafka cluster is given: pass its bootstrap servers "
                          "(--bootstrap-servers HOST:PORT[,...]) or a Kafka Connect worker "
                          "config with bootstrap.servers (--worker-config FILE).");
    return SL_OK;
}

/* BINARY hands the Java connector's converter output to MaxCompute as byte[]. */
static int check_binary(gen *g)
{
    const char *fmt = g->format ? g->format->value->text : "TEXT";
    if (!sl_strcaseeq(fmt, "BINARY")) return SL_OK;
    for (int k = 0; k < 2; k++)
        if (g->conv[k] && strcmp(g->conv[k], STRING_CONVERTER) == 0)
            return cfg_error(g, g->conv_from[k], 1,
                             "'format' = 'BINARY' writes the record's bytes, but %s is "
                             "StringConverter%s%s, with which the Java connector fails every "
                             "record. Use " BYTES_CONVERTER ".",
                             k ? "value.converter" : "key.converter",
                             g->conv_from[k] ? "" : " in ",
                             g->conv_from[k] ? "" : (g->opts->worker_config_name
                                                         ? g->opts->worker_config_name
                                                         : "the worker config"));
    return SL_OK;
}

static int translate(gen *g, const char *json, size_t len)
{
    sl_jvalue *root;
    int rc = sl_json_parse(&g->ar, json, len, &root, g->err);
    if (rc) return rc;
    if (root->kind != SL_J_OBJECT)
        return sl_err_at(g->err, SL_CONFIG, root->off, root->len ? 1 : 0,
                         "A Kafka Connect config is a JSON object: {\"name\": \"...\", "
                         "\"config\": {\"connector.class\": \"" MC_CLASS "\", ...}}.");
    const sl_jmember *cfgm = NULL;
    int flat = 0;
    for (int i = 0; i < root->n; i++) {
        if (strcmp(root->members[i].key, "config") == 0) cfgm = &root->members[i];
        if (strcmp(root->members[i].key, "connector.class") == 0) flat = 1;
    }
    if (!flat) { /* {"name": ..., "config": {...}}, as POST /connectors takes it */
        static const char *const top[] = {"name", "config"};
        for (int i = 0; i < root->n; i++) {
            const sl_jmember *m = &root->members[i];
            if (m == cfgm) continue;
            if (strcmp(m->key, "name") != 0) {
                const char *hint = sl_suggest(m->key, top, 2);
                if (hint)
                    return cfg_error(g, m, 0,
                                     "Unsupported key '%s' at the top of the config. Did you "
                                     "mean '%s'?",
                                     m->key, hint);
                return cfg_error(g, m, 0,
                                 "Unsupported key '%s' at the top of the config: it has 'name' "
                                 "and 'config'.",
                                 m->key);
            }
            if (m->value->kind != SL_J_STRING)
                return cfg_error(g, m, 1, "The value of 'name' must be a string, not %s.",
                                 kind_name(m->value->kind));
            g->name = m->value->text;
            g->name_val = m->value;
        }
        if (!cfgm)
            return sl_err_at(g->err, SL_CONFIG, root->off, 1,
                             "The config has no 'config' object: a Kafka Connect config is "
                             "{\"name\": \"...\", \"config\": {\"connector.class\": \"" MC_CLASS
                             "\", ...}}, or the \"config\" object alone.");
        if (cfgm->value->kind != SL_J_OBJECT)
            return cfg_error(g, cfgm, 1, "The value of 'config' must be an object, not %s.",
                             kind_name(cfgm->value->kind));
        g->cfg = cfgm->value;
    } else { /* the config object alone, as PUT /connectors/<name>/config takes it */
        g->cfg = root;
    }
    if ((rc = read_config(g))) return rc;
    if (!g->name || !*g->name || has_control(g->name))
        return sl_err_at(g->err, SL_CONFIG, g->name_val ? g->name_val->off : g->cfg->off,
                         g->name_val ? g->name_val->len : 1,
                         g->name ? "The connector's 'name' must be non-empty and without control "
                                   "characters."
                                 : "The config has no 'name': Kafka Connect names every "
                                   "connector; sluice names the consumer group connect-<name> "
                                   "and the job after it.");
    if (!g->cls)
        return sl_err_at(g->err, SL_CONFIG, g->cfg->off, 1,
                         "The config has no 'connector.class'; it must be '" MC_CLASS "'.");
    if (g->topics && g->regex)
        return cfg_error(g, g->regex, 0,
                         "'topics' and 'topics.regex' are both set; set one of them, as Kafka "
                         "Connect requires.");
    if (!g->topics && !g->regex)
        return sl_err_at(g->err, SL_CONFIG, g->cfg->off, 1,
                         "The config has neither 'topics' nor 'topics.regex': one of them names "
                         "the topics to read.");
    const char *servers;
    long long flush_ms;
    sl_props wp;
    if ((rc = read_worker(g, &servers, &flush_ms, &wp))) return rc;
    if ((rc = check_binary(g))) return rc;

    /* The consumer as Kafka Connect configures a sink's: group connect-<name>, from the
    ** earliest offset without committed ones; then the worker's consumer.* settings; then the
    ** connector's consumer.override.* (put_option replaces a key in place). */
    put_option(&g->source, "connector", "kafka", NULL, 0);
    if (g->topics) {
        const char *list;
        if ((rc = topic_list(g, g->topics, &list))) return rc;
        put_option(&g->source, "topic", list, g->topics, 0);
    } else {
        const char *posix;
        if ((rc = sl_java_regex_to_posix(&g->ar, g->regex->value->text, &posix, g->err))) {
            sl_err_locate(g->err, g->regex->value->off, g->regex->value->len);
            return rc;
        }
        put_option(&g->source, "topic-pattern", posix, g->regex, 0);
    }
    put_option(&g->source, "properties.bootstrap.servers", servers, NULL, 0);
    put_option(&g->source, "properties.group.id", sl_arena_printf(&g->ar, "connect-%s", g->name),
               NULL, 0);
    put_option(&g->source, "scan.startup.mode", "group-offsets", NULL, 0);
    put_option(&g->source, "properties.auto.offset.reset", "earliest", NULL, 0);
    put_option(&g->source, "key.format", "raw", NULL, 0);
    put_option(&g->source, "key.fields", "key", NULL, 0);
    put_option(&g->source, "value.format", "raw", NULL, 0);
    put_option(&g->source, "value.fields-include", "EXCEPT_KEY", NULL, 0);
    for (int i = 0; i < wp.n; i++)
        if (strncmp(wp.keys[i], "consumer.", 9) == 0 && wp.keys[i][9] &&
            strcmp(wp.keys[i], "consumer.bootstrap.servers") != 0)
            put_option(&g->source, sl_arena_printf(&g->ar, "properties.%s", wp.keys[i] + 9),
                       wp.values[i], NULL, sl_opt_is_secret(NULL, wp.keys[i]));
    for (int i = 0; i < g->overrides.n; i++) {
        const genopt *o = &g->overrides.v[i];
        put_option(&g->source, o->key, o->val, o->from, o->secret);
    }

    optlist sink = g->sink;
    g->sink.n = 0;
    put_option(&g->sink, "connector", "maxcompute", NULL, 0);
    for (int i = 0; i < sink.n; i++) g->sink.v[g->sink.n++] = sink.v[i];
    if (!g->format) put_option(&g->sink, "format", "TEXT", NULL, 0); /* the Java default */

    sl_buf *b = &g->sql;
    sl_buf_printf(b, "-- The Kafka Connect config '%s' (MaxComputeSinkConnector) as SQL;\n"
                     "-- see docs/maxcompute-connector-config.md.\n", g->name);
    sl_buf_puts(b, "SET 'pipeline.name' = ");
    size_t at = b->n;
    sql_literal(b, g->name, '\'');
    if (g->name_val) span(g, at, g->name_val->off, g->name_val->len);
    sl_buf_printf(b, ";\nSET 'execution.checkpointing.interval' = '%lld ms';\n", flush_ms);
    emit_table(g, "kafka_source", 1, &g->source);
    emit_table(g, "maxcompute_sink", 0, &g->sink);
    sl_buf_puts(b, "INSERT INTO `maxcompute_sink` SELECT * FROM `kafka_source`;\n");
    return SL_OK;
}

int sl_connect_config_to_sql(const char *json, size_t len, const sl_connect_opts *opts,
                             sl_connect_result *res)
{
    if (!res) return SL_MISUSE;
    memset(res, 0, sizeof *res);
    res->err_offset = -1;
    if (!json || !opts) {
        res->errmsg = sl_strdup("sl_connect_config_to_sql: json and opts must not be NULL");
        return SL_MISUSE;
    }
    sl_err err = SL_ERR_INIT;
    gen *g = sl_calloc(1, sizeof *g);
    sl_arena_init(&g->ar, 8192);
    g->err = &err;
    g->opts = opts;
    int rc = translate(g, json, len);
    if (rc) {
        res->errmsg = sl_strdup(err.msg);
        res->err_offset = err.offset;
        res->err_len = err.offset >= 0 ? err.len : 0;
        sl_buf_free(&g->sql);
        sl_free(g->spans);
    } else {
        res->sql = sl_buf_detach(&g->sql);
        res->spans = g->spans;
        res->nspans = g->nspans;
    }
    sl_arena_free(&g->ar);
    sl_free(g);
    return rc;
}

int sl_connect_map(const sl_connect_result *res, int sql_offset, int *len)
{
    const sl_connect_span *best = NULL;
    for (int i = 0; res && i < res->nspans; i++) {
        const sl_connect_span *s = &res->spans[i];
        if (sql_offset >= s->sql_offset && sql_offset < s->sql_offset + s->sql_len &&
            (!best || s->sql_len < best->sql_len))
            best = s;
    }
    if (len) *len = best ? best->src_len : 0;
    return best ? best->src_offset : -1;
}

void sl_connect_result_free(sl_connect_result *res)
{
    if (!res) return;
    sl_free(res->sql);
    sl_free(res->errmsg);
    sl_free(res->spans);
    memset(res, 0, sizeof *res);
    res->err_offset = -1;
}
