/*
** base/opt.c — option tables: lookup, value checks, suggestions, typed getters.
**
** SPDX-License-Identifier: MIT
*/
#include "base/opt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/duration.h"

const sl_opt_def *sl_opt_lookup(const sl_opt_def *defs, int n, const char *key)
{
    const sl_opt_def *best = NULL;
    size_t bestlen = 0;
    for (int i = 0; i < n; i++) {
        const sl_opt_def *d = &defs[i];
        if (d->type == SL_OPT_PREFIX) {
            size_t l = strlen(d->name);
            if (strncmp(key, d->name, l) == 0 && key[l] && l > bestlen) {
                best = d;
                bestlen = l;
            }
        } else if (strcmp(d->name, key) == 0) {
            return d;
        }
    }
    return best;
}

static int parse_long(const char *s, int64_t *out)
{
    char *end;
    if (!*s) return -1;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || end == s || s[0] == ' ' || s[0] == '\t') return -1;
    *out = v;
    return 0;
}

int sl_opt_parse_bool(const char *text)
{
    if (sl_strcaseeq(text, "true")) return 1;
    if (sl_strcaseeq(text, "false")) return 0;
    return -1;
}

int sl_opt_unescape_char(const char *s)
{
    if (s[0] == '\\' && s[1] && !s[2]) {
        switch (s[1]) {
        case 't': return '\t';
        case 'n': return '\n';
        case 'r': return '\r';
        case 'f': return '\f';
        case 'b': return '\b';
        case '0': return 0;
        case '\\': return '\\';
        case '\'': return '\'';
        case '"': return '"';
        default: return -1;
        }
    }
    if (s[0] && !s[1]) return (unsigned char)s[0];
    return -1;
}

static void choices_text(char *out, size_t n, const char *choices)
{
    size_t j = 0;
    for (const char *p = choices; *p && j + 3 < n; p++) {
        if (*p == '|') {
            out[j++] = ',';
            out[j++] = ' ';
        } else {
            out[j++] = *p;
        }
    }
    out[j] = 0;
}

static int enum_match(const char *choices, const char *val)
{
    size_t vl = strlen(val);
    const char *p = choices;
    while (*p) {
        const char *e = strchr(p, '|');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (l == vl && sl_strncaseeq(p, val, l)) return 1;
        if (!e) break;
        p = e + 1;
    }
    return 0;
}

int sl_opt_check_value(const sl_opt_def *def, const char *key, const char *val, sl_err *err)
{
    int64_t v;
    switch (def->type) {
    case SL_OPT_INT:
    case SL_OPT_LONG: {
        int64_t lo = def->min, hi = def->max;
        if (lo > hi) {
            lo = def->type == SL_OPT_INT ? INT32_MIN : INT64_MIN;
            hi = def->type == SL_OPT_INT ? INT32_MAX : INT64_MAX;
        }
        if (parse_long(val, &v) || v < lo || v > hi) {
            if (def->min <= def->max)
                return sl_err_set(err, SL_CONFIG,
                                  "Invalid value '%s' for option '%s'. Expected an integer from "
                                  "%lld to %lld.",
                                  val, key, (long long)lo, (long long)hi);
            return sl_err_set(err, SL_CONFIG,
                              "Invalid value '%s' for option '%s'. Expected an integer.", val,
                              key);
        }
        return SL_OK;
    }
    case SL_OPT_BOOL:
        if (sl_opt_parse_bool(val) < 0)
            return sl_err_set(err, SL_CONFIG,
                              "Invalid value '%s' for option '%s'. Expected 'true' or 'false'.",
                              val, key);
        return SL_OK;
    case SL_OPT_DURATION: {
        sl_err sub = SL_ERR_INIT;
        int64_t ns;
        if (sl_duration_parse(val, &ns, &sub))
            return sl_err_set(err, SL_CONFIG, "Invalid value for option '%s'. %s", key, sub.msg);
        return SL_OK;
    }
    case SL_OPT_ENUM:
        if (!enum_match(def->choices, val)) {
            char list[512];
            choices_text(list, sizeof list, def->choices);
            return sl_err_set(err, SL_CONFIG,
                              "Invalid value '%s' for option '%s'. Valid values are: %s.", val,
                              key, list);
        }
        return SL_OK;
    case SL_OPT_CHAR:
        if (sl_opt_unescape_char(val) < 0)
            return sl_err_set(err, SL_CONFIG,
                              "Option '%s' must be a string with single character, but was: %s",
                              key, val);
        return SL_OK;
    default: return SL_OK;
    }
}

/* Edit distance with the usual single-row dynamic program; small inputs only. */
static int edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 128 || lb > 128) return 1 << 20;
    int row[129];
    for (size_t j = 0; j <= lb; j++) row[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int prev = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int cur = row[j];
            int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            int best = prev + cost;
            if (row[j] + 1 < best) best = row[j] + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            prev = cur;
        }
    }
    return row[lb];
}

const char *sl_suggest(const char *key, const char *const *cand, int n)
{
    const char *best = NULL;
    int bestd = 1 << 20;
    for (int i = 0; i < n; i++) {
        int d = edit_distance(key, cand[i]);
        if (d < bestd) {
            bestd = d;
            best = cand[i];
        }
    }
    if (!best) return NULL;
    /* A plausible typo changes at most a third of the name (and at least allows 2 edits). */
    int limit = (int)strlen(key) / 3;
    if (limit < 2) limit = 2;
    return bestd <= limit ? best : NULL;
}

const char *sl_opt_str(const sl_optset *os, const char *key, const char *dflt)
{
    const char *v = sl_optset_get(os, key);
    return v ? v : dflt;
}

int64_t sl_opt_long(const sl_optset *os, const char *key, int64_t dflt)
{
    const char *v = sl_optset_get(os, key);
    int64_t out;
    return v && parse_long(v, &out) == 0 ? out : dflt;
}

int sl_opt_bool(const sl_optset *os, const char *key, int dflt)
{
    const char *v = sl_optset_get(os, key);
    int b = v ? sl_opt_parse_bool(v) : -1;
    return b < 0 ? dflt : b;
}

int64_t sl_opt_duration_ms(const sl_optset *os, const char *key, int64_t dflt_ms)
{
    const char *v = sl_optset_get(os, key);
    int64_t ns;
    sl_err err = SL_ERR_INIT;
    if (!v || sl_duration_parse(v, &ns, &err)) return dflt_ms;
    return ns / 1000000;
}

static int contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (sl_strncaseeq(hay, needle, n)) return 1;
    return 0;
}

int sl_opt_is_secret(const sl_opt_def *def, const char *key)
{
    static const char *const words[] = {"password",   "secret",           "apikey",
                                        "api-key",    "token",            "access_key",
                                        "access.key", "accesskey",        "sasl.jaas.config",
                                        "basic-auth", "http-headers",     "credential",
                                        "private.key", "key.password"};
    if (def && (def->flags & SL_OPT_SECRET)) return 1;
    for (size_t i = 0; i < SL_ARRAY_LEN(words); i++)
        if (contains_ci(key, words[i])) return 1;
    return 0;
}
