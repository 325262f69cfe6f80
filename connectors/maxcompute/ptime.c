/*
** connectors/maxcompute/ptime.c — time zones (TZif reader, POSIX-TZ rules) and partition values.
**
** A zone is a sorted list of transitions (instant, offset after it), the offset before the
** first one, and an optional POSIX-TZ rule for instants after the last transition (the TZif
** footer, e.g. "CET-1CEST,M3.5.0,M10.5.0/3"). Lookups are a binary search; local-to-instant
** conversion looks at the offsets a day either side, which is exact as long as a zone does not
** change its offset twice within two days (no zone in tzdata does).
**
** SPDX-License-Identifier: MIT
*/
#include "connectors/maxcompute/ptime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/datetime.h"

#define MAX_OFFSET     (18 * 3600) /* java.time.ZoneOffset's range */
#define MAX_TZIF_BYTES (1 << 20)
#define MAX_PT_VALUE   255

typedef struct tzrule_date {
    char kind;    /* 'J' Julian 1..365 without Feb 29, 'D' zero-based day 0..365, 'M' month rule */
    int a, b, c;  /* J/D: day; M: month, week 1..5, weekday 0..6 */
    int32_t time; /* seconds after local midnight, may be negative or beyond 24 h (TZif v3) */
} tzrule_date;

typedef struct tzrule {
    int32_t std_off, dst_off; /* UTC offsets (local = UTC + off) */
    int has_dst;
    tzrule_date start, end;
} tzrule;

struct sl_mc_tz {
    char *name;
    int64_t *trans; /* transition instants, ascending */
    int32_t *offs;  /* offset in force from trans[i] on */
    int ntrans;
    int32_t first_off; /* before the first transition */
    int has_rule;
    tzrule rule;
};

/* ---- POSIX TZ strings ---------------------------------------------------------------------- */

static const char *parse_tzname(const char *p)
{
    if (*p == '<') {
        const char *q = strchr(p, '>');
        return q && q - p >= 4 ? q + 1 : NULL;
    }
    const char *s = p;
    while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')) p++;
    return p - s >= 3 ? p : NULL;
}

/* [+-]hh[:mm[:ss]] with hours up to max_h; returns the end or NULL. */
static const char *parse_hms(const char *p, int max_h, int32_t *out)
{
    int sign = 1;
    if (*p == '+' || *p == '-') sign = *p++ == '-' ? -1 : 1;
    int32_t v[3] = {0, 0, 0};
    for (int i = 0; i < 3; i++) {
        if (i > 0) {
            if (*p != ':') break;
            p++;
        }
        if (*p < '0' || *p > '9') return NULL;
        int x = 0, nd = 0;
        while (*p >= '0' && *p <= '9' && nd < 3) x = x * 10 + (*p++ - '0'), nd++;
        if (i == 0 ? x > max_h : (x > 59 || nd != 2)) return NULL;
        v[i] = x;
    }
    *out = sign * (v[0] * 3600 + v[1] * 60 + v[2]);
    return p;
}

static const char *parse_num(const char *p, int lo, int hi, int *out)
{
    int x = 0, nd = 0;
    while (*p >= '0' && *p <= '9' && nd < 4) x = x * 10 + (*p++ - '0'), nd++;
    if (nd == 0 || x < lo || x > hi) return NULL;
    *out = x;
    return p;
}

static const char *parse_rule_date(const char *p, tzrule_date *d)
{
    if (*p == 'J') {
        d->kind = 'J';
        p = parse_num(p + 1, 1, 365, &d->a);
    } else if (*p == 'M') {
        d->kind = 'M';
        p = parse_num(p + 1, 1, 12, &d->a);
        if (p && *p == '.')
            p = parse_num(p + 1, 1, 5, &d->b);
        else
            p = NULL;
        if (p && *p == '.')
            p = parse_num(p + 1, 0, 6, &d->c);
        else
            p = NULL;
    } else {
        d->kind = 'D';
        p = parse_num(p, 0, 365, &d->a);
    }
    if (!p) return NULL;
    d->time = 7200;
    if (*p == '/') p = parse_hms(p + 1, 167, &d->time);
    return p;
}

/* Parse a TZif footer; 0 or -1. POSIX offsets count west of Greenwich, hence the negations. */
static int parse_posix_tz(const char *p, tzrule *r)
{
    memset(r, 0, sizeof *r);
    int32_t off;
    if (!(p = parse_tzname(p)) || !(p = parse_hms(p, 24, &off))) return -1;
    r->std_off = -off;
    if (!*p) return 0;
    if (!(p = parse_tzname(p))) return -1;
    r->has_dst = 1;
    r->dst_off = r->std_off + 3600;
    if (*p && *p != ',') {
        if (!(p = parse_hms(p, 24, &off))) return -1;
        r->dst_off = -off;
    }
    if (*p != ',') return -1; /* TZif footers always carry the rule */
    if (!(p = parse_rule_date(p + 1, &r->start)) || *p != ',') return -1;
    if (!(p = parse_rule_date(p + 1, &r->end)) || *p) return -1;
    return 0;
}

/* Local seconds (since 1970, in the zone's local time before the change) of a rule date. */
static int64_t rule_local(const tzrule_date *d, int64_t year)
{
    int64_t days;
    if (d->kind == 'J') {
        int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        days = sl_days_from_civil(year, 1, 1) + d->a - 1 + (leap && d->a >= 60);
    } else if (d->kind == 'D') {
        days = sl_days_from_civil(year, 1, 1) + d->a;
    } else {
        int64_t first = sl_days_from_civil(year, (unsigned)d->a, 1);
        int64_t wd_first = sl_floormod(first + 4, 7); /* 1970-01-01 was a Thursday (4) */
        days = first + sl_floormod(d->c - wd_first, 7) + (int64_t)(d->b - 1) * 7;
        if (d->b == 5) {
            unsigned mlen_m = (unsigned)d->a == 12 ? 1 : (unsigned)d->a + 1;
            int64_t next = sl_days_from_civil(d->a == 12 ? year + 1 : year, mlen_m, 1);
            while (days >= next) days -= 7;
        }
    }
    return days * 86400 + d->time;
}

static int32_t rule_offset(const tzrule *r, int64_t t)
{
    if (!r->has_dst) return r->std_off;
    int64_t y;
    unsigned m, d;
    sl_civil_from_days(sl_floordiv(t + r->std_off, 86400), &y, &m, &d);
    int64_t start = rule_local(&r->start, y) - r->std_off;
    int64_t end = rule_local(&r->end, y) - r->dst_off;
    int dst = start < end ? (t >= start && t < end) : (t < end || t >= start);
    return dst ? r->dst_off : r->std_off;
}

/* ---- TZif ---------------------------------------------------------------------------------- */

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const uint8_t *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

typedef struct tzif_hdr {
    uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
} tzif_hdr;

static int read_hdr(const uint8_t *p, size_t n, tzif_hdr *h)
{
    if (n < 44 || memcmp(p, "TZif", 4) != 0) return -1;
    h->isutcnt = be32(p + 20);
    h->isstdcnt = be32(p + 24);
    h->leapcnt = be32(p + 28);
    h->timecnt = be32(p + 32);
    h->typecnt = be32(p + 36);
    h->charcnt = be32(p + 40);
    if (h->typecnt == 0 || h->typecnt > 256 || h->timecnt > 100000 || h->charcnt > 100000 ||
        h->leapcnt > 100000 || h->isutcnt > 256 || h->isstdcnt > 256)
        return -1;
    return 0;
}

static size_t block_size(const tzif_hdr *h, int tsize)
{
    return (size_t)h->timecnt * (size_t)tsize + h->timecnt + (size_t)h->typecnt * 6 + h->charcnt +
           (size_t)h->leapcnt * (size_t)(tsize + 4) + h->isstdcnt + h->isutcnt;
}

static int parse_tzif(sl_mc_tz *tz, const uint8_t *p, size_t n, sl_err *err)
{
    tzif_hdr h;
    const char *bad = "is not a valid TZif file";
    if (read_hdr(p, n, &h)) goto fail;
    int tsize = 4;
    const uint8_t *data = p + 44, *end = p + n;
    if (p[4] >= '2') { /* skip the 32-bit block, use the 64-bit one */
        size_t skip = block_size(&h, 4);
        if ((size_t)(end - data) < skip) goto fail;
        if (read_hdr(data + skip, (size_t)(end - data - skip), &h)) goto fail;
        data += skip + 44;
        tsize = 8;
    }
    if ((size_t)(end - data) < block_size(&h, tsize)) goto fail;
    if (h.leapcnt) {
        bad = "is a leap-second zone; use the zone without the \"right/\" prefix";
        goto fail;
    }
    const uint8_t *tt = data, *idx = tt + (size_t)h.timecnt * (size_t)tsize;
    const uint8_t *types = idx + h.timecnt;
    tz->ntrans = (int)h.timecnt;
    tz->trans = sl_malloc(sizeof *tz->trans * (h.timecnt + 1));
    tz->offs = sl_malloc(sizeof *tz->offs * (h.timecnt + 1));
    for (uint32_t i = 0; i < h.timecnt; i++) {
        tz->trans[i] = tsize == 8 ? be64(tt + 8 * i) : (int32_t)be32(tt + 4 * i);
        if (idx[i] >= h.typecnt || (i > 0 && tz->trans[i] <= tz->trans[i - 1])) goto fail;
        tz->offs[i] = (int32_t)be32(types + 6 * idx[i]);
    }
    tz->first_off = (int32_t)be32(types);
    for (uint32_t i = 0; i < h.typecnt; i++) {
        int32_t o = (int32_t)be32(types + 6 * i);
        if (o < -MAX_OFFSET - 3600 || o > MAX_OFFSET + 3600) goto fail;
    }
    if (tsize == 8) {
        const uint8_t *f = data + block_size(&h, 8);
        if (f < end && *f == '\n') {
            const uint8_t *nl = memchr(f + 1, '\n', (size_t)(end - f - 1));
            if (!nl) goto fail;
            if (nl > f + 1) {
                char buf[128];
                size_t len = (size_t)(nl - f - 1);
                if (len >= sizeof buf) goto fail;
                memcpy(buf, f + 1, len);
                buf[len] = 0;
                if (parse_posix_tz(buf, &tz->rule)) {
                    bad = "has a POSIX TZ footer sluice cannot read";
                    goto fail;
                }
                tz->has_rule = 1;
            }
        }
    }
    return SL_OK;
fail:
    return sl_err_set(err, SL_DATA, "time_zone '%s': the zone file %s", tz->name, bad);
}

static int valid_zone_name(const char *s)
{
    if (!*s || *s == '/' || strlen(s) > 128) return 0;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '/' || c == '_' || c == '-' || c == '+'))
            return 0;
        if (c == '/' && (p[1] == '/' || p[1] == 0)) return 0;
    }
    return strstr(s, "..") == NULL;
}

/* java.time fixed offsets: Z, +h, +hh, +hh:mm, +hhmm, +hh:mm:ss, +hhmmss, with an optional
** UTC/GMT/UT prefix. Returns 1 and the offset when s is one, 0 when it is a region name, -1
** when it looks like an offset but is not valid. */
static int parse_fixed(const char *s, int32_t *off)
{
    if (!strcmp(s, "Z") || !strcmp(s, "UTC") || !strcmp(s, "GMT") || !strcmp(s, "UT")) {
        *off = 0;
        return 1;
    }
    const char *p = s;
    if (!strncmp(p, "UTC", 3) || !strncmp(p, "GMT", 3))
        p += 3;
    else if (!strncmp(p, "UT", 2))
        p += 2;
    if (*p != '+' && *p != '-') return 0; /* a region name such as "GMT0" or "Europe/Paris" */
    int sign = *p++ == '-' ? -1 : 1;
    int d[6], nd = 0;
    const char *q = p;
    int colons = 0;
    while (*q && nd < 6) {
        if (*q >= '0' && *q <= '9')
            d[nd++] = *q - '0';
        else if (*q == ':')
            colons++;
        else
            return -1;
        q++;
    }
    if (*q) return -1;
    int h, m = 0, sec = 0;
    if (nd == 1 && !colons)
        h = d[0];
    else if (nd == 2 && !colons)
        h = d[0] * 10 + d[1];
    else if (nd == 4 && (colons == 0 || (colons == 1 && p[2] == ':')))
        h = d[0] * 10 + d[1], m = d[2] * 10 + d[3];
    else if (nd == 6 && (colons == 0 || (colons == 2 && p[2] == ':' && p[5] == ':')))
        h = d[0] * 10 + d[1], m = d[2] * 10 + d[3], sec = d[4] * 10 + d[5];
    else
        return -1;
    if (h > 18 || m > 59 || sec > 59 || (h == 18 && (m || sec))) return -1;
    *off = sign * (h * 3600 + m * 60 + sec);
    return 1;
}

int sl_mc_tz_load(const char *name, sl_mc_tz **out, sl_err *err)
{
    *out = NULL;
    sl_mc_tz *tz = sl_calloc(1, sizeof *tz);
    tz->name = sl_strdup(name ? name : "");
    int32_t off;
    int fixed = parse_fixed(tz->name, &off);
    if (fixed == 1) {
        tz->first_off = off;
        *out = tz;
        return SL_OK;
    }
    if (fixed < 0 || !valid_zone_name(tz->name)) {
        sl_err_set(err, SL_DATA,
                   "time_zone '%s' is not a zone: expected an IANA name such as "
                   "'Asia/Shanghai', 'UTC', or an offset such as '+08:00'",
                   tz->name);
        sl_mc_tz_free(tz);
        return SL_DATA;
    }
    const char *dir = getenv("TZDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", tz->name);
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t n = 0;
    if (f) {
        buf = sl_malloc(MAX_TZIF_BYTES);
        n = fread(buf, 1, MAX_TZIF_BYTES, f);
        fclose(f);
    }
    int rc;
    if (!f) {
        rc = sl_err_set(err, SL_DATA, "time_zone '%s' is not a known zone (no file %s)", tz->name,
                        path);
    } else {
        rc = parse_tzif(tz, buf, n, err);
    }
    sl_free(buf);
    if (rc != SL_OK) {
        sl_mc_tz_free(tz);
        return rc;
    }
    *out = tz;
    return SL_OK;
}

void sl_mc_tz_free(sl_mc_tz *tz)
{
    if (!tz) return;
    sl_free(tz->name);
    sl_free(tz->trans);
    sl_free(tz->offs);
    sl_free(tz);
}

const char *sl_mc_tz_name(const sl_mc_tz *tz)
{
    return tz->name;
}

int32_t sl_mc_tz_offset(const sl_mc_tz *tz, int64_t t)
{
    if (tz->ntrans == 0 || t < tz->trans[0]) {
        if (tz->ntrans == 0 && tz->has_rule) return rule_offset(&tz->rule, t);
        return tz->first_off;
    }
    if (t >= tz->trans[tz->ntrans - 1] && tz->has_rule) return rule_offset(&tz->rule, t);
    int lo = 0, hi = tz->ntrans - 1; /* last i with trans[i] <= t */
    while (lo < hi) {
        int mid = lo + (hi - lo + 1) / 2;
        if (tz->trans[mid] <= t)
            lo = mid;
        else
            hi = mid - 1;
    }
    return tz->offs[lo];
}

int64_t sl_mc_tz_from_local(const sl_mc_tz *tz, int64_t local)
{
    int32_t before = sl_mc_tz_offset(tz, local - 86400);
    int32_t after = sl_mc_tz_offset(tz, local + 86400);
    if (before == after) return local - before;
    int ok_before = sl_mc_tz_offset(tz, local - before) == before;
    int ok_after = sl_mc_tz_offset(tz, local - after) == after;
    /* overlap: the earlier offset; gap: shifted forward by the gap, which is local - before */
    if (ok_before || !ok_after) return local - before;
    return local - after;
}

/* ---- partition values ---------------------------------------------------------------------- */

int sl_mc_window_parse(const char *s, int *out, sl_err *err)
{
    static const char *const names[] = {"DAY", "HOUR", "MINUTE"};
    for (int i = 0; i < 3; i++)
        if (s && sl_strcaseeq(s, names[i])) {
            *out = i;
            return SL_OK;
        }
    return sl_err_set(err, SL_DATA, "partition_window_type '%s' is not one of DAY, HOUR, MINUTE",
                      s ? s : "");
}

void sl_mc_pt_value(sl_buf *b, int64_t epoch_ms, int window, int new_format, const sl_mc_tz *tz)
{
    int64_t t = sl_floordiv(epoch_ms, 1000);
    int64_t local = t + sl_mc_tz_offset(tz, t);
    int64_t y;
    unsigned mo, d;
    sl_civil_from_days(sl_floordiv(local, 86400), &y, &mo, &d);
    int64_t sod = sl_floormod(local, 86400);
    if (new_format)
        sl_buf_printf(b, "%04lld-%02u-%02u", (long long)y, mo, d);
    else
        sl_buf_printf(b, "%02u-%02u-%04lld", mo, d, (long long)y);
    if (window >= SL_MC_WINDOW_HOUR) sl_buf_printf(b, " %02d", (int)(sod / 3600));
    if (window >= SL_MC_WINDOW_MINUTE) sl_buf_printf(b, ":%02d", (int)(sod / 60 % 60));
}

int sl_mc_partition_spec(sl_buf *b, const char *const *names, const char *const *vals,
                         const size_t *lens, int n, int quoted, sl_err *err)
{
    for (int i = 0; i < n; i++) {
        if (lens[i] == 0 || lens[i] > MAX_PT_VALUE)
            return sl_err_set(err, SL_DATA,
                              "partition column '%s': the value must be 1 to %d bytes, not %zu",
                              names[i], MAX_PT_VALUE, lens[i]);
        for (size_t j = 0; j < lens[i]; j++) {
            unsigned char c = (unsigned char)vals[i][j];
            if (c < 0x20 || c == 0x7f || strchr("'\",=/\\", c))
                return sl_err_set(err, SL_DATA,
                                  "partition column '%s': byte %zu of the value is 0x%02x, a "
                                  "character a partition spec cannot carry (' \" , = / \\ and "
                                  "control characters are not allowed)",
                                  names[i], j, c);
        }
    }
    for (int i = 0; i < n; i++) {
        if (i) sl_buf_putc(b, ',');
        sl_buf_puts(b, names[i]);
        sl_buf_puts(b, quoted ? "='" : "=");
        sl_buf_append(b, vals[i], lens[i]);
        if (quoted) sl_buf_putc(b, '\'');
    }
    return SL_OK;
}
