/*
** cli/subst.c — ${...} substitution in job scripts (see subst.h).
**
** A small scanner walks the script once, tracking whether it is inside a comment (where
** nothing is substituted), and copies text to the output, replacing each variable by its
** value. Every replacement is recorded so error positions reported against the substituted
** text can be mapped back to the file the user wrote.
**
** SPDX-License-Identifier: MIT
*/
#include "subst.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct outbuf {
    char *p;
    size_t n, cap;
} outbuf;

static void put(outbuf *o, const char *s, size_t n)
{
    if (o->n + n + 1 > o->cap) {
        size_t cap = o->cap ? o->cap : 4096;
        while (cap < o->n + n + 1) cap *= 2;
        char *np = realloc(o->p, cap);
        if (!np) {
            fputs("sluice: fatal: out of memory\n", stderr);
            exit(70);
        }
        o->p = np;
        o->cap = cap;
    }
    memcpy(o->p + o->n, s, n);
    o->n += n;
    o->p[o->n] = 0;
}

static int fail(sl_subst *s, size_t off, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->errmsg, sizeof s->errmsg, fmt, ap);
    va_end(ap);
    s->err_offset = off;
    return -1;
}

static const char *lookup_define(const sl_subst *s, const char *name, size_t n)
{
    for (int i = s->ndefines - 1; i >= 0; i--) {
        const char *d = s->defines[i];
        if (strncmp(d, name, n) == 0 && d[n] == '=') return d + n + 1;
    }
    return NULL;
}

static char *read_secret_file(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = malloc(65537);
    size_t n = buf ? fread(buf, 1, 65536, f) : 0;
    fclose(f);
    if (!buf) return NULL;
    buf[n] = 0;
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r')) buf[--n] = 0;
    return buf;
}

static int add_seg(sl_subst *s, size_t orig, size_t orig_len, size_t out, size_t out_len)
{
    sl_subst_seg *ns = realloc(s->segs, sizeof *ns * (size_t)(s->nsegs + 1));
    if (!ns) return -1;
    s->segs = ns;
    s->segs[s->nsegs++] = (sl_subst_seg){orig, orig_len, out, out_len};
    return 0;
}

/* Expand the variable whose text (between "${" and "}") is body[0..n); at is its offset. */
static int expand(sl_subst *s, outbuf *o, const char *body, size_t n, size_t at)
{
    char name[256];
    size_t namelen = 0;
    while (namelen < n && body[namelen] != ':') namelen++;
    if (namelen == 0 || namelen >= sizeof name)
        return fail(s, at, "invalid variable reference ${%.*s}", (int)(n > 64 ? 64 : n), body);
    memcpy(name, body, namelen);
    name[namelen] = 0;
    for (size_t i = 0; i < namelen; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.'))
            return fail(s, at, "invalid variable name '%s'", name);
    }
    const char *value = NULL;
    char *owned = NULL;
    int secret = 0;
    if (strncmp(name, "secret_values.", 14) == 0) {
        const char *sname = name + 14;
        char env[300];
        snprintf(env, sizeof env, "SLUICE_SECRET_%s", sname);
        value = getenv(env);
        if (!value && s->secrets_dir) value = owned = read_secret_file(s->secrets_dir, sname);
        if (!value)
            return fail(s, at,
                        "secret '%s' is not defined: set SLUICE_SECRET_%s or put a file named "
                        "'%s' in the secrets directory (--secrets-dir%s%s)",
                        sname, sname, sname, s->secrets_dir ? " " : "",
                        s->secrets_dir ? s->secrets_dir : " is not set");
        secret = 1;
    } else {
        value = lookup_define(s, name, namelen);
        if (!value) value = getenv(name);
    }
    const char *rest = body + namelen;
    size_t restn = n - namelen;
    if (restn >= 2 && rest[0] == ':' && rest[1] == '-') {
        if (!value || !*value) value = NULL, put(o, rest + 2, restn - 2);
    } else if (restn >= 2 && rest[0] == ':' && rest[1] == '?') {
        if (!value || !*value)
            return fail(s, at, "%s: %.*s", name, (int)(restn - 2 > 400 ? 400 : restn - 2),
                        rest + 2);
    } else if (restn) {
        return fail(s, at, "invalid variable reference ${%.*s}: expected ${NAME}, "
                           "${NAME:-default} or ${NAME:?message}",
                    (int)(n > 64 ? 64 : n), body);
    } else if (!value) {
        return fail(s, at,
                    "variable '%s' is not defined: pass --define %s=VALUE or set the "
                    "environment variable",
                    name, name);
    }
    if (value) {
        if (strchr(value, '\n')) {
            free(owned);
            return fail(s, at, "the value of variable '%s' contains a newline", name);
        }
        if (s->json) {
            for (const char *v = value; *v; v++) {
                char esc[8];
                unsigned char c = (unsigned char)*v;
                if (c == '"' || c == '\\') snprintf(esc, sizeof esc, "\\%c", c);
                else if (c < 0x20) snprintf(esc, sizeof esc, "\\u%04x", c);
                else esc[0] = (char)c, esc[1] = 0;
                put(o, esc, strlen(esc));
            }
        } else {
            put(o, value, strlen(value));
        }
        if (secret && *value) {
            char **ns = realloc(s->secrets, sizeof(char *) * (size_t)(s->nsecrets + 1));
            if (ns) {
                s->secrets = ns;
                s->secrets[s->nsecrets++] = strdup(value);
            }
        }
    }
    free(owned);
    return 0;
}

int sl_subst_run(sl_subst *s, const char *src, size_t len)
{
    outbuf o = {NULL, 0, 0};
    put(&o, "", 0);
    size_t i = 0;
    enum { NORMAL, LINE_COMMENT, BLOCK_COMMENT } st = NORMAL;
    while (i < len) {
        char c = src[i];
        if (st == LINE_COMMENT) {
            if (c == '\n') st = NORMAL;
            put(&o, &c, 1);
            i++;
            continue;
        }
        if (st == BLOCK_COMMENT) {
            if (c == '*' && i + 1 < len && src[i + 1] == '/') {
                put(&o, "*/", 2);
                i += 2;
                st = NORMAL;
                continue;
            }
            put(&o, &c, 1);
            i++;
            continue;
        }
        if (c == '-' && i + 1 < len && src[i + 1] == '-' && !s->json) {
            st = LINE_COMMENT;
        } else if (c == '/' && i + 1 < len && src[i + 1] == '*' && !s->json) {
            put(&o, "/*", 2);
            i += 2;
            st = BLOCK_COMMENT;
            continue;
        } else if (c == '$' && i + 1 < len && src[i + 1] == '$') {
            size_t out_at = o.n;
            put(&o, "$", 1);
            if (add_seg(s, i, 2, out_at, 1)) goto oom;
            i += 2;
            continue;
        } else if (c == '$' && i + 1 < len && src[i + 1] == '{') {
            size_t j = i + 2;
            while (j < len && src[j] != '}' && src[j] != '\n') j++;
            if (j >= len || src[j] != '}') {
                free(o.p);
                return fail(s, i, "unterminated variable reference: missing '}'");
            }
            size_t out_at = o.n;
            if (expand(s, &o, src + i + 2, j - i - 2, i)) {
                free(o.p);
                return -1;
            }
            if (add_seg(s, i, j + 1 - i, out_at, o.n - out_at)) goto oom;
            i = j + 1;
            continue;
        }
        put(&o, &c, 1);
        i++;
    }
    s->out = o.p;
    s->out_len = o.n;
    return 0;
oom:
    free(o.p);
    return fail(s, 0, "out of memory");
}

size_t sl_subst_map(const sl_subst *s, size_t out)
{
    long delta = 0;
    for (int k = 0; k < s->nsegs; k++) {
        const sl_subst_seg *g = &s->segs[k];
        if (out < g->out) break;
        if (out < g->out + g->out_len) return g->orig;
        delta = (long)(g->orig + g->orig_len) - (long)(g->out + g->out_len);
    }
    return (size_t)((long)out + delta);
}

void sl_subst_free(sl_subst *s)
{
    free(s->out);
    free(s->segs);
    for (int k = 0; k < s->nsecrets; k++) free(s->secrets[k]);
    free(s->secrets);
    s->out = NULL;
    s->segs = NULL;
    s->secrets = NULL;
    s->nsegs = s->nsecrets = 0;
}
