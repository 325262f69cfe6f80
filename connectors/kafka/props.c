/*
** connectors/kafka/props.c — Java Kafka client properties translated for librdkafka.
**
** One static table (as librdkafka's own property table) has a row per Java client property
** that Flink DDL may carry in 'properties.*': its kind (same name, renamed, converted, Java
** default only, ignored because Flink overrides it, rejected), the Java value type, the
** librdkafka target and, where names alone do not do it, a conversion function. Conversions
** that need several options at once (key and trust stores, sasl.jaas.config and
** sasl.mechanism, the Kerberos kinit command and DLI's connector.kerberos.*) read the others
** from the option set. Names that are not in the table pass through when librdkafka knows
** them. Every produced setting is tried on a scratch rd_kafka_conf_t, so a value librdkafka
** would refuse is reported at translation (CREATE TABLE), naming the option as written.
**
** Secrets: values of options whose name is secret (sl_opt_is_secret) and every value coming
** out of them are marked secret and never appear in a message; JAAS errors name option keys
** and character positions only.
**
** SPDX-License-Identifier: MIT
*/
#include "connectors/kafka/props.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/buf.h"
#include "base/opt.h"

#define PREFIX     "properties."
#define PREFIX_LEN 11

/* Java ConfigDef types: how a value is checked and normalised before it is used. */
enum { T_STRING, T_INT, T_LONG, T_DOUBLE, T_BOOL, T_LIST, T_CLASS, T_PASSWORD };

/* ---- translation state ------------------------------------------------------------------ */

typedef struct xl {
    const sl_optset *opts;
    int role;
    int cur;          /* index of the option being translated */
    const char *name; /* its name without 'properties.' */
    const char *val;  /* its value as written */
    int secret;       /* its value is a secret */
    sl_kafka_settings *out;
    rd_kafka_conf_t *scratch; /* settings are tried here; created on first use */
    char **tmp;               /* strings freed when translation ends */
    int ntmp, captmp;
    int *bad;
    sl_err *err;
} xl;

struct row;
typedef int (*conv_fn)(xl *x, const struct row *r);

typedef struct row {
    sl_kafka_prop p;
    uint8_t type;     /* T_* */
    conv_fn conv;     /* NULL: the value, normalised for its type, goes to p.target */
    const char *dflt; /* SL_KPROP_DEFAULT_ONLY: the Java default */
} row;

/* A string owned by the translation (freed at its end). */
static char *keep(xl *x, char *s)
{
    if (x->ntmp == x->captmp) {
        x->captmp = x->captmp ? 2 * x->captmp : 16;
        x->tmp = sl_realloc(x->tmp, sizeof *x->tmp * (size_t)x->captmp);
    }
    x->tmp[x->ntmp++] = s;
    return s;
}

static char *kfmt(xl *x, const char *fmt, ...) SL_PRINTF(2, 3);
static char *kfmt(xl *x, const char *fmt, ...)
{
    sl_buf b = SL_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    sl_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    return keep(x, sl_buf_detach(&b));
}

/* Java's String.trim(): drop bytes <= ' ' at both ends. */
static char *trimmed(xl *x, const char *s)
{
    while (*s && (unsigned char)*s <= ' ') s++;
    size_t n = strlen(s);
    while (n && (unsigned char)s[n - 1] <= ' ') n--;
    return keep(x, sl_strndup(s, n));
}

static char *upper(xl *x, const char *s)
{
    char *u = keep(x, sl_strdup(s));
    for (char *p = u; *p; p++) *p = (char)toupper((unsigned char)*p);
    return u;
}

static char *lower(xl *x, const char *s)
{
    char *u = keep(x, sl_strdup(s));
    for (char *p = u; *p; p++) *p = (char)tolower((unsigned char)*p);
    return u;
}

/* ---- errors ------------------------------------------------------------------------------ */

/* Record an error about option i, positioned on its value (at_value) or its key. */
static int fail_vat(xl *x, int i, int at_value, const char *fmt, va_list ap)
{
    char msg[SL_ERR_MSG_MAX];
    vsnprintf(msg, sizeof msg, fmt, ap);
    sl_err_set(x->err, SL_CONFIG, "%s", msg);
    const sl_opt *o = &x->opts->items[i];
    if (at_value && o->val_off >= 0 && o->val_len > 0)
        sl_err_locate(x->err, o->val_off, o->val_len);
    else if (o->key_off >= 0)
        sl_err_locate(x->err, o->key_off, o->key_len);
    if (x->bad) *x->bad = i;
    return SL_CONFIG;
}

static int fail_at(xl *x, int i, int at_value, const char *fmt, ...) SL_PRINTF(4, 5);
static int fail_at(xl *x, int i, int at_value, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fail_vat(x, i, at_value, fmt, ap);
    va_end(ap);
    return SL_CONFIG;
}

/* An error about the value of the current option. */
static int fail(xl *x, const char *fmt, ...) SL_PRINTF(2, 3);
static int fail(xl *x, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fail_vat(x, x->cur, 1, fmt, ap);
    va_end(ap);
    return SL_CONFIG;
}

/* "Invalid value 'v' for Kafka client property 'properties.x'. <why>", the value masked. */
static int invalid(xl *x, const char *why)
{
    if (x->secret)
        return fail(x, "Invalid value for Kafka client property '" PREFIX "%s'. %s", x->name, why);
    return fail(x, "Invalid value '%s' for Kafka client property '" PREFIX "%s'. %s", x->val,
                x->name, why);
}

static int no_equivalent(xl *x, const char *why)
{
    return fail_at(x, x->cur, 0,
                   "Kafka client property '" PREFIX "%s' has no librdkafka equivalent: %s", x->name,
                   why);
}

/* ---- settings ---------------------------------------------------------------------------- */

static void push(sl_kafka_settings *s, const char *key, const char *val, int secret, int opt)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 16;
        s->items = sl_realloc(s->items, sizeof *s->items * (size_t)s->cap);
    }
    sl_kafka_setting *it = &s->items[s->n++];
    it->key = sl_strdup(key);
    it->value = sl_strdup(val);
    it->secret = secret;
    it->opt = opt;
}

static void drop_from(sl_kafka_settings *s, int n0)
{
    for (int i = n0; i < s->n; i++) {
        sl_free(s->items[i].key);
        sl_free(s->items[i].value);
    }
    s->n = n0;
}

/*
** Produce librdkafka setting key = val from the current option, after librdkafka accepted it on
** the scratch configuration.
*/
static int emit(xl *x, const char *key, const char *val, int secret)
{
    char errstr[512];
    secret = secret || x->secret || sl_opt_is_secret(NULL, key);
    if (!x->scratch) x->scratch = rd_kafka_conf_new();
    rd_kafka_conf_res_t r = rd_kafka_conf_set(x->scratch, key, val, errstr, sizeof errstr);
    if (r == RD_KAFKA_CONF_UNKNOWN)
        return fail_at(x, x->cur, 0,
                       "Kafka client property '" PREFIX "%s' maps to librdkafka's '%s', which "
                       "librdkafka %s does not know",
                       x->name, key, rd_kafka_version_str());
    if (r != RD_KAFKA_CONF_OK && strstr(errstr, "not supported in this build"))
        /* e.g. Debian 12's librdkafka 2.0.2 has no OIDC; errstr names no value */
        return fail_at(x, x->cur, 0,
                       "Kafka client property '" PREFIX "%s' has no equivalent in this "
                       "librdkafka (%s): %s",
                       x->name, rd_kafka_version_str(), errstr);
    if (r != RD_KAFKA_CONF_OK) {
        const char *as = strcmp(key, x->name) ? kfmt(x, " (librdkafka's '%s')", key) : "";
        if (secret)
            return fail(x, "Invalid value for Kafka client property '" PREFIX "%s'%s", x->name, as);
        return fail(x, "Invalid value '%s' for Kafka client property '" PREFIX "%s'%s: %s", val,
                    x->name, as, errstr);
    }
    push(x->out, key, val, secret, x->cur);
    return SL_OK;
}

/* ---- looking at other options ------------------------------------------------------------ */

/* Index of the last option named PREFIX name, or -1. */
static int find(const xl *x, const char *name)
{
    for (int i = x->opts->n - 1; i >= 0; i--) {
        const char *k = x->opts->items[i].key;
        if (strncmp(k, PREFIX, PREFIX_LEN) == 0 && strcmp(k + PREFIX_LEN, name) == 0) return i;
    }
    return -1;
}

static const char *val_of(const xl *x, int i)
{
    return i >= 0 ? x->opts->items[i].val : NULL;
}

/* ---- value checks (Java ConfigDef parsing) ---------------------------------------------- */

static int parse_i64(const char *s, int64_t *out)
{
    const char *p = s;
    int neg = 0;
    if (*p == '+' || *p == '-') neg = *p++ == '-';
    if (!isdigit((unsigned char)*p)) return -1;
    uint64_t v = 0;
    for (; isdigit((unsigned char)*p); p++) {
        if (v > (UINT64_C(9223372036854775808) - (uint64_t)(*p - '0')) / 10) return -1;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    if (*p) return -1;
    if (!neg && v > INT64_MAX) return -1;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return 0;
}

/* Java's Boolean parsing in ConfigDef: true or false in any case; -1 otherwise. */
static int parse_bool(const char *s)
{
    if (sl_strcaseeq(s, "true")) return 1;
    if (sl_strcaseeq(s, "false")) return 0;
    return -1;
}

/*
** Check the current value as the Java client parses a value of type t, and return it
** normalised (trimmed; numbers in decimal; booleans true/false), or NULL after an error.
** Every librdkafka integer property is 32-bit, so LONG values must fit in 32 bits.
*/
static const char *norm(xl *x, int t)
{
    const char *v = trimmed(x, x->val);
    int64_t n;
    switch (t) {
    case T_INT:
    case T_LONG:
        if (parse_i64(v, &n))
            return invalid(x, t == T_INT ? "Expected a 32-bit integer." : "Expected an integer."),
                   NULL;
        if (t == T_INT && (n < INT32_MIN || n > INT32_MAX))
            return invalid(x, "Expected a 32-bit integer."), NULL;
        if (n < INT32_MIN || n > INT32_MAX)
            return invalid(x, "librdkafka's setting is a 32-bit integer."), NULL;
        return kfmt(x, "%" PRId64, n);
    case T_DOUBLE: {
        char *end;
        errno = 0;
        strtod(v, &end);
        if (!*v || *end || errno) return invalid(x, "Expected a number."), NULL;
        return v;
    }
    case T_BOOL: {
        int b = parse_bool(v);
        if (b < 0) return invalid(x, "Expected 'true' or 'false'."), NULL;
        return b ? "true" : "false";
    }
    case T_CLASS:
        if (!*v) return invalid(x, "Expected a class name."), NULL;
        return v;
    case T_LIST: {
        /* Java splits on commas with any white space around them; empty items are dropped. */
        sl_buf b = SL_BUF_INIT;
        const char *p = v;
        while (*p) {
            const char *e = strchr(p, ',');
            if (!e) e = p + strlen(p);
            const char *s = p, *t2 = e;
            while (s < t2 && (unsigned char)*s <= ' ') s++;
            while (t2 > s && (unsigned char)t2[-1] <= ' ') t2--;
            if (t2 > s) {
                if (b.n) sl_buf_putc(&b, ',');
                sl_buf_append(&b, s, (size_t)(t2 - s));
            }
            p = *e ? e + 1 : e;
        }
        return keep(x, sl_buf_detach(&b));
    }
    default: return v;
    }
}

/* Item i of a normalised (comma-separated, trimmed) list, or NULL past its end. */
static const char *list_item(xl *x, const char *list, int i)
{
    const char *p = list;
    for (; i > 0 && p; i--) {
        p = strchr(p, ',');
        if (p) p++;
    }
    if (!p || !*p) return NULL;
    const char *e = strchr(p, ',');
    return keep(x, sl_strndup(p, e ? (size_t)(e - p) : strlen(p)));
}

/* A Java class name: exactly fqcn, or fqcn relocated by shading ("org.apache.flink.kafka.shaded."
** + fqcn), as in Flink's SQL connector jar. */
static int class_is(const char *v, const char *fqcn)
{
    size_t n = strlen(v), m = strlen(fqcn);
    if (n == m) return strcmp(v, fqcn) == 0;
    return n > m && v[n - m - 1] == '.' && strcmp(v + n - m, fqcn) == 0;
}

/* "scheme://..." (obs://, hdfs://, s3a://, file://, https://...); the scheme's length or 0. */
static size_t url_scheme(const char *v)
{
    size_t i = 0;
    if (!isalpha((unsigned char)v[0])) return 0;
    while (isalnum((unsigned char)v[i]) || v[i] == '+' || v[i] == '.' || v[i] == '-') i++;
    return strncmp(v + i, "://", 3) == 0 ? i : 0;
}

/*
** A local file path for option i (value v): URLs cannot be read here. This is an error at
** translation, i.e. at CREATE TABLE, where the option's position is known.
*/
static int local_path(xl *x, int i, const char *v)
{
    const char *key = x->opts->items[i].key;
    size_t s = url_scheme(v);
    if (!s && *v) return SL_OK;
    if (!*v) return fail_at(x, i, 1, "Kafka client property '%s' names no file.", key);
    if (s == 3 && sl_strncaseeq(v, "obs", 3))
        return fail_at(x, i, 1,
                       "Kafka client property '%s' is an OBS object ('%s'); sluice reads only "
                       "local files. Copy it to this machine first (for example 'obsutil cp %s "
                       "/etc/sluice/') and give the local path.",
                       key, v, v);
    if (s == 4 && sl_strncaseeq(v, "file", 4))
        return fail_at(x, i, 1,
                       "Kafka client property '%s' is a file: URL ('%s'); give the path itself "
                       "('%s').",
                       key, v, v + 7);
    return fail_at(x, i, 1,
                   "Kafka client property '%s' is a %.*s:// URL ('%s'); sluice reads only local "
                   "files. Copy it to this machine and give the local path.",
                   key, (int)s, v, v);
}

/* ---- generic row handling --------------------------------------------------------------- */

static int conv_default(xl *x, const row *r)
{
    const char *v = norm(x, r->type);
    if (!v) return SL_CONFIG;
    return emit(x, r->p.target, v, 0);
}

static int same_value(int type, const char *a, const char *b)
{
    int64_t m, n;
    switch (type) {
    case T_INT:
    case T_LONG: return parse_i64(a, &m) == 0 && parse_i64(b, &n) == 0 && m == n;
    case T_DOUBLE: return strtod(a, NULL) == strtod(b, NULL);
    default: return sl_strcaseeq(a, b);
    }
}

static int default_only(xl *x, const row *r)
{
    const char *v = norm(x, r->type);
    if (!v) return SL_CONFIG;
    if (same_value(r->type, v, r->dflt)) return SL_OK;
    return fail_at(x, x->cur, 1,
                   "Kafka client property '" PREFIX "%s' = '%s' has no librdkafka equivalent: %s "
                   "Only the Java default '%s' is accepted.",
                   x->name, v, r->p.doc, r->dflt);
}

/* ---- common client properties ----------------------------------------------------------- */

static int conv_bootstrap(xl *x, const row *r)
{
    const char *v = norm(x, T_LIST);
    if (!v) return SL_CONFIG;
    if (!*v) return invalid(x, "It names no broker.");
    return emit(x, r->p.target, v, 0);
}

static int conv_dns_lookup(xl *x, const row *r)
{
    SL_UNUSED(r);
    const char *v = lower(x, trimmed(x, x->val));
    if (!strcmp(v, "use_all_dns_ips")) return SL_OK;
    if (!strcmp(v, "resolve_canonical_bootstrap_servers_only"))
        return no_equivalent(x, "librdkafka connects to the bootstrap names as given and tries "
                                "every address they resolve to ('use_all_dns_ips'); it does not "
                                "resolve them to canonical names.");
    return invalid(x, "Expected use_all_dns_ips or resolve_canonical_bootstrap_servers_only.");
}

static int conv_sockbuf(xl *x, const row *r)
{
    const char *v = norm(x, T_INT);
    if (!v) return SL_CONFIG;
    int64_t n;
    parse_i64(v, &n);
    if (n < -1) return invalid(x, "Expected -1 (the system default) or a size in bytes.");
    return emit(x, r->p.target, n == -1 ? "0" : v, 0);
}

static int conv_retry_backoff(xl *x, const row *r)
{
    SL_UNUSED(r);
    const char *v = norm(x, T_LONG);
    if (!v) return SL_CONFIG;
    int rc = SL_OK;
    if (x->role & SL_KAFKA_PRODUCER) rc = emit(x, "retry.backoff.ms", v, 0);
    if (!rc && (x->role & SL_KAFKA_CONSUMER)) rc = emit(x, "fetch.error.backoff.ms", v, 0);
    return rc;
}

static int conv_request_timeout(xl *x, const row *r)
{
    SL_UNUSED(r);
    const char *v = norm(x, T_INT);
    if (!v) return SL_CONFIG;
    int rc = emit(x, "socket.timeout.ms", v, 0);
    if (!rc && (x->role & SL_KAFKA_PRODUCER)) rc = emit(x, "request.timeout.ms", v, 0);
    return rc;
}

static int conv_security_protocol(xl *x, const row *r)
{
    const char *v = upper(x, trimmed(x, x->val));
    if (strcmp(v, "PLAINTEXT") && strcmp(v, "SSL") && strcmp(v, "SASL_PLAINTEXT") &&
        strcmp(v, "SASL_SSL"))
        return invalid(x, "Expected PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL.");
    return emit(x, r->p.target, v, 0);
}

static int conv_metrics_push(xl *x, const row *r)
{
    SL_UNUSED(r);
    const char *v = norm(x, T_BOOL);
    if (!v) return SL_CONFIG;
    if (!strcmp(v, "false")) return SL_OK;
    return no_equivalent(x, "librdkafka 2.0.2 does not push client metrics to the broker "
                            "(KIP-714); only 'false' is accepted.");
}

/* ---- SASL -------------------------------------------------------------------------------- */

static const char *const mechanisms[] = {"GSSAPI", "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512",
                                         "OAUTHBEARER"};

static int conv_sasl_mechanism(xl *x, const row *r)
{
    const char *v = upper(x, trimmed(x, x->val));
    for (size_t i = 0; i < SL_ARRAY_LEN(mechanisms); i++)
        if (!strcmp(v, mechanisms[i])) return emit(x, r->p.target, v, 0);
    return invalid(x, "librdkafka supports GSSAPI, PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 and "
                      "OAUTHBEARER.");
}

/* The SASL mechanism of the table (Java name or librdkafka's), upper case; GSSAPI by default,
** as in both clients. *set tells whether an option gave it. */
static const char *mechanism(xl *x, int *set)
{
    int a = find(x, "sasl.mechanism"), b = find(x, "sasl.mechanisms");
    int i = a > b ? a : b;
    *set = i >= 0;
    return i >= 0 ? upper(x, trimmed(x, val_of(x, i))) : "GSSAPI";
}

static int dli_auth_off(xl *x)
{
    int i = find(x, "connector.auth.open");
    return i >= 0 && parse_bool(trimmed(x, val_of(x, i))) == 0;
}

/* Quote s for sh: 'it'\''s'. */
static void sh_quote(sl_buf *b, const char *s)
{
    sl_buf_putc(b, '\'');
    for (; *s; s++) {
        if (*s == '\'')
            sl_buf_puts(b, "'\\''");
        else
            sl_buf_putc(b, *s);
    }
    sl_buf_putc(b, '\'');
}

/*
** librdkafka puts sasl.kerberos.principal unquoted and sasl.kerberos.keytab in double quotes
** into the kinit command line it runs with system(); refuse what the shell would reinterpret.
*/
static int kinit_safe(xl *x, int i, const char *what, const char *v)
{
    const char *bad = NULL;
    if (!strcmp(what, "principal")) {
        for (const char *p = v; *p && !bad; p++)
            if (!isalnum((unsigned char)*p) && !strchr("._-/@+=:,", *p)) bad = p;
    } else {
        for (const char *p = v; *p && !bad; p++)
            if (strchr("\"$`\\", *p) || (unsigned char)*p < ' ') bad = p;
    }
    if (!bad && !strstr(v, "%{")) return SL_OK;
    return fail_at(x, i, 1,
                   "The Kerberos %s in '%s' contains a character ('%c') that librdkafka's kinit "
                   "command line cannot carry safely.",
                   what, x->opts->items[i].key, bad ? *bad : '%');
}

static int emit_principal(xl *x, int i, const char *v)
{
    if (!*v)
        return fail_at(x, i, 1, "The Kerberos principal in '%s' is empty.", x->opts->items[i].key);
    int rc = kinit_safe(x, i, "principal", v);
    return rc ? rc : emit(x, "sasl.kerberos.principal", v, 0);
}

static int emit_keytab(xl *x, int i, const char *v)
{
    int rc = local_path(x, i, v);
    if (!rc) rc = kinit_safe(x, i, "keytab path", v);
    return rc ? rc : emit(x, "sasl.kerberos.keytab", v, 0);
}

/*
** sasl.kerberos.kinit.cmd from the Java kinit program (properties.sasl.kerberos.kinit.cmd) and
** DLI's krb5.conf (properties.connector.kerberos.krb5), emitted once, at the first of the two.
** librdkafka runs the command with system(), i.e. sh -c, so "export KRB5_CONFIG=...; " in
** front makes both kinit invocations of the default command read that krb5.conf.
*/
static int conv_kinit(xl *x, const row *r)
{
    SL_UNUSED(r);
    int ik = find(x, "sasl.kerberos.kinit.cmd");
    int i5 = dli_auth_off(x) ? -1 : find(x, "connector.kerberos.krb5");
    if (x->cur != ik && x->cur != i5) return SL_OK; /* an earlier duplicate, or DLI switched off */
    int first = ik < 0 ? i5 : i5 < 0 ? ik : SL_MIN(ik, i5);
    const char *prog = ik >= 0 ? trimmed(x, val_of(x, ik)) : NULL;
    const char *krb5 = i5 >= 0 ? trimmed(x, val_of(x, i5)) : NULL;
    int rc;
    /* Validate this option even where the other one emits the command. */
    if (x->cur == ik && !*prog) return invalid(x, "Expected the kinit program.");
    if (x->cur == i5) {
        if ((rc = local_path(x, i5, krb5))) return rc;
        if (strstr(krb5, "%{")) return invalid(x, "librdkafka would read '%{' as a reference.");
    }
    if (x->cur != first) return SL_OK;
    sl_buf b = SL_BUF_INIT;
    if (krb5) {
        sl_buf_puts(&b, "export KRB5_CONFIG=");
        sh_quote(&b, krb5);
        sl_buf_puts(&b, "; ");
        sl_free(x->out->krb5_conf);
        x->out->krb5_conf = sl_strdup(krb5);
    }
    if (prog && (strpbrk(prog, " \t") || strstr(prog, "%{"))) {
        /* Not a Java program path but a librdkafka command template: use it as it is. */
        sl_buf_puts(&b, prog);
    } else {
        sl_buf q = SL_BUF_INIT;
        sh_quote(&q, prog ? prog : "kinit");
        for (int pass = 0; pass < 2; pass++)
            sl_buf_printf(&b,
                          "%s%s%s -t \"%%{sasl.kerberos.keytab}\" -k "
                          "%%{sasl.kerberos.principal}",
                          pass ? " || " : "", prog ? q.p : "kinit", pass ? "" : " -R");
        sl_buf_free(&q);
    }
    char *cmd = keep(x, sl_buf_detach(&b));
    return emit(x, "sasl.kerberos.kinit.cmd", cmd, 0);
}

static const char *const oidc_handlers[] = {
    "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler",
    "org.apache.kafka.common.security.oauthbearer.secured.OAuthBearerLoginCallbackHandler"};

static int is_oidc_handler(const char *v)
{
    for (size_t i = 0; i < SL_ARRAY_LEN(oidc_handlers); i++)
        if (class_is(v, oidc_handlers[i])) return 1;
    return 0;
}

static int uses_oidc(xl *x)
{
    int i = find(x, "sasl.login.callback.handler.class");
    return i >= 0 && is_oidc_handler(trimmed(x, val_of(x, i)));
}

static int conv_login_handler(xl *x, const row *r)
{
    const char *v = norm(x, T_CLASS);
    if (!v) return SL_CONFIG;
    if (is_oidc_handler(v)) return emit(x, r->p.target, "oidc", 0);
    return no_equivalent(x, "login callback handlers are Java classes; librdkafka has built-in "
                            "OAUTHBEARER OIDC (OAuthBearerLoginCallbackHandler) only.");
}

/* ---- JAAS (sasl.jaas.config) ----------------------------------------------------------- */

/*
** The Java client's grammar (org.apache.kafka.common.security.JaasConfig, a StreamTokenizer):
**   <LoginModuleClass> <flag> (<name>=<value>)* ;
** Bytes up to ' ' are white space; ';' and '=' are tokens; '"' and '\'' quote, with the
** backslash escapes of Java's StreamTokenizer (\n \t ... octal, else the character itself);
** '/' starts a comment (slash-star to star-slash, "//" or a lone '/' to the end of the line); every
** other byte is part of a word. The Kafka client takes exactly one login module.
*/
enum { J_EOF, J_WORD, J_SEMI, J_EQ, J_ERR };

typedef struct jlex {
    const char *s;
    size_t i;
    size_t at; /* where the last token started */
    const char *why;
} jlex;

static int jnext(jlex *l, sl_buf *text)
{
    const char *s = l->s;
    sl_buf_reset(text);
    for (;;) {
        unsigned char c = (unsigned char)s[l->i];
        l->at = l->i;
        if (!c) return J_EOF;
        if (c <= ' ') {
            l->i++;
        } else if (c == '/') {
            if (s[l->i + 1] == '*') {
                const char *e = strstr(s + l->i + 2, "*/");
                l->i = e ? (size_t)(e - s) + 2 : strlen(s);
            } else {
                while (s[l->i] && s[l->i] != '\n' && s[l->i] != '\r') l->i++;
            }
        } else if (c == ';' || c == '=') {
            l->i++;
            return c == ';' ? J_SEMI : J_EQ;
        } else if (c == '"' || c == '\'') {
            l->i++;
            for (;;) {
                char d = s[l->i];
                if (!d || d == '\n' || d == '\r') {
                    l->why = "a quoted value is not closed";
                    return J_ERR;
                }
                l->i++;
                if (d == (char)c) return J_WORD;
                if (d != '\\') {
                    sl_buf_putc(text, d);
                    continue;
                }
                d = s[l->i];
                if (!d) {
                    l->why = "a quoted value is not closed";
                    return J_ERR;
                }
                l->i++;
                if (d >= '0' && d <= '7') {
                    int v = d - '0', digits = 1, max = d <= '3' ? 3 : 2;
                    while (digits < max && s[l->i] >= '0' && s[l->i] <= '7') {
                        v = v * 8 + (s[l->i++] - '0');
                        digits++;
                    }
                    sl_buf_putc(text, (char)v);
                    continue;
                }
                switch (d) {
                case 'a': d = '\a'; break;
                case 'b': d = '\b'; break;
                case 'f': d = '\f'; break;
                case 'n': d = '\n'; break;
                case 'r': d = '\r'; break;
                case 't': d = '\t'; break;
                case 'v': d = '\v'; break;
                default: break;
                }
                sl_buf_putc(text, d);
            }
        } else {
            size_t b = l->i;
            while ((unsigned char)s[l->i] > ' ' && !strchr(";=\"'/", s[l->i])) l->i++;
            sl_buf_append(text, s + b, l->i - b);
            return J_WORD;
        }
    }
}

typedef struct jaas {
    char *module;
    int n;
    char *keys[64], *vals[64];
} jaas;

static const char *jaas_get(const jaas *j, const char *key)
{
    for (int i = j->n - 1; i >= 0; i--)
        if (!strcmp(j->keys[i], key)) return j->vals[i];
    return NULL;
}

static int jaas_fail(xl *x, const char *fmt, ...) SL_PRINTF(2, 3);
static int jaas_fail(xl *x, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return fail(x, "Kafka client property '" PREFIX "%s' is not valid: %s.", x->name, msg);
}

/* Parse the current option's value (a JAAS configuration) into j; strings kept in x. */
static int jaas_parse(xl *x, jaas *j)
{
    jlex l = {x->val, 0, 0, NULL};
    sl_buf t = SL_BUF_INIT;
    int modules = 0, rc = SL_OK;
    memset(j, 0, sizeof *j);
    int tok = jnext(&l, &t);
    while (tok != J_EOF && !rc) {
        if (tok != J_WORD) {
            rc = tok == J_ERR ? jaas_fail(x, "%s (at character %zu)", l.why, l.at + 1)
                              : jaas_fail(x, "expected a login module class name at character %zu",
                                          l.at + 1);
            break;
        }
        modules++;
        if (modules == 1) j->module = keep(x, sl_strdup(t.p));
        tok = jnext(&l, &t);
        if (tok != J_WORD || (!sl_strcaseeq(t.p, "required") && !sl_strcaseeq(t.p, "requisite") &&
                              !sl_strcaseeq(t.p, "sufficient") && !sl_strcaseeq(t.p, "optional"))) {
            rc = jaas_fail(x,
                           "expected the control flag (required, requisite, sufficient or "
                           "optional) after the login module name, at character %zu",
                           l.at + 1);
            break;
        }
        while ((tok = jnext(&l, &t)) == J_WORD) {
            char *key = keep(x, sl_strdup(t.p));
            size_t key_at = l.at;
            if ((tok = jnext(&l, &t)) != J_EQ) {
                rc = jaas_fail(x, "the option at character %zu has no '=' and value", key_at + 1);
                break;
            }
            if ((tok = jnext(&l, &t)) != J_WORD) {
                int slash = tok == J_EOF && l.at < strlen(l.s) && l.s[l.at] == '/';
                if (tok == J_ERR)
                    rc = jaas_fail(x, "%s (option '%s')", l.why, key);
                else
                    rc = jaas_fail(x, "value not specified for option '%s'%s", key,
                                   slash || (tok == J_EOF && strchr(x->val + key_at, '/'))
                                       ? " (a '/' outside quotes starts a comment: quote the "
                                         "value)"
                                       : "");
                break;
            }
            if (modules == 1) {
                if (j->n == (int)SL_ARRAY_LEN(j->keys)) {
                    rc = jaas_fail(x, "too many options");
                    break;
                }
                j->keys[j->n] = key;
                j->vals[j->n++] = keep(x, sl_strdup(t.p));
            }
        }
        if (rc) break;
        if (tok == J_ERR) {
            rc = jaas_fail(x, "%s (at character %zu)", l.why, l.at + 1);
            break;
        }
        if (tok != J_SEMI) {
            rc = jaas_fail(x, "the login module's entry is not terminated by ';'");
            break;
        }
        tok = jnext(&l, &t);
    }
    sl_buf_free(&t);
    if (rc) return rc;
    if (modules == 0) return jaas_fail(x, "it names no login module");
    if (modules > 1)
        return jaas_fail(x, "it names %d login modules; the Kafka client takes exactly one",
                         modules);
    return SL_OK;
}

/* Java's Krb5LoginModule reads booleans with "true".equalsIgnoreCase(value). */
static int jaas_true(const jaas *j, const char *key)
{
    const char *v = jaas_get(j, key);
    return v && sl_strcaseeq(v, "true");
}

/* Error for an option key not in known[] (NULL-terminated), with a suggestion. */
static int jaas_check_keys(xl *x, const jaas *j, const char *mod, const char *const *known,
                           const char *const *prefixes)
{
    int n = 0;
    while (known[n]) n++;
    for (int i = 0; i < j->n; i++) {
        int ok = 0;
        for (int k = 0; k < n && !ok; k++) ok = !strcmp(j->keys[i], known[k]);
        for (int k = 0; prefixes && prefixes[k] && !ok; k++)
            ok = !strncmp(j->keys[i], prefixes[k], strlen(prefixes[k])) &&
                 j->keys[i][strlen(prefixes[k])];
        if (ok) continue;
        const char *s = sl_suggest(j->keys[i], known, n);
        return jaas_fail(x, "%s has no option '%s'%s%s%s", mod, j->keys[i],
                         s ? "; did you mean '" : "", s ? s : "", s ? "'?" : "");
    }
    return SL_OK;
}

static int jaas_plain_scram(xl *x, const jaas *j, const char *mod, int scram)
{
    static const char *const plain_keys[] = {"username", "password", NULL};
    static const char *const scram_keys[] = {"username", "password", "tokenauth", NULL};
    int rc = jaas_check_keys(x, j, mod, scram ? scram_keys : plain_keys, NULL);
    if (rc) return rc;
    const char *user = jaas_get(j, "username"), *pass = jaas_get(j, "password");
    if (!user || !pass) return jaas_fail(x, "%s needs 'username' and 'password'", mod);
    if (scram && jaas_true(j, "tokenauth"))
        return no_equivalent(x, "SCRAM with a delegation token (tokenauth=true) is not "
                                "supported by librdkafka 2.0.2.");
    rc = emit(x, "sasl.username", user, 0);
    return rc ? rc : emit(x, "sasl.password", pass, 1);
}

static int jaas_krb5(xl *x, const jaas *j)
{
    static const char *const keys[] = {
        "useKeyTab",   "keyTab",      "principal",    "useTicketCache", "ticketCache",
        "storeKey",    "doNotPrompt", "renewTGT",     "debug",          "refreshKrb5Config",
        "isInitiator", "serviceName", "tryFirstPass", "useFirstPass",   "storePass",
        "clearPass",   NULL};
    const char *mod = "Krb5LoginModule";
    int rc = jaas_check_keys(x, j, mod, keys, NULL);
    if (rc) return rc;
    if (jaas_get(j, "ticketCache"))
        return no_equivalent(x, "librdkafka's GSSAPI uses the process's default credential "
                                "cache; instead of Krb5LoginModule's 'ticketCache', set "
                                "KRB5CCNAME in sluice's environment.");
    const char *principal = jaas_get(j, "principal"), *keytab = jaas_get(j, "keyTab");
    if (jaas_true(j, "useKeyTab")) {
        if (!keytab || !principal)
            return jaas_fail(x,
                             "%s with useKeyTab=true needs 'keyTab' and 'principal' "
                             "(librdkafka's kinit command uses both)",
                             mod);
        rc = emit_keytab(x, x->cur, keytab);
        if (!rc) rc = emit_principal(x, x->cur, principal);
    } else if (jaas_true(j, "useTicketCache")) {
        /* Java reads an existing ticket cache and logs in by itself no further: librdkafka's
        ** equivalent is no kinit at all. */
        if (principal) rc = emit_principal(x, x->cur, principal);
        if (!rc) rc = emit(x, "sasl.kerberos.min.time.before.relogin", "0", 0);
    } else {
        return jaas_fail(x,
                         "%s needs useKeyTab=true (with keyTab and principal) or "
                         "useTicketCache=true; without them Java would prompt for a "
                         "password, which librdkafka cannot do",
                         mod);
    }
    /* Kafka reads the service name from the JAAS entry when sasl.kerberos.service.name is not
    ** set; the property wins. */
    const char *svc = jaas_get(j, "serviceName");
    if (!rc && svc && find(x, "sasl.kerberos.service.name") < 0)
        rc = emit(x, "sasl.kerberos.service.name", svc, 0);
    return rc;
}

/* Values of librdkafka's space-separated sasl.oauthbearer.config cannot hold blanks. */
static int oauth_word(xl *x, const char *what, const char *v)
{
    if (*v && !strpbrk(v, " \t\r\n")) return SL_OK;
    return jaas_fail(x, "the %s must be one word without spaces for librdkafka", what);
}

static int jaas_oauth(xl *x, const jaas *j)
{
    const char *mod = "OAuthBearerLoginModule";
    int rc;
    sl_buf b = SL_BUF_INIT;
    if (uses_oidc(x)) {
        static const char *const keys[] = {"clientId", "clientSecret", "scope", NULL};
        static const char *const pfx[] = {"extension_", NULL};
        if ((rc = jaas_check_keys(x, j, mod, keys, pfx))) return rc;
        const char *id = jaas_get(j, "clientId"), *secret = jaas_get(j, "clientSecret");
        if (!id || !secret)
            return jaas_fail(x,
                             "%s with OAuthBearerLoginCallbackHandler needs 'clientId' and "
                             "'clientSecret'",
                             mod);
        if (find(x, "sasl.oauthbearer.token.endpoint.url") < 0)
            return jaas_fail(x, "OAuthBearerLoginCallbackHandler needs "
                                "'" PREFIX "sasl.oauthbearer.token.endpoint.url'");
        rc = emit(x, "sasl.oauthbearer.client.id", id, 0);
        if (!rc) rc = emit(x, "sasl.oauthbearer.client.secret", secret, 1);
        if (!rc && jaas_get(j, "scope"))
            rc = emit(x, "sasl.oauthbearer.scope", jaas_get(j, "scope"), 0);
        for (int i = 0; i < j->n && !rc; i++) {
            if (strncmp(j->keys[i], "extension_", 10)) continue;
            if (strpbrk(j->vals[i], ",=") || strpbrk(j->keys[i] + 10, ",="))
                rc = jaas_fail(x,
                               "extension '%s' holds ',' or '=', which librdkafka's "
                               "sasl.oauthbearer.extensions cannot carry",
                               j->keys[i] + 10);
            else
                sl_buf_printf(&b, "%s%s=%s", b.n ? "," : "", j->keys[i] + 10, j->vals[i]);
        }
        if (!rc && b.n) rc = emit(x, "sasl.oauthbearer.extensions", b.p, 1);
        sl_buf_free(&b);
        return rc;
    }
    /* The unsecured (test) token of the Java client: librdkafka builds the same kind of JWS
    ** when enable.sasl.oauthbearer.unsecure.jwt is set, from sasl.oauthbearer.config. */
    static const char *const keys[] = {"unsecuredLoginPrincipalClaimName",
                                       "unsecuredLoginScopeClaimName",
                                       "unsecuredLoginLifetimeSeconds", NULL};
    static const char *const pfx[] = {"unsecuredLoginStringClaim_", "unsecuredLoginNumberClaim_",
                                      "unsecuredLoginListClaim_", "unsecuredLoginExtension_", NULL};
    if (jaas_get(j, "clientId") || jaas_get(j, "clientSecret"))
        return jaas_fail(x,
                         "'clientId' and 'clientSecret' need "
                         "'" PREFIX "sasl.login.callback.handler.class' = "
                         "'%s', as in the Java client",
                         oidc_handlers[0]);
    if ((rc = jaas_check_keys(x, j, mod, keys, pfx))) return rc;
    const char *pname = jaas_get(j, "unsecuredLoginPrincipalClaimName");
    const char *sname = jaas_get(j, "unsecuredLoginScopeClaimName");
    const char *life = jaas_get(j, "unsecuredLoginLifetimeSeconds");
    if (!pname) pname = "sub";
    if (!sname) sname = "scope";
    const char *principal = NULL, *scope = NULL;
    for (int i = 0; i < j->n; i++) {
        const char *k = j->keys[i], *v = j->vals[i];
        if (!strncmp(k, "unsecuredLoginStringClaim_", 26) && !strcmp(k + 26, pname)) {
            principal = v;
        } else if (!strncmp(k, "unsecuredLoginStringClaim_", 26) && !strcmp(k + 26, sname)) {
            scope = v;
        } else if (!strncmp(k, "unsecuredLoginListClaim_", 24) && !strcmp(k + 24, sname)) {
            /* The first character is the delimiter: ",a,b" or "|a|b". */
            sl_buf s = SL_BUF_INIT;
            char d = v[0];
            for (const char *p = *v ? v + 1 : v; *p;) {
                const char *e = strchr(p, d);
                size_t n = e ? (size_t)(e - p) : strlen(p);
                if (n) {
                    if (s.n) sl_buf_putc(&s, ',');
                    sl_buf_append(&s, p, n);
                }
                p = e ? e + 1 : p + n;
            }
            scope = keep(x, sl_buf_detach(&s));
        } else if (!strncmp(k, "unsecuredLogin", 14) &&
                   strncmp(k, "unsecuredLoginExtension_", 24) && strchr(k, '_')) {
            return no_equivalent(x, "librdkafka's unsecured token carries only the principal and "
                                    "scope claims; another claim cannot be set.");
        }
    }
    if (!principal)
        return jaas_fail(x, "%s needs 'unsecuredLoginStringClaim_%s' (the principal)", mod, pname);
    if ((rc = oauth_word(x, "principal", principal))) return rc;
    sl_buf_printf(&b, "principal=%s", principal);
    if (strcmp(pname, "sub")) {
        if ((rc = oauth_word(x, "principal claim name", pname))) return sl_buf_free(&b), rc;
        sl_buf_printf(&b, " principalClaimName=%s", pname);
    }
    if (strcmp(sname, "scope")) {
        if ((rc = oauth_word(x, "scope claim name", sname))) return sl_buf_free(&b), rc;
        sl_buf_printf(&b, " scopeClaimName=%s", sname);
    }
    if (scope && *scope) {
        if ((rc = oauth_word(x, "scope", scope))) return sl_buf_free(&b), rc;
        sl_buf_printf(&b, " scope=%s", scope);
    }
    if (life) {
        int64_t n;
        if (parse_i64(life, &n) || n <= 0 || n > INT32_MAX)
            return sl_buf_free(&b), jaas_fail(x, "'unsecuredLoginLifetimeSeconds' is not a "
                                                 "positive number of seconds");
        sl_buf_printf(&b, " lifeSeconds=%" PRId64, n);
    }
    for (int i = 0; i < j->n; i++) {
        if (strncmp(j->keys[i], "unsecuredLoginExtension_", 24)) continue;
        if ((rc = oauth_word(x, "extension value", j->vals[i]))) return sl_buf_free(&b), rc;
        sl_buf_printf(&b, " extension_%s=%s", j->keys[i] + 24, j->vals[i]);
    }
    char *conf = keep(x, sl_buf_detach(&b));
    rc = emit(x, "enable.sasl.oauthbearer.unsecure.jwt", "true", 0);
    return rc ? rc : emit(x, "sasl.oauthbearer.config", conf, 1);
}

static int conv_jaas(xl *x, const row *r)
{
    SL_UNUSED(r);
    jaas j;
    int rc = jaas_parse(x, &j);
    if (rc) return rc;
    static const struct {
        const char *cls, *name, *mech;
    } mods[] = {
        {"org.apache.kafka.common.security.plain.PlainLoginModule", "PlainLoginModule", "PLAIN"},
        {"org.apache.kafka.common.security.scram.ScramLoginModule", "ScramLoginModule",
         "SCRAM-SHA-256 or SCRAM-SHA-512"},
        {"com.sun.security.auth.module.Krb5LoginModule", "Krb5LoginModule", "GSSAPI"},
        {"org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule",
         "OAuthBearerLoginModule", "OAUTHBEARER"},
    };
    int m = -1;
    for (int i = 0; i < (int)SL_ARRAY_LEN(mods) && m < 0; i++)
        if (class_is(j.module, mods[i].cls)) m = i;
    if (m < 0)
        return no_equivalent(x, kfmt(x,
                                     "login module '%s' is Java code; librdkafka supports "
                                     "PlainLoginModule, ScramLoginModule, "
                                     "com.sun.security.auth.module.Krb5LoginModule and "
                                     "OAuthBearerLoginModule.",
                                     j.module));
    int set;
    const char *mech = mechanism(x, &set);
    int match = m == 1 ? !strncmp(mech, "SCRAM-SHA-", 10) : !strcmp(mech, mods[m].mech);
    if (!match)
        return jaas_fail(x,
                         "it uses %s, the login module of SASL mechanism %s, but the mechanism "
                         "is %s%s",
                         mods[m].name, mods[m].mech, mech,
                         set ? "" : " (the default: set '" PREFIX "sasl.mechanism')");
    switch (m) {
    case 0: return jaas_plain_scram(x, &j, mods[m].name, 0);
    case 1: return jaas_plain_scram(x, &j, mods[m].name, 1);
    case 2: return jaas_krb5(x, &j);
    default: return jaas_oauth(x, &j);
    }
}

/* ---- TLS --------------------------------------------------------------------------------- */

static int conv_ssl_protocol(xl *x, const row *r)
{
    SL_UNUSED(r);
    const char *v = trimmed(x, x->val);
    if (sl_strcaseeq(v, "TLS") || sl_strcaseeq(v, "TLSv1.2") || sl_strcaseeq(v, "TLSv1.3"))
        return SL_OK;
    return no_equivalent(x, kfmt(x,
                                 "'%s' would allow TLS versions that OpenSSL here refuses; "
                                 "librdkafka negotiates TLS 1.2 or 1.3 (TLS, TLSv1.2 and "
                                 "TLSv1.3 are accepted).",
                                 v));
}

static int conv_ssl_enabled(xl *x, const row *r)
{
    SL_UNUSED(r);
    const char *v = norm(x, T_LIST);
    int has12 = 0, has13 = 0, other = 0;
    for (int i = 0; v && list_item(x, v, i); i++) {
        const char *it = list_item(x, v, i);
        if (sl_strcaseeq(it, "TLSv1.2"))
            has12 = 1;
        else if (sl_strcaseeq(it, "TLSv1.3"))
            has13 = 1;
        else
            other = 1;
    }
    if (!v) return SL_CONFIG;
    if (has12 && has13 && !other) return SL_OK;
    return no_equivalent(x, "librdkafka 2.0.2 cannot choose TLS versions; it negotiates TLS 1.2 "
                            "or 1.3, which is the Java default 'TLSv1.2,TLSv1.3' (the only value "
                            "accepted).");
}

static int conv_cipher_suites(xl *x, const row *r)
{
    const char *v = norm(x, T_LIST);
    if (!v) return SL_CONFIG;
    sl_buf b = SL_BUF_INIT;
    for (int i = 0; list_item(x, v, i); i++) {
        const char *it = list_item(x, v, i);
        if (!strncmp(it, "TLS_", 4) || !strncmp(it, "SSL_", 4)) {
            sl_buf_free(&b);
            return invalid(x, kfmt(x,
                                   "'%s' is a Java (IANA) cipher suite name; librdkafka takes "
                                   "OpenSSL names ('openssl ciphers -stdname' shows both).",
                                   it));
        }
        if (b.n) sl_buf_putc(&b, ':');
        sl_buf_puts(&b, it);
    }
    if (!b.n) return invalid(x, "It names no cipher suite.");
    return emit(x, r->p.target, keep(x, sl_buf_detach(&b)), 0);
}

static int conv_endpoint(xl *x, const row *r)
{
    const char *v = trimmed(x, x->val);
    if (!*v) return emit(x, r->p.target, "none", 0);
    if (sl_strcaseeq(v, "https")) return emit(x, r->p.target, "https", 0);
    return invalid(x, "Expected 'https' or '' (no host name verification).");
}

typedef enum { ST_UNREADABLE, ST_PEM, ST_PKCS12, ST_JKS, ST_OTHER } store_fmt;

/* The format of a key or trust store, from its first bytes. */
static store_fmt sniff(const char *path)
{
    unsigned char h[64];
    FILE *f = fopen(path, "rb");
    if (!f) return ST_UNREADABLE;
    size_t n = fread(h, 1, sizeof h, f);
    fclose(f);
    if (n >= 4 && ((h[0] == 0xFE && h[1] == 0xED && h[2] == 0xFE && h[3] == 0xED) ||
                   (h[0] == 0xCE && h[1] == 0xCE && h[2] == 0xCE && h[3] == 0xCE)))
        return ST_JKS;                            /* JKS, or JCEKS */
    if (n >= 2 && h[0] == 0x30) return ST_PKCS12; /* a DER SEQUENCE */
    size_t i = 0;
    if (n >= 3 && h[0] == 0xEF && h[1] == 0xBB && h[2] == 0xBF) i = 3;
    while (i < n && isspace(h[i])) i++;
    if (n - i >= 10 && !memcmp(h + i, "-----BEGIN", 10)) return ST_PEM;
    return ST_OTHER;
}

/*
** The format of store `path` given its type option (index ti, -1 if absent). Java's default type
** is JKS, and its JKS type also opens PKCS#12 files: with no type or JKS the file itself
** decides. assumed is what an unreadable file without a type is taken to be.
*/
static store_fmt store_format(xl *x, int ti, const char *path, store_fmt assumed, int *bad_type)
{
    const char *type = ti >= 0 ? upper(x, trimmed(x, val_of(x, ti))) : NULL;
    *bad_type = 0;
    if (type && !strcmp(type, "PEM")) return ST_PEM;
    if (type && !strcmp(type, "PKCS12")) return ST_PKCS12;
    if (type && strcmp(type, "JKS")) {
        *bad_type = 1;
        return ST_OTHER;
    }
    store_fmt f = sniff(path);
    if (f == ST_UNREADABLE) return type ? ST_JKS : assumed;
    if (f == ST_OTHER && type) return ST_JKS;
    return f;
}

static int conv_truststore(xl *x, const row *r)
{
    SL_UNUSED(r);
    const char *path = trimmed(x, x->val);
    int rc = local_path(x, x->cur, path);
    if (rc) return rc;
    int ti = find(x, "ssl.truststore.type"), pi = find(x, "ssl.truststore.password");
    if (find(x, "ssl.truststore.certificates") >= 0)
        return fail_at(x, x->cur, 0,
                       "Both '" PREFIX "ssl.truststore.location' and "
                       "'" PREFIX "ssl.truststore.certificates' are set; give one of them.");
    int bad_type;
    store_fmt f = store_format(x, ti, path, ST_PEM, &bad_type);
    if (bad_type)
        return fail_at(x, ti, 1,
                       "Trust store type '%s' of '" PREFIX "ssl.truststore.type' cannot be read "
                       "by librdkafka (OpenSSL), which takes PEM CA certificates.",
                       trimmed(x, val_of(x, ti)));
    switch (f) {
    case ST_PEM:
        if (pi >= 0 && ti >= 0 && sl_strcaseeq(trimmed(x, val_of(x, ti)), "PEM"))
            return fail_at(x, pi, 0,
                           "A PEM trust store has no password: remove "
                           "'" PREFIX "ssl.truststore.password' (the Java client refuses it "
                           "too).");
        return emit(x, "ssl.ca.location", path, 0);
    case ST_PKCS12:
        return fail(x,
                    "Trust store '%s' is PKCS#12; librdkafka (OpenSSL) reads CA certificates as "
                    "PEM. Convert it with 'openssl pkcs12 -in %s -nokeys -out ca.pem' and set "
                    "'" PREFIX "ssl.truststore.location' = 'ca.pem', "
                    "'" PREFIX "ssl.truststore.type' = 'PEM' (docs/kafka-properties.md).",
                    path, path);
    case ST_JKS:
        return fail(x,
                    "Trust store '%s' is a Java KeyStore (JKS), which librdkafka (OpenSSL) cannot "
                    "read. Convert it to PEM: 'keytool -importkeystore -srckeystore %s "
                    "-destkeystore truststore.p12 -deststoretype PKCS12' then 'openssl pkcs12 "
                    "-in truststore.p12 -nokeys -out ca.pem', and set "
                    "'" PREFIX "ssl.truststore.location' = 'ca.pem', "
                    "'" PREFIX "ssl.truststore.type' = 'PEM' (docs/kafka-properties.md).",
                    path, path);
    default:
        return fail(x,
                    "Cannot tell the format of trust store '%s'; librdkafka reads PEM CA "
                    "certificates: set '" PREFIX "ssl.truststore.type' = 'PEM' if it is PEM.",
                    path);
    }
}

static int conv_truststore_certs(xl *x, const row *r)
{
    int ti = find(x, "ssl.truststore.type");
    if (ti >= 0 && !sl_strcaseeq(trimmed(x, val_of(x, ti)), "PEM"))
        return fail_at(x, ti, 1,
                       "'" PREFIX "ssl.truststore.certificates' needs "
                       "'" PREFIX "ssl.truststore.type' = 'PEM'.");
    if (find(x, "ssl.truststore.location") >= 0)
        return fail_at(x, x->cur, 0,
                       "Both '" PREFIX "ssl.truststore.location' and "
                       "'" PREFIX "ssl.truststore.certificates' are set; give one of them.");
    if (find(x, "ssl.truststore.password") >= 0)
        return fail_at(x, find(x, "ssl.truststore.password"), 0,
                       "A PEM trust store has no password: remove "
                       "'" PREFIX "ssl.truststore.password'.");
    return emit(x, r->p.target, trimmed(x, x->val), 0);
}

static int conv_keystore(xl *x, const row *r)
{
    SL_UNUSED(r);
    const char *path = trimmed(x, x->val);
    int rc = local_path(x, x->cur, path);
    if (rc) return rc;
    int ti = find(x, "ssl.keystore.type"), pi = find(x, "ssl.keystore.password");
    int ki = find(x, "ssl.key.password");
    if (find(x, "ssl.keystore.certificate.chain") >= 0 || find(x, "ssl.keystore.key") >= 0)
        return fail_at(x, x->cur, 0,
                       "Both '" PREFIX "ssl.keystore.location' and "
                       "'" PREFIX "ssl.keystore.certificate.chain'/'" PREFIX "ssl.keystore.key' "
                       "are set; give one of them.");
    int bad_type;
    store_fmt f = store_format(x, ti, path, ST_PKCS12, &bad_type);
    if (bad_type)
        return fail_at(x, ti, 1,
                       "Key store type '%s' of '" PREFIX "ssl.keystore.type' cannot be read by "
                       "librdkafka, which takes PKCS12 or PEM.",
                       trimmed(x, val_of(x, ti)));
    switch (f) {
    case ST_PKCS12:
        if (ki >= 0 && (pi < 0 || strcmp(val_of(x, ki), val_of(x, pi))))
            return fail_at(x, ki, 0,
                           "librdkafka opens a PKCS#12 key store with one password "
                           "('" PREFIX "ssl.keystore.password'), and "
                           "'" PREFIX "ssl.key.password' differs from it. Re-export the store "
                           "so that key and store share one password "
                           "(docs/kafka-properties.md).");
        rc = emit(x, "ssl.keystore.location", path, 0);
        if (!rc && pi >= 0) rc = emit(x, "ssl.keystore.password", val_of(x, pi), 1);
        return rc;
    case ST_PEM:
        if (pi >= 0)
            return fail_at(x, pi, 0,
                           "A PEM key store has no store password, only a key password: use "
                           "'" PREFIX "ssl.key.password' (the Java client refuses it too).");
        rc = emit(x, "ssl.key.location", path, 0);
        if (!rc) rc = emit(x, "ssl.certificate.location", path, 0);
        if (!rc && ki >= 0) rc = emit(x, "ssl.key.password", val_of(x, ki), 1);
        return rc;
    case ST_JKS:
        return fail(x,
                    "Key store '%s' is a Java KeyStore (JKS), which librdkafka (OpenSSL) cannot "
                    "read. Convert it to PKCS#12: 'keytool -importkeystore -srckeystore %s "
                    "-srcstoretype JKS -destkeystore keystore.p12 -deststoretype PKCS12', and "
                    "set '" PREFIX "ssl.keystore.location' = 'keystore.p12', "
                    "'" PREFIX "ssl.keystore.type' = 'PKCS12' (docs/kafka-properties.md).",
                    path, path);
    default:
        return fail(x,
                    "Cannot tell the format of key store '%s'; set '" PREFIX "ssl.keystore.type' "
                    "to 'PKCS12' or 'PEM'.",
                    path);
    }
}

/* ssl.keystore.certificate.chain and ssl.keystore.key: PEM text, both needed. */
static int conv_keystore_pem(xl *x, const row *r)
{
    int chain = !strcmp(x->name, "ssl.keystore.certificate.chain");
    const char *other = chain ? "ssl.keystore.key" : "ssl.keystore.certificate.chain";
    int ti = find(x, "ssl.keystore.type");
    if (ti >= 0 && !sl_strcaseeq(trimmed(x, val_of(x, ti)), "PEM"))
        return fail_at(x, ti, 1, "'" PREFIX "%s' needs '" PREFIX "ssl.keystore.type' = 'PEM'.",
                       x->name);
    if (find(x, other) < 0)
        return fail_at(x, x->cur, 0, "'" PREFIX "%s' needs '" PREFIX "%s' as well.", x->name,
                       other);
    if (find(x, "ssl.keystore.location") >= 0) return SL_OK; /* reported there */
    if (find(x, "ssl.keystore.password") >= 0)
        return fail_at(x, find(x, "ssl.keystore.password"), 0,
                       "A PEM key store has no store password, only a key password: use "
                       "'" PREFIX "ssl.key.password'.");
    int rc = emit(x, r->p.target, trimmed(x, x->val), !chain);
    int ki = find(x, "ssl.key.password");
    if (!rc && !chain && ki >= 0) rc = emit(x, "ssl.key.password", val_of(x, ki), 1);
    return rc;
}

/* Types and passwords of the stores: used by the location options. */
static int conv_store_part(xl *x, const row *r)
{
    SL_UNUSED(x);
    SL_UNUSED(r);
    return SL_OK;
}

/* ---- consumer ---------------------------------------------------------------------------- */

static int conv_auto_offset_reset(xl *x, const row *r)
{
    const char *v = lower(x, trimmed(x, x->val));
    if (!strcmp(v, "earliest") || !strcmp(v, "latest")) return emit(x, r->p.target, v, 0);
    /* Java throws NoOffsetForPartitionException; librdkafka reports ERR__AUTO_OFFSET_RESET. */
    if (!strcmp(v, "none")) return emit(x, r->p.target, "error", 0);
    /* librdkafka's own spellings. */
    if (!strcmp(v, "smallest") || !strcmp(v, "beginning") || !strcmp(v, "largest") ||
        !strcmp(v, "end") || !strcmp(v, "error"))
        return emit(x, r->p.target, v, 0);
    return invalid(x, "Expected earliest, latest or none.");
}

static int conv_isolation(xl *x, const row *r)
{
    const char *v = lower(x, trimmed(x, x->val));
    if (strcmp(v, "read_committed") && strcmp(v, "read_uncommitted"))
        return invalid(x, "Expected read_committed or read_uncommitted.");
    return emit(x, r->p.target, v, 0);
}

static int conv_assignors(xl *x, const row *r)
{
    static const struct {
        const char *cls, *name;
        int coop;
    } map[] = {
        {"org.apache.kafka.clients.consumer.RangeAssignor", "range", 0},
        {"org.apache.kafka.clients.consumer.RoundRobinAssignor", "roundrobin", 0},
        {"org.apache.kafka.clients.consumer.CooperativeStickyAssignor", "cooperative-sticky", 1},
    };
    const char *v = norm(x, T_LIST);
    if (!v) return SL_CONFIG;
    sl_buf b = SL_BUF_INIT;
    int coop = -1;
    for (int i = 0; list_item(x, v, i); i++) {
        const char *it = list_item(x, v, i);
        int m = -1;
        for (int k = 0; k < (int)SL_ARRAY_LEN(map) && m < 0; k++)
            if (class_is(it, map[k].cls) || sl_strcaseeq(it, map[k].name)) m = k;
        if (m < 0) {
            sl_buf_free(&b);
            if (class_is(it, "org.apache.kafka.clients.consumer.StickyAssignor"))
                return no_equivalent(x, "librdkafka 2.0.2 has no eager sticky assignor (Java's "
                                        "StickyAssignor); use CooperativeStickyAssignor or "
                                        "RangeAssignor.");
            return no_equivalent(x, kfmt(x,
                                         "assignor '%s' is Java code; librdkafka has "
                                         "RangeAssignor, RoundRobinAssignor and "
                                         "CooperativeStickyAssignor.",
                                         it));
        }
        /* Java lists eager and cooperative assignors together to upgrade a group; the group
        ** then uses the first. librdkafka refuses the mix: keep the first one's kind. */
        if (coop < 0) coop = map[m].coop;
        if (map[m].coop != coop) continue;
        if (b.n) sl_buf_putc(&b, ',');
        sl_buf_puts(&b, map[m].name);
    }
    if (!b.n) return invalid(x, "It names no assignor.");
    return emit(x, r->p.target, keep(x, sl_buf_detach(&b)), 0);
}

static int conv_client_id_prefix(xl *x, const row *r)
{
    const char *v = trimmed(x, x->val);
    if (find(x, "client.id") >= 0) return SL_OK; /* an explicit client.id wins */
    return emit(x, r->p.target, kfmt(x, "%s-0", v), 0);
}

/* ---- producer ---------------------------------------------------------------------------- */

static int conv_acks(xl *x, const row *r)
{
    const char *v = lower(x, trimmed(x, x->val));
    if (strcmp(v, "all") && strcmp(v, "-1") && strcmp(v, "0") && strcmp(v, "1"))
        return invalid(x, "Expected all, -1, 0 or 1.");
    return emit(x, r->p.target, v, 0);
}

static int conv_batch_size(xl *x, const row *r)
{
    const char *v = norm(x, T_INT);
    if (!v) return SL_CONFIG;
    int64_t n;
    parse_i64(v, &n);
    if (n < 0) return invalid(x, "Expected a size in bytes.");
    /* Java: 0 disables batching; librdkafka's smallest batch holds one message. */
    return emit(x, r->p.target, n == 0 ? "1" : v, 0);
}

static int conv_buffer_memory(xl *x, const row *r)
{
    const char *v = trimmed(x, x->val);
    int64_t n;
    if (parse_i64(v, &n) || n < 0) return invalid(x, "Expected a size in bytes.");
    int64_t kb = n / 1024 + (n % 1024 != 0);
    if (kb < 1) kb = 1;
    if (kb > INT32_MAX) return invalid(x, "More than librdkafka's queue can hold.");
    return emit(x, r->p.target, kfmt(x, "%" PRId64, kb), 0);
}

static int conv_compression_type(xl *x, const row *r)
{
    const char *v = lower(x, trimmed(x, x->val));
    if (strcmp(v, "none") && strcmp(v, "gzip") && strcmp(v, "snappy") && strcmp(v, "lz4") &&
        strcmp(v, "zstd"))
        return invalid(x, "Expected none, gzip, snappy, lz4 or zstd.");
    return emit(x, r->p.target, v, 0);
}

/* compression.<codec>.level applies only when compression.type is that codec, as in Java. */
static int conv_compression_level(xl *x, const row *r)
{
    const char *v = norm(x, T_INT);
    if (!v) return SL_CONFIG;
    int ti = find(x, "compression.type");
    const char *codec = x->name + 12; /* "compression." */
    size_t n = strcspn(codec, ".");
    if (ti < 0) return SL_OK;
    const char *type = trimmed(x, val_of(x, ti));
    if (strlen(type) != n || !sl_strncaseeq(type, codec, n)) return SL_OK;
    return emit(x, r->p.target, v, 0);
}

static int conv_partitioner(xl *x, const row *r)
{
    const char *v = norm(x, T_CLASS);
    if (!v) return SL_CONFIG;
    if (class_is(v, "org.apache.kafka.clients.producer.internals.DefaultPartitioner"))
        return emit(x, r->p.target, "murmur2_random", 0);
    return no_equivalent(x, kfmt(x,
                                 "partitioner '%s' is Java code or has no librdkafka "
                                 "counterpart; DefaultPartitioner (murmur2) is accepted, and "
                                 "'sink.partitioner' chooses fixed or round-robin.",
                                 v));
}

/* ---- DLI (Huawei Cloud) -------------------------------------------------------------------- */

static int conv_dli_auth_open(xl *x, const row *r)
{
    SL_UNUSED(r);
    return norm(x, T_BOOL) ? SL_OK : SL_CONFIG;
}

static int conv_dli_principal(xl *x, const row *r)
{
    SL_UNUSED(r);
    if (dli_auth_off(x)) return SL_OK;
    return emit_principal(x, x->cur, trimmed(x, x->val));
}

static int conv_dli_keytab(xl *x, const row *r)
{
    SL_UNUSED(r);
    if (dli_auth_off(x)) return SL_OK;
    return emit_keytab(x, x->cur, trimmed(x, x->val));
}

/* ---- the table ----------------------------------------------------------------------------- */

#define C SL_KAFKA_CONSUMER
#define P SL_KAFKA_PRODUCER
#define B SL_KAFKA_BOTH
#define ROW(name, kind, roles, type, target, conv, dflt, sample, doc)                              \
    {                                                                                              \
        {name, SL_KPROP_##kind, roles, target, sample, doc}, type, conv, dflt                      \
    }
#define SAME_(name, roles, type, sample)                                                           \
    ROW(name, SAME, roles, type, name, NULL, NULL, sample, NULL)
#define JAVA_CLASS "It names Java code, which cannot run here."

static const row table[] = {
    /* ---- common ---- */
    ROW("bootstrap.servers", SAME, B, T_LIST, "bootstrap.servers", conv_bootstrap, NULL,
        "b1:9092, b2:9092", "host:port list; blanks around commas and empty items dropped."),
    SAME_("client.id", B, T_STRING, "app"),
    ROW("client.dns.lookup", CONVERTED, B, T_STRING, NULL, conv_dns_lookup, NULL, "use_all_dns_ips",
        "use_all_dns_ips is what librdkafka does and needs no setting; "
        "resolve_canonical_bootstrap_servers_only has no equivalent."),
    SAME_("client.rack", C, T_STRING, "rack1"),
    SAME_("connections.max.idle.ms", B, T_LONG, "540000"),
    ROW("receive.buffer.bytes", CONVERTED, B, T_INT, "socket.receive.buffer.bytes", conv_sockbuf,
        NULL, "-1", "-1 (system default) becomes 0."),
    ROW("send.buffer.bytes", CONVERTED, B, T_INT, "socket.send.buffer.bytes", conv_sockbuf, NULL,
        "131072", "-1 (system default) becomes 0."),
    SAME_("reconnect.backoff.ms", B, T_LONG, "50"),
    SAME_("reconnect.backoff.max.ms", B, T_LONG, "1000"),
    ROW("retry.backoff.ms", CONVERTED, B, T_LONG, "retry.backoff.ms, fetch.error.backoff.ms",
        conv_retry_backoff, NULL, "100",
        "Producer: retry.backoff.ms. Consumer: fetch.error.backoff.ms (librdkafka 2.0.2's "
        "retry.backoff.ms is a producer property)."),
    ROW("retry.backoff.max.ms", DEFAULT_ONLY, B, T_LONG, NULL, NULL, "1000", "1000",
        "librdkafka 2.0.2 retries after a fixed retry.backoff.ms."),
    ROW("request.timeout.ms", CONVERTED, B, T_INT, "socket.timeout.ms, request.timeout.ms",
        conv_request_timeout, NULL, "30000",
        "How long the client waits for a response: socket.timeout.ms; a producer also sends it "
        "as the produce request's timeout, librdkafka's request.timeout.ms."),
    ROW("metadata.max.age.ms", RENAMED, B, T_LONG, "topic.metadata.refresh.interval.ms", NULL, NULL,
        "300000",
        "The period of the forced metadata refresh (librdkafka's own metadata.max.age.ms is the "
        "cache age limit derived from it)."),
    ROW("security.protocol", SAME, B, T_STRING, "security.protocol", conv_security_protocol, NULL,
        "SASL_SSL", "PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL in any case."),
    SAME_("socket.connection.setup.timeout.ms", B, T_LONG, "10000"),
    ROW("socket.connection.setup.timeout.max.ms", DEFAULT_ONLY, B, T_LONG, NULL, NULL, "30000",
        "30000", "librdkafka 2.0.2 has one fixed connection setup timeout."),
    ROW("metric.reporters", REJECTED, B, T_LIST, NULL, NULL, NULL, "com.example.Reporter",
        "Metrics reporters are Java classes."),
    ROW("metrics.num.samples", REJECTED, B, T_INT, NULL, NULL, NULL, "2",
        "It tunes the Java client's metrics, which librdkafka does not have."),
    ROW("metrics.sample.window.ms", REJECTED, B, T_LONG, NULL, NULL, NULL, "30000",
        "It tunes the Java client's metrics, which librdkafka does not have."),
    ROW("metrics.recording.level", REJECTED, B, T_STRING, NULL, NULL, NULL, "INFO",
        "It tunes the Java client's metrics, which librdkafka does not have."),
    ROW("auto.include.jmx.reporter", REJECTED, B, T_BOOL, NULL, NULL, NULL, "true",
        "JMX is a JVM facility."),
    ROW("enable.metrics.push", CONVERTED, B, T_BOOL, NULL, conv_metrics_push, NULL, "false",
        "false needs no setting; librdkafka 2.0.2 cannot push metrics (KIP-714)."),
    ROW("interceptor.classes", REJECTED, B, T_LIST, NULL, NULL, NULL, "com.example.I",
        "Interceptors are Java classes."),
    ROW("security.providers", REJECTED, B, T_STRING, NULL, NULL, NULL, "com.example.P",
        "Java security providers are JVM classes; librdkafka uses OpenSSL and Cyrus SASL."),
    ROW("plugin.library.paths", REJECTED, B, T_STRING, NULL, NULL, NULL, "x.so",
        "sluice does not load librdkafka plugins named in a table's options."),

    /* ---- SASL ---- */
    ROW("sasl.mechanism", RENAMED, B, T_STRING, "sasl.mechanisms", conv_sasl_mechanism, NULL,
        "GSSAPI", "GSSAPI, PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or OAUTHBEARER."),
    ROW("sasl.jaas.config", CONVERTED, B, T_PASSWORD,
        "sasl.username, sasl.password, sasl.kerberos.*, sasl.oauthbearer.*", conv_jaas, NULL,
        "com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true "
        "keyTab=\"/etc/u.keytab\" principal=\"u@EXAMPLE.COM\";",
        "Parsed as the Java client does; see 'JAAS'."),
    SAME_("sasl.kerberos.service.name", B, T_STRING, "kafka"),
    ROW("sasl.kerberos.kinit.cmd", CONVERTED, B, T_STRING, "sasl.kerberos.kinit.cmd", conv_kinit,
        NULL, "/usr/bin/kinit",
        "Java: the kinit program; librdkafka: the whole command. A program path goes into "
        "librdkafka's default command; a value with blanks or %{...} is a librdkafka template."),
    SAME_("sasl.kerberos.min.time.before.relogin", B, T_LONG, "60000"),
    ROW("sasl.kerberos.ticket.renew.window.factor", DEFAULT_ONLY, B, T_DOUBLE, NULL, NULL, "0.8",
        "0.8", "librdkafka re-runs kinit every sasl.kerberos.min.time.before.relogin."),
    ROW("sasl.kerberos.ticket.renew.jitter", DEFAULT_ONLY, B, T_DOUBLE, NULL, NULL, "0.05", "0.05",
        "librdkafka re-runs kinit every sasl.kerberos.min.time.before.relogin."),
    ROW("sasl.login.callback.handler.class", CONVERTED, B, T_CLASS, "sasl.oauthbearer.method",
        conv_login_handler, NULL,
        "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler",
        "OAuthBearerLoginCallbackHandler (OIDC, KIP-768) becomes sasl.oauthbearer.method=oidc; "
        "other classes are an error."),
    ROW("sasl.client.callback.handler.class", REJECTED, B, T_CLASS, NULL, NULL, NULL,
        "com.example.H", JAVA_CLASS),
    ROW("sasl.login.class", REJECTED, B, T_CLASS, NULL, NULL, NULL, "com.example.L", JAVA_CLASS),
    ROW("sasl.login.refresh.window.factor", DEFAULT_ONLY, B, T_DOUBLE, NULL, NULL, "0.8", "0.8",
        "librdkafka refreshes OAUTHBEARER tokens on its own schedule."),
    ROW("sasl.login.refresh.window.jitter", DEFAULT_ONLY, B, T_DOUBLE, NULL, NULL, "0.05", "0.05",
        "librdkafka refreshes OAUTHBEARER tokens on its own schedule."),
    ROW("sasl.login.refresh.min.period.seconds", DEFAULT_ONLY, B, T_INT, NULL, NULL, "60", "60",
        "librdkafka refreshes OAUTHBEARER tokens on its own schedule."),
    ROW("sasl.login.refresh.buffer.seconds", DEFAULT_ONLY, B, T_INT, NULL, NULL, "300", "300",
        "librdkafka refreshes OAUTHBEARER tokens on its own schedule."),
    ROW("sasl.login.connect.timeout.ms", REJECTED, B, T_INT, NULL, NULL, NULL, "10000",
        "librdkafka's OIDC token request has no such setting."),
    ROW("sasl.login.read.timeout.ms", REJECTED, B, T_INT, NULL, NULL, NULL, "10000",
        "librdkafka's OIDC token request has no such setting."),
    ROW("sasl.login.retry.backoff.ms", DEFAULT_ONLY, B, T_LONG, NULL, NULL, "100", "100",
        "librdkafka's OIDC token request has no such setting."),
    ROW("sasl.login.retry.backoff.max.ms", DEFAULT_ONLY, B, T_LONG, NULL, NULL, "10000", "10000",
        "librdkafka's OIDC token request has no such setting."),
    SAME_("sasl.oauthbearer.token.endpoint.url", B, T_STRING, "https://idp.example/token"),
    ROW("sasl.oauthbearer.scope.claim.name", DEFAULT_ONLY, B, T_STRING, NULL, NULL, "scope",
        "scope", "librdkafka's OIDC token handling has no such setting."),
    ROW("sasl.oauthbearer.sub.claim.name", DEFAULT_ONLY, B, T_STRING, NULL, NULL, "sub", "sub",
        "librdkafka's OIDC token handling has no such setting."),

    /* ---- TLS ---- */
    ROW("ssl.protocol", CONVERTED, B, T_STRING, NULL, conv_ssl_protocol, NULL, "TLSv1.3",
        "TLS, TLSv1.2, TLSv1.3 need no setting (OpenSSL negotiates TLS 1.2 or 1.3); older "
        "versions are an error."),
    ROW("ssl.enabled.protocols", CONVERTED, B, T_LIST, NULL, conv_ssl_enabled, NULL,
        "TLSv1.2,TLSv1.3", "Only the Java default TLSv1.2,TLSv1.3 (no setting needed)."),
    ROW("ssl.cipher.suites", CONVERTED, B, T_LIST, "ssl.cipher.suites", conv_cipher_suites, NULL,
        "ECDHE-RSA-AES256-GCM-SHA384",
        "OpenSSL names pass (joined with ':'); Java/IANA names (TLS_...) are an error."),
    ROW("ssl.endpoint.identification.algorithm", CONVERTED, B, T_STRING,
        "ssl.endpoint.identification.algorithm", conv_endpoint, NULL, "https",
        "https stays https; empty becomes none."),
    ROW("ssl.truststore.location", CONVERTED, B, T_STRING, "ssl.ca.location", conv_truststore, NULL,
        "/etc/ssl/certs/ca-certificates.crt",
        "PEM: ssl.ca.location. JKS, PKCS12: an error with the conversion commands. Without a "
        "type (or with JKS) the file's first bytes tell its format."),
    ROW("ssl.truststore.type", CONVERTED, B, T_STRING, NULL, conv_store_part, NULL, "PEM",
        "JKS, PKCS12 or PEM; read with ssl.truststore.location."),
    ROW("ssl.truststore.password", CONVERTED, B, T_PASSWORD, NULL, conv_store_part, NULL, "pw",
        "Not used: PEM trust stores have no password (an error with an explicit PEM type)."),
    ROW("ssl.truststore.certificates", CONVERTED, B, T_PASSWORD, "ssl.ca.pem",
        conv_truststore_certs, NULL, "-----BEGIN CERTIFICATE-----", "PEM text: ssl.ca.pem."),
    ROW("ssl.keystore.location", CONVERTED, B, T_STRING,
        "ssl.keystore.location, ssl.key.location, ssl.certificate.location", conv_keystore, NULL,
        "/nonexistent/client.p12",
        "PKCS12: ssl.keystore.location + ssl.keystore.password. PEM: ssl.key.location and "
        "ssl.certificate.location (same file) + ssl.key.password. JKS: an error with the keytool "
        "command."),
    ROW("ssl.keystore.type", CONVERTED, B, T_STRING, NULL, conv_store_part, NULL, "PKCS12",
        "JKS, PKCS12 or PEM; read with ssl.keystore.location."),
    ROW("ssl.keystore.password", CONVERTED, B, T_PASSWORD, "ssl.keystore.password", conv_store_part,
        NULL, "pw", "With a PKCS12 key store."),
    ROW("ssl.key.password", CONVERTED, B, T_PASSWORD, "ssl.key.password", conv_store_part, NULL,
        "pw", "PEM keys: ssl.key.password. PKCS12: must equal ssl.keystore.password."),
    ROW("ssl.keystore.certificate.chain", CONVERTED, B, T_PASSWORD, "ssl.certificate.pem",
        conv_keystore_pem, NULL, NULL, "PEM text: ssl.certificate.pem (with ssl.keystore.key)."),
    ROW("ssl.keystore.key", CONVERTED, B, T_PASSWORD, "ssl.key.pem", conv_keystore_pem, NULL, NULL,
        "PEM text: ssl.key.pem (+ ssl.key.password)."),
    ROW("ssl.keymanager.algorithm", DEFAULT_ONLY, B, T_STRING, NULL, NULL, "SunX509", "SunX509",
        "Key managers are JVM facilities."),
    ROW("ssl.trustmanager.algorithm", DEFAULT_ONLY, B, T_STRING, NULL, NULL, "PKIX", "PKIX",
        "Trust managers are JVM facilities; OpenSSL verifies the chain."),
    ROW("ssl.secure.random.implementation", REJECTED, B, T_STRING, NULL, NULL, NULL, "SHA1PRNG",
        "OpenSSL uses its own random generator."),
    ROW("ssl.provider", REJECTED, B, T_STRING, NULL, NULL, NULL, "SunJSSE",
        "Java security providers are JVM classes; librdkafka uses OpenSSL."),
    ROW("ssl.engine.factory.class", REJECTED, B, T_CLASS, NULL, NULL, NULL, "com.example.F",
        JAVA_CLASS),

    /* ---- consumer ---- */
    SAME_("group.id", C, T_STRING, "g1"),
    SAME_("group.instance.id", C, T_STRING, "i1"),
    ROW("group.protocol", DEFAULT_ONLY, C, T_STRING, NULL, NULL, "classic", "classic",
        "The KIP-848 'consumer' group protocol arrived in librdkafka 2.4."),
    ROW("group.remote.assignor", REJECTED, C, T_STRING, NULL, NULL, NULL, "uniform",
        "It belongs to the KIP-848 group protocol, which librdkafka 2.0.2 does not have."),
    ROW("auto.offset.reset", CONVERTED, C, T_STRING, "auto.offset.reset", conv_auto_offset_reset,
        NULL, "earliest",
        "earliest, latest; none becomes error (librdkafka reports the missing offset)."),
    SAME_("enable.auto.commit", C, T_BOOL, "false"),
    SAME_("auto.commit.interval.ms", C, T_INT, "5000"),
    SAME_("fetch.min.bytes", C, T_INT, "1"),
    SAME_("fetch.max.bytes", C, T_INT, "52428800"),
    ROW("fetch.max.wait.ms", RENAMED, C, T_INT, "fetch.wait.max.ms", NULL, NULL, "500", NULL),
    SAME_("max.partition.fetch.bytes", C, T_INT, "1048576"),
    ROW("max.poll.records", REJECTED, C, T_INT, NULL, NULL, NULL, "500",
        "librdkafka has no poll batch limit (sluice reads up to 4096 records per batch)."),
    SAME_("max.poll.interval.ms", C, T_INT, "300000"),
    SAME_("session.timeout.ms", C, T_INT, "45000"),
    SAME_("heartbeat.interval.ms", C, T_INT, "3000"),
    ROW("partition.assignment.strategy", CONVERTED, C, T_LIST, "partition.assignment.strategy",
        conv_assignors, NULL,
        "org.apache.kafka.clients.consumer.RangeAssignor,"
        "org.apache.kafka.clients.consumer.CooperativeStickyAssignor",
        "RangeAssignor: range, RoundRobinAssignor: roundrobin, CooperativeStickyAssignor: "
        "cooperative-sticky; a mix of eager and cooperative keeps the first one's kind."),
    ROW("isolation.level", SAME, C, T_STRING, "isolation.level", conv_isolation, NULL,
        "read_committed", NULL),
    SAME_("check.crcs", C, T_BOOL, "false"),
    ROW("exclude.internal.topics", DEFAULT_ONLY, C, T_BOOL, NULL, NULL, "true", "true",
        "librdkafka 2.0.2 has no such setting."),
    SAME_("allow.auto.create.topics", C, T_BOOL, "false"),
    ROW("default.api.timeout.ms", REJECTED, C, T_INT, NULL, NULL, NULL, "60000",
        "It bounds the Java consumer's blocking calls; sluice bounds its librdkafka calls "
        "itself."),
    ROW("key.deserializer", IGNORED, C, T_CLASS, NULL, NULL, NULL,
        "org.apache.kafka.common.serialization.StringDeserializer",
        "Flink always sets ByteArrayDeserializer; 'key.format' decodes the bytes."),
    ROW("value.deserializer", IGNORED, C, T_CLASS, NULL, NULL, NULL,
        "org.apache.kafka.common.serialization.StringDeserializer",
        "Flink always sets ByteArrayDeserializer; the value format decodes the bytes."),
    ROW("client.id.prefix", CONVERTED, C, T_STRING, "client.id", conv_client_id_prefix, NULL, "job",
        "Flink source option: client.id '<prefix>-0' (Flink appends the reader's index), unless "
        "client.id is set."),
    ROW("partition.discovery.interval.ms", REJECTED, C, T_LONG, NULL, NULL, NULL, "60000",
        "It is a Flink source option; use 'scan.topic-partition-discovery.interval'."),
    ROW("register.consumer.metrics", IGNORED, C, T_BOOL, NULL, NULL, NULL, "true",
        "Flink source option: whether Flink's metric system shows the consumer's metrics, which "
        "sluice does not have."),
    ROW("commit.offsets.on.checkpoint", DEFAULT_ONLY, C, T_BOOL, NULL, NULL, "true", "true",
        "Flink source option; sluice commits a group's offsets after the sinks flushed whenever "
        "'properties.group.id' is set (to commit nothing, leave the group id out)."),

    /* ---- producer ---- */
    ROW("acks", SAME, P, T_STRING, "acks", conv_acks, NULL, "all", "all, -1, 0 or 1."),
    ROW("batch.size", CONVERTED, P, T_INT, "batch.size", conv_batch_size, NULL, "16384",
        "Bytes per partition batch in both; 0 (no batching) becomes 1."),
    SAME_("linger.ms", P, T_LONG, "5"),
    ROW("buffer.memory", CONVERTED, P, T_LONG, "queue.buffering.max.kbytes", conv_buffer_memory,
        NULL, "33554432", "Bytes to KiB, rounded up."),
    ROW("compression.type", SAME, P, T_STRING, "compression.type", conv_compression_type, NULL,
        "zstd", "none, gzip, snappy, lz4, zstd."),
    ROW("compression.gzip.level", CONVERTED, P, T_INT, "compression.level", conv_compression_level,
        NULL, "-1", "compression.level when compression.type is gzip."),
    ROW("compression.lz4.level", CONVERTED, P, T_INT, "compression.level", conv_compression_level,
        NULL, "9", "compression.level when compression.type is lz4."),
    ROW("compression.zstd.level", CONVERTED, P, T_INT, "compression.level", conv_compression_level,
        NULL, "3", "compression.level when compression.type is zstd."),
    SAME_("retries", P, T_INT, "2147483647"),
    ROW("delivery.timeout.ms", RENAMED, P, T_INT, "message.timeout.ms", NULL, NULL, "120000", NULL),
    ROW("max.request.size", RENAMED, P, T_INT, "message.max.bytes", NULL, NULL, "1048576", NULL),
    SAME_("max.in.flight.requests.per.connection", P, T_INT, "5"),
    SAME_("enable.idempotence", P, T_BOOL, "true"),
    ROW("transactional.id", REJECTED, P, T_STRING, NULL, NULL, NULL, "tx",
        "Transactional ids come from 'sink.transactional-id-prefix', as in Flink's KafkaSink."),
    SAME_("transaction.timeout.ms", P, T_INT, "900000"),
    ROW("max.block.ms", REJECTED, P, T_LONG, NULL, NULL, NULL, "60000",
        "librdkafka's produce call never blocks (a full queue is reported at once)."),
    ROW("metadata.max.idle.ms", DEFAULT_ONLY, P, T_LONG, NULL, NULL, "300000", "300000",
        "librdkafka 2.0.2 has no such setting."),
    ROW("partitioner.class", CONVERTED, P, T_CLASS, "partitioner", conv_partitioner, NULL,
        "org.apache.kafka.clients.producer.internals.DefaultPartitioner",
        "DefaultPartitioner: murmur2_random; other partitioners are an error."),
    ROW("partitioner.ignore.keys", DEFAULT_ONLY, P, T_BOOL, NULL, NULL, "false", "false",
        "librdkafka 2.0.2 has no such setting."),
    ROW("key.serializer", IGNORED, P, T_CLASS, NULL, NULL, NULL,
        "org.apache.kafka.common.serialization.StringSerializer",
        "Flink always sets ByteArraySerializer; 'key.format' encodes the bytes."),
    ROW("value.serializer", IGNORED, P, T_CLASS, NULL, NULL, NULL,
        "org.apache.kafka.common.serialization.StringSerializer",
        "Flink always sets ByteArraySerializer; the value format encodes the bytes."),

    /* ---- Huawei Cloud DLI ---- */
    ROW("connector.auth.open", CONVERTED, B, T_BOOL, NULL, conv_dli_auth_open, NULL, "true",
        "DLI switch: true or absent applies connector.kerberos.*, false ignores them."),
    ROW("connector.kerberos.principal", CONVERTED, B, T_STRING, "sasl.kerberos.principal",
        conv_dli_principal, NULL, "user@EXAMPLE.COM", "sasl.kerberos.principal."),
    ROW("connector.kerberos.keytab", CONVERTED, B, T_STRING, "sasl.kerberos.keytab",
        conv_dli_keytab, NULL, "/etc/security/user.keytab",
        "sasl.kerberos.keytab; a local path (obs:// is an error)."),
    ROW("connector.kerberos.krb5", CONVERTED, B, T_STRING, "sasl.kerberos.kinit.cmd", conv_kinit,
        NULL, "/etc/krb5.conf",
        "KRB5_CONFIG for kinit in sasl.kerberos.kinit.cmd, and for the process (see the "
        "caller); a local path (obs:// is an error)."),
};

#undef C
#undef P
#undef B

int sl_kafka_prop_count(void)
{
    return (int)SL_ARRAY_LEN(table);
}

const sl_kafka_prop *sl_kafka_prop_at(int i)
{
    return i >= 0 && i < (int)SL_ARRAY_LEN(table) ? &table[i].p : NULL;
}

static const row *lookup(const char *name)
{
    for (size_t i = 0; i < SL_ARRAY_LEN(table); i++)
        if (!strcmp(table[i].p.name, name)) return &table[i];
    return NULL;
}

const sl_kafka_prop *sl_kafka_prop_find(const char *name)
{
    const row *r = lookup(name);
    return r ? &r->p : NULL;
}

/* ---- names librdkafka does not know ------------------------------------------------------ */

/* The closest Java or librdkafka name to name, or NULL. Into buf. */
static const char *suggest(const char *name, char *buf, size_t n)
{
    size_t cnt = 0, tcnt = 0;
    rd_kafka_conf_t *c = rd_kafka_conf_new();
    rd_kafka_topic_conf_t *tc = rd_kafka_topic_conf_new();
    const char **g = rd_kafka_conf_dump(c, &cnt);
    const char **t = rd_kafka_topic_conf_dump(tc, &tcnt);
    size_t total = SL_ARRAY_LEN(table) + cnt / 2 + tcnt / 2, k = 0;
    const char **cand = sl_malloc(sizeof *cand * (total + 1));
    for (size_t i = 0; i < SL_ARRAY_LEN(table); i++)
        if (table[i].p.kind != SL_KPROP_REJECTED) cand[k++] = table[i].p.name;
    for (size_t i = 0; i < cnt; i += 2) cand[k++] = g[i];
    for (size_t i = 0; i < tcnt; i += 2) cand[k++] = t[i];
    const char *s = sl_suggest(name, cand, (int)k);
    if (s) snprintf(buf, n, "%s", s);
    sl_free(cand);
    rd_kafka_conf_dump_free(g, cnt);
    rd_kafka_conf_dump_free(t, tcnt);
    rd_kafka_conf_destroy(c);
    rd_kafka_topic_conf_destroy(tc);
    return s ? buf : NULL;
}

static int pass_through(xl *x)
{
    char errstr[512];
    if (!x->scratch) x->scratch = rd_kafka_conf_new();
    rd_kafka_conf_res_t r = rd_kafka_conf_set(x->scratch, x->name, x->val, errstr, sizeof errstr);
    if (r == RD_KAFKA_CONF_OK) {
        push(x->out, x->name, x->val, x->secret, x->cur);
        return SL_OK;
    }
    if (r == RD_KAFKA_CONF_UNKNOWN) {
        char buf[128];
        const char *s = suggest(x->name, buf, sizeof buf);
        return fail_at(x, x->cur, 0,
                       "Kafka client property '" PREFIX "%s' has no librdkafka equivalent%s%s%s",
                       x->name, s ? ". Did you mean '" PREFIX : ".", s ? s : "", s ? "'?" : "");
    }
    if (x->secret)
        return fail(x, "Invalid value for Kafka client property '" PREFIX "%s'", x->name);
    return fail(x, "Invalid value '%s' for Kafka client property '" PREFIX "%s': %s", x->val,
                x->name, errstr);
}

/* ---- entry points ------------------------------------------------------------------------ */

int sl_kafka_translate(const sl_optset *opts, int role, sl_kafka_settings *out, int *bad,
                       sl_err *err)
{
    SL_ASSERT(role & SL_KAFKA_BOTH);
    xl x = {0};
    x.opts = opts;
    x.role = role;
    x.out = out;
    x.bad = bad;
    x.err = err;
    if (bad) *bad = -1;
    int n0 = out->n, rc = SL_OK;
    char *krb5_before = out->krb5_conf ? sl_strdup(out->krb5_conf) : NULL;
    for (int i = 0; i < opts->n && !rc; i++) {
        const sl_opt *o = &opts->items[i];
        if (strncmp(o->key, PREFIX, PREFIX_LEN) != 0) continue;
        x.cur = i;
        x.name = o->key + PREFIX_LEN;
        x.val = o->val ? o->val : "";
        x.secret = sl_opt_is_secret(NULL, o->key);
        if (!*x.name) {
            rc = fail_at(&x, i, 0, "Option '" PREFIX "' names no Kafka client property.");
            break;
        }
        const row *r = lookup(x.name);
        if (!r) {
            rc = pass_through(&x);
            continue;
        }
        x.secret = x.secret || r->type == T_PASSWORD;
        int before = out->n;
        switch (r->p.kind) {
        case SL_KPROP_REJECTED: rc = no_equivalent(&x, r->p.doc); break;
        case SL_KPROP_IGNORED: rc = norm(&x, r->type) ? SL_OK : SL_CONFIG; break;
        case SL_KPROP_DEFAULT_ONLY: rc = default_only(&x, r); break;
        default: rc = r->conv ? r->conv(&x, r) : conv_default(&x, r); break;
        }
        /* Only the other role's Java client knows it: checked, then left out. */
        if (!rc && !(r->p.roles & role)) drop_from(out, before);
    }
    if (rc) {
        drop_from(out, n0);
        sl_free(out->krb5_conf);
        out->krb5_conf = krb5_before;
    } else {
        sl_free(krb5_before);
    }
    for (int i = 0; i < x.ntmp; i++) sl_free(x.tmp[i]);
    sl_free(x.tmp);
    if (x.scratch) rd_kafka_conf_destroy(x.scratch);
    return rc;
}

int sl_kafka_settings_apply(const sl_kafka_settings *s, const sl_optset *opts,
                            rd_kafka_conf_t *conf, sl_err *err)
{
    char errstr[512];
    for (int i = 0; i < s->n; i++) {
        const sl_kafka_setting *it = &s->items[i];
        if (rd_kafka_conf_set(conf, it->key, it->value, errstr, sizeof errstr) == RD_KAFKA_CONF_OK)
            continue;
        const sl_opt *o = it->opt >= 0 && it->opt < opts->n ? &opts->items[it->opt] : NULL;
        sl_err_set(err, SL_CONFIG, "Kafka client property '%s' (librdkafka's '%s') was refused%s%s",
                   o ? o->key : "?", it->key, it->secret ? "" : ": ", it->secret ? "" : errstr);
        if (o && o->key_off >= 0) sl_err_locate(err, o->key_off, o->key_len);
        return SL_CONFIG;
    }
    return SL_OK;
}

void sl_kafka_settings_free(sl_kafka_settings *s)
{
    if (!s) return;
    drop_from(s, 0);
    sl_free(s->items);
    sl_free(s->krb5_conf);
    s->items = NULL;
    s->n = s->cap = 0;
    s->krb5_conf = NULL;
}
