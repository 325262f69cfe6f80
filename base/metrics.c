/*
** base/metrics.c — metrics registry, readiness probes and loop heartbeats (see metrics.h).
**
** Families and their series are linked lists under one mutex, taken only to find, create,
** release or render series; updates are lock-free atomics. Gauge and histogram sums hold
** doubles as their bit patterns in 64-bit atomics.
**
** SPDX-License-Identifier: MIT
*/
#include "base/metrics.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include "base/log.h"

static const double buckets[] = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                 0.5,   1,     2.5,  5,     10,   30,  60};
#define NBUCKETS ((int)SL_ARRAY_LEN(buckets))

typedef struct family family;

struct sl_metric {
    family *fam;
    sl_metric *next;
    char *labels; /* rendered: a="x",b="y" (may be empty) */
    int refs;
    atomic_ullong value; /* counter count, gauge bits, histogram count */
    atomic_ullong sum;   /* histogram: bits of the sum */
    atomic_ullong bucket[NBUCKETS];
};

struct family {
    family *next;
    char *name, *help;
    sl_metric_type type;
    sl_metric *series;
};

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static family *g_families, **g_last_family = &g_families;

static uint64_t dbits(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

static double bitsd(uint64_t u)
{
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

/* A label value as the text format wants it: \\, \" and \n escaped. */
static void label_value(sl_buf *b, const char *v)
{
    for (; *v; v++) {
        if (*v == '\\' || *v == '"') sl_buf_putc(b, '\\');
        if (*v == '\n') {
            sl_buf_puts(b, "\\n");
            continue;
        }
        sl_buf_putc(b, *v);
    }
}

sl_metric *sl_metric_get(sl_metric_type type, const char *name, const char *help,
                         const char *const *labels)
{
    sl_buf lb = SL_BUF_INIT;
    for (int i = 0; labels && labels[i]; i += 2) {
        sl_buf_printf(&lb, "%s%s=\"", i ? "," : "", labels[i]);
        label_value(&lb, labels[i + 1] ? labels[i + 1] : "");
        sl_buf_putc(&lb, '"');
    }
    const char *key = lb.p ? lb.p : "";
    pthread_mutex_lock(&g_mu);
    family *f = g_families;
    while (f && strcmp(f->name, name) != 0) f = f->next;
    if (!f) {
        f = sl_calloc(1, sizeof *f);
        f->name = sl_strdup(name);
        f->help = sl_strdup(help ? help : "");
        f->type = type;
        *g_last_family = f;
        g_last_family = &f->next;
    }
    SL_ASSERT(f->type == type);
    sl_metric *m = f->series, **tail = &f->series;
    for (; m && strcmp(m->labels, key) != 0; m = m->next) tail = &m->next;
    if (!m) {
        m = sl_calloc(1, sizeof *m);
        m->fam = f;
        m->labels = sl_strdup(key);
        *tail = m;
    }
    m->refs++;
    pthread_mutex_unlock(&g_mu);
    sl_buf_free(&lb);
    return m;
}

void sl_metric_release(sl_metric *m)
{
    if (!m) return;
    pthread_mutex_lock(&g_mu);
    if (--m->refs == 0 && m->fam->type != SL_METRIC_COUNTER) {
        sl_metric **pp = &m->fam->series;
        while (*pp != m) pp = &(*pp)->next;
        *pp = m->next;
        sl_free(m->labels);
        sl_free(m);
    }
    pthread_mutex_unlock(&g_mu);
}

void sl_metric_add(sl_metric *m, uint64_t n)
{
    if (m) atomic_fetch_add_explicit(&m->value, n, memory_order_relaxed);
}

void sl_metric_set(sl_metric *m, double v)
{
    if (m) atomic_store_explicit(&m->value, dbits(v), memory_order_relaxed);
}

void sl_metric_observe(sl_metric *m, double seconds)
{
    if (!m) return;
    for (int i = 0; i < NBUCKETS; i++)
        if (seconds <= buckets[i]) {
            atomic_fetch_add_explicit(&m->bucket[i], 1, memory_order_relaxed);
            break;
        }
    uint64_t old = atomic_load(&m->sum);
    while (!atomic_compare_exchange_weak(&m->sum, &old, dbits(bitsd(old) + seconds))) {
    }
    atomic_fetch_add(&m->value, 1);
}

static void number(sl_buf *b, double v)
{
    if (isnan(v)) sl_buf_puts(b, "NaN");
    else if (isinf(v)) sl_buf_puts(b, v > 0 ? "+Inf" : "-Inf");
    else if (v == (double)(int64_t)v && fabs(v) < 1e15) sl_buf_printf(b, "%lld", (long long)v);
    else sl_buf_printf(b, "%.17g", v);
}

/* name{labels[,extra]} */
static void series_name(sl_buf *b, const char *name, const char *suffix, const char *labels,
                        const char *extra)
{
    sl_buf_printf(b, "%s%s", name, suffix);
    if (!*labels && !extra) return;
    sl_buf_printf(b, "{%s%s%s}", labels, *labels && extra ? "," : "", extra ? extra : "");
}

static void render_family(sl_buf *b, const family *f)
{
    static const char *const types[] = {"counter", "gauge", "histogram"};
    if (!f->series) return;
    sl_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", f->name, f->help, f->name, types[f->type]);
    for (const sl_metric *m = f->series; m; m = m->next) {
        uint64_t v = atomic_load(&m->value);
        if (f->type == SL_METRIC_COUNTER) {
            series_name(b, f->name, "", m->labels, NULL);
            sl_buf_printf(b, " %llu\n", (unsigned long long)v);
        } else if (f->type == SL_METRIC_GAUGE) {
            series_name(b, f->name, "", m->labels, NULL);
            sl_buf_putc(b, ' ');
            number(b, bitsd(v));
            sl_buf_putc(b, '\n');
        } else {
            uint64_t cum = 0;
            char le[48];
            for (int i = 0; i < NBUCKETS; i++) {
                cum += atomic_load(&m->bucket[i]);
                snprintf(le, sizeof le, "le=\"%g\"", buckets[i]);
                series_name(b, f->name, "_bucket", m->labels, le);
                sl_buf_printf(b, " %llu\n", (unsigned long long)cum);
            }
            series_name(b, f->name, "_bucket", m->labels, "le=\"+Inf\"");
            sl_buf_printf(b, " %llu\n", (unsigned long long)v);
            series_name(b, f->name, "_sum", m->labels, NULL);
            sl_buf_putc(b, ' ');
            number(b, bitsd(atomic_load(&m->sum)));
            sl_buf_putc(b, '\n');
            series_name(b, f->name, "_count", m->labels, NULL);
            sl_buf_printf(b, " %llu\n", (unsigned long long)v);
        }
    }
}

void sl_metrics_render(sl_buf *out)
{
    sl_buf b = SL_BUF_INIT;
    sl_buf_printf(&b,
                  "# HELP sluice_build_info The version of sluice serving these metrics.\n"
                  "# TYPE sluice_build_info gauge\n"
                  "sluice_build_info{version=\"%s\"} 1\n"
                  "# HELP sluice_up 1 while the process runs.\n"
                  "# TYPE sluice_up gauge\n"
                  "sluice_up 1\n",
                  SL_VERSION);
    pthread_mutex_lock(&g_mu);
    for (const family *f = g_families; f; f = f->next) render_family(&b, f);
    pthread_mutex_unlock(&g_mu);
    sl_secrets_mask(b.p, b.n, out);
    sl_buf_free(&b);
}

/* ---- readiness ------------------------------------------------------------------------- */

struct sl_probe {
    sl_probe *next;
    char *job, *table, *connector, *role, *reason;
    int connected;
};

static sl_probe *g_probes;

sl_probe *sl_probe_add(const char *job, const char *table, const char *connector,
                       const char *role)
{
    sl_probe *p = sl_calloc(1, sizeof *p);
    p->job = sl_strdup(job ? job : "");
    p->table = sl_strdup(table ? table : "");
    p->connector = sl_strdup(connector ? connector : "");
    p->role = sl_strdup(role ? role : "");
    pthread_mutex_lock(&g_mu);
    sl_probe **pp = &g_probes;
    while (*pp) pp = &(*pp)->next;
    *pp = p;
    pthread_mutex_unlock(&g_mu);
    return p;
}

void sl_probe_set(sl_probe *p, int connected, const char *reason)
{
    if (!p) return;
    pthread_mutex_lock(&g_mu);
    p->connected = connected != 0;
    sl_free(p->reason);
    p->reason = reason ? sl_strdup(reason) : NULL;
    pthread_mutex_unlock(&g_mu);
}

void sl_probe_remove(sl_probe *p)
{
    if (!p) return;
    pthread_mutex_lock(&g_mu);
    sl_probe **pp = &g_probes;
    while (*pp && *pp != p) pp = &(*pp)->next;
    if (*pp) *pp = p->next;
    pthread_mutex_unlock(&g_mu);
    sl_free(p->job);
    sl_free(p->table);
    sl_free(p->connector);
    sl_free(p->role);
    sl_free(p->reason);
    sl_free(p);
}

int sl_probes_ready(sl_buf *json)
{
    sl_buf b = SL_BUF_INIT;
    pthread_mutex_lock(&g_mu);
    int ready = g_probes != NULL;
    sl_buf_puts(&b, "\"connectors\":[");
    for (const sl_probe *p = g_probes; p; p = p->next) {
        ready = ready && p->connected;
        sl_buf_puts(&b, p == g_probes ? "{\"job\":" : ",{\"job\":");
        sl_json_quote(&b, p->job);
        sl_buf_puts(&b, ",\"table\":");
        sl_json_quote(&b, p->table);
        sl_buf_puts(&b, ",\"connector\":");
        sl_json_quote(&b, p->connector);
        sl_buf_puts(&b, ",\"role\":");
        sl_json_quote(&b, p->role);
        sl_buf_printf(&b, ",\"connected\":%s", p->connected ? "true" : "false");
        if (p->reason) {
            sl_buf_puts(&b, ",\"reason\":");
            sl_json_quote(&b, p->reason);
        }
        sl_buf_putc(&b, '}');
    }
    pthread_mutex_unlock(&g_mu);
    if (json) {
        sl_buf whole = SL_BUF_INIT;
        sl_buf_printf(&whole, "{\"ready\":%s,%s]}\n", ready ? "true" : "false", b.p);
        sl_secrets_mask(whole.p, whole.n, json);
        sl_buf_free(&whole);
    }
    sl_buf_free(&b);
    return ready;
}

/* ---- liveness -------------------------------------------------------------------------- */

struct sl_loop {
    sl_loop *next;
    atomic_llong beat_ms;
};

static sl_loop *g_loops;

sl_loop *sl_loop_add(void)
{
    sl_loop *l = sl_calloc(1, sizeof *l);
    atomic_store(&l->beat_ms, sl_now_ms());
    pthread_mutex_lock(&g_mu);
    l->next = g_loops;
    g_loops = l;
    pthread_mutex_unlock(&g_mu);
    return l;
}

void sl_loop_beat(sl_loop *l)
{
    if (l) atomic_store_explicit(&l->beat_ms, sl_now_ms(), memory_order_relaxed);
}

void sl_loop_remove(sl_loop *l)
{
    if (!l) return;
    pthread_mutex_lock(&g_mu);
    sl_loop **pp = &g_loops;
    while (*pp && *pp != l) pp = &(*pp)->next;
    if (*pp) *pp = l->next;
    pthread_mutex_unlock(&g_mu);
    sl_free(l);
}

int64_t sl_loops_age_ms(void)
{
    int64_t now = sl_now_ms(), age = 0;
    pthread_mutex_lock(&g_mu);
    for (const sl_loop *l = g_loops; l; l = l->next) age = SL_MAX(age, now - atomic_load(&l->beat_ms));
    pthread_mutex_unlock(&g_mu);
    return age;
}

/* ---- the public API (include/sluice.h) ------------------------------------------------- */

char *sl_metrics_text(void)
{
    sl_buf b = SL_BUF_INIT;
    sl_metrics_render(&b);
    return sl_buf_detach(&b);
}

int sl_readiness(char **json)
{
    sl_buf b = SL_BUF_INIT;
    int ready = sl_probes_ready(json ? &b : NULL);
    if (json) *json = sl_buf_detach(&b);
    return ready;
}

int64_t sl_heartbeat_age_ms(void)
{
    return sl_loops_age_ms();
}

void sl_text_free(char *text)
{
    sl_free(text);
}
