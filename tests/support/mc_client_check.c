/*
** tests/support/mc_client_check.c — drives the MaxCompute client (connectors/maxcompute/client.h)
** against the emulator for tests/integration/mc_client.sh.
**
** Usage: mc_client_check [options] COMMAND
**   schema     read the table schema and print it
**   partition  ensure --partition exists (prints "partition exists|created")
**   upload     --rows N rows in --blocks K blocks, --threads P uploads in parallel, commit
**   stream     --rows N rows in --packs K packs through a stream session
**   upsert     --rows N upserts (value a<i>), upserts of the first half (b<i>), deletes of
**              every id divisible by 5, commit
**   sts        --rounds R table reads, sleeping --sleep-ms between them (STS refresh)
**   status     print the status of an upload session opened and left uncommitted
** Options: --endpoint URL --tunnel-endpoint URL --project P --table T --partition SPEC
**   --access-id ID --access-key KEY --sts (account type STS) --sts-endpoint E --account-id A
**   --role-name R --region R --sts-refresh-ms MS --retries N --backoff-ms MS
**   --read-timeout-ms MS --connect-timeout-ms MS --poll-ms MS --ca-file PEM --raw (no deflate)
**   --keep (keep blocks until commit) --create-partition
**
** Rows: column i of row r gets a value derived from r by the column type (BIGINT r, STRING
** "v<r>", DOUBLE r + 0.5, BOOLEAN r odd, DATETIME r seconds after 2023-07-13 13:13 UTC ...).
** Output: result lines, then one "stats ..." line with the client's counters. Errors: the
** message on stderr as "error: ...", exit status 1.
**
** SPDX-License-Identifier: MIT
*/
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "connectors/maxcompute/client.h"
#include "connectors/maxcompute/wire.h"

static sl_mc_client_conf g_conf;
static const char *g_table = "t", *g_partition = NULL;
static long g_rows = 10, g_blocks = 1, g_threads = 1, g_packs = 1, g_rounds = 1, g_sleep_ms = 0;
static int g_deflate = 1, g_keep = 0, g_create_partition = 0;
static sl_mc_client *g_client;

static void die(const sl_err *err)
{
    fprintf(stderr, "error: %s\n", err->msg);
    exit(1);
}

static void print_stats(void)
{
    sl_mc_client_stats s;
    sl_mc_client_stats_get(g_client, &s);
    printf("stats requests=%llu retries=%llu throttled=%llu server=%llu transport=%llu "
           "malformed=%llu sts_fetches=%llu commit_checks=%llu commits_confirmed=%llu "
           "blocks_resent=%llu sessions_renewed=%llu stream_reloads=%llu\n",
           (unsigned long long)s.requests, (unsigned long long)s.retries,
           (unsigned long long)s.retries_throttled, (unsigned long long)s.retries_server,
           (unsigned long long)s.retries_transport, (unsigned long long)s.retries_malformed,
           (unsigned long long)s.sts_fetches, (unsigned long long)s.commit_status_checks,
           (unsigned long long)s.commits_confirmed, (unsigned long long)s.blocks_resent,
           (unsigned long long)s.sessions_renewed, (unsigned long long)s.stream_reloads);
}

/* The value of column type t in row r; strings are formatted into ar. */
static sl_value row_value(const sl_mc_type *t, long r, const char *prefix, sl_arena *ar)
{
    switch (t->id) {
    case SL_MC_BIGINT:
    case SL_MC_INT: return sl_int(r);
    case SL_MC_SMALLINT: return sl_int(r % 30000);
    case SL_MC_TINYINT: return sl_int(r % 100);
    case SL_MC_DOUBLE:
    case SL_MC_FLOAT: return sl_double((double)r + 0.5);
    case SL_MC_BOOLEAN: return sl_bool(r & 1);
    case SL_MC_STRING:
    case SL_MC_VARCHAR:
    case SL_MC_CHAR: {
        char *s = sl_arena_printf(ar, "%s%ld", prefix, r);
        return sl_string(s, strlen(s));
    }
    case SL_MC_DATETIME: return sl_timestamp(1689253980 + r, 0);
    case SL_MC_DATE: return sl_date(19551 + r % 1000);
    default: return sl_null();
    }
}

static void encode_rows(const sl_mc_schema *schema, long from, long to, const char *prefix,
                        sl_buf *out, uint32_t max_field)
{
    sl_err err = SL_ERR_INIT;
    sl_arena ar;
    sl_mc_writer w;
    sl_mc_writer_opts o = {g_deflate ? SL_MC_COMPRESS_DEFLATE : SL_MC_COMPRESS_NONE, 1,
                           max_field};
    sl_value *vals = sl_calloc((size_t)schema->ncol + 1, sizeof *vals);
    sl_arena_init(&ar, 0);
    if (sl_mc_writer_init(&w, schema, &o, out, &err)) die(&err);
    for (long r = from; r < to; r++) {
        for (int i = 0; i < schema->ncol; i++)
            vals[i] = row_value(schema->cols[i].type, r, prefix, &ar);
        if (sl_mc_write_record(&w, vals, schema->ncol, &err)) die(&err);
    }
    if (sl_mc_writer_finish(&w, &err)) die(&err);
    sl_mc_writer_free(&w);
    sl_arena_free(&ar);
    sl_free(vals);
}

static void cmd_schema(void)
{
    sl_err err = SL_ERR_INIT;
    sl_arena ar;
    sl_mc_table t;
    sl_buf b = SL_BUF_INIT;
    sl_arena_init(&ar, 0);
    if (sl_mc_table_get(g_client, g_table, &ar, &t, &err)) die(&err);
    printf("table %s transactional=%d\n", t.name, t.transactional);
    for (int i = 0; i < t.columns.ncol; i++) {
        sl_buf_reset(&b);
        sl_mc_type_render(&b, t.columns.cols[i].type);
        printf("column %s %s%s\n", t.columns.cols[i].name, b.p, t.not_null[i] ? " not null" : "");
    }
    for (int i = 0; i < t.partition_keys.ncol; i++) {
        sl_buf_reset(&b);
        sl_mc_type_render(&b, t.partition_keys.cols[i].type);
        printf("partition %s %s\n", t.partition_keys.cols[i].name, b.p);
    }
    for (int i = 0; i < t.npk; i++) printf("primary key %s (column %d)\n", t.primary_key[i],
                                           t.pk_index[i]);
    sl_buf_free(&b);
    sl_arena_free(&ar);
}

static void cmd_partition(void)
{
    sl_err err = SL_ERR_INIT;
    int exists = 0;
    if (sl_mc_partition_exists(g_client, g_table, g_partition, &exists, &err)) die(&err);
    if (sl_mc_partition_ensure(g_client, g_table, g_partition, &err)) die(&err);
    int after = 0;
    if (sl_mc_partition_exists(g_client, g_table, g_partition, &after, &err)) die(&err);
    if (!after) {
        fprintf(stderr, "error: partition still missing after ensure\n");
        exit(1);
    }
    printf("partition %s\n", exists ? "exists" : "created");
}

static void cmd_upload(int commit)
{
    sl_err err = SL_ERR_INIT;
    sl_mc_upload *up;
    sl_mc_pool *pool;
    sl_mc_upload_opts o = {0, g_create_partition, g_keep};
    if (sl_mc_upload_open(g_client, g_table, g_partition, &o, &up, &err)) die(&err);
    printf("session %s\n", sl_mc_upload_id(up));
    if (sl_mc_pool_open((int)g_threads, &pool, &err)) die(&err);
    uint32_t *ids = sl_calloc((size_t)g_blocks, sizeof *ids);
    for (long b = 0; b < g_blocks; b++) {
        sl_buf body = SL_BUF_INIT;
        encode_rows(sl_mc_upload_schema(up), g_rows * b / g_blocks, g_rows * (b + 1) / g_blocks,
                    "v", &body, sl_mc_upload_max_field_size(up));
        ids[b] = (uint32_t)b;
        if (sl_mc_pool_submit(pool, up, (uint32_t)b, &body, g_deflate, &err)) die(&err);
        sl_buf_free(&body);
    }
    int rc = sl_mc_pool_wait(pool, &err);
    sl_mc_pool_close(pool);
    if (rc) die(&err);
    if (commit) {
        if (sl_mc_upload_commit(up, ids, (int)g_blocks, &err)) die(&err);
        printf("committed session %s rows %ld blocks %ld\n", sl_mc_upload_id(up), g_rows,
               g_blocks);
    } else {
        sl_mc_upload_state st;
        if (sl_mc_upload_status(up, &st, &err)) die(&err);
        printf("status %s blocks %d\n", st.status, st.nblocks);
        sl_free(st.blocks);
    }
    sl_free(ids);
    sl_mc_upload_close(up);
}

static void cmd_stream(void)
{
    sl_err err = SL_ERR_INIT;
    sl_mc_stream *st;
    if (sl_mc_stream_open(g_client, g_table, g_partition, g_create_partition, &st, &err))
        die(&err);
    printf("stream %s\n", sl_mc_stream_id(st));
    for (long p = 0; p < g_packs; p++) {
        sl_buf body = SL_BUF_INIT;
        long from = g_rows * p / g_packs, to = g_rows * (p + 1) / g_packs;
        encode_rows(sl_mc_stream_schema(st), from, to, "v", &body, 0);
        if (sl_mc_stream_write(st, body.p, body.n, (uint64_t)(to - from), g_deflate, &err))
            die(&err);
        sl_buf_free(&body);
    }
    printf("streamed rows %ld packs %ld\n", g_rows, g_packs);
    sl_mc_stream_close(st);
}

static void upsert_rows(sl_mc_upsert *us, long from, long to, long step, int op,
                        const char *prefix)
{
    const sl_mc_schema *s = sl_mc_upsert_schema(us);
    sl_err err = SL_ERR_INIT;
    sl_arena ar;
    sl_value *vals = sl_calloc((size_t)s->ncol + 1, sizeof *vals);
    sl_arena_init(&ar, 0);
    for (long r = from; r < to; r += step) {
        for (int i = 0; i < s->ncol; i++) vals[i] = row_value(s->cols[i].type, r, prefix, &ar);
        if (sl_mc_upsert_write(us, op, vals, s->ncol, &err)) die(&err);
    }
    sl_arena_free(&ar);
    sl_free(vals);
}

static void cmd_upsert(void)
{
    sl_err err = SL_ERR_INIT;
    sl_mc_upsert *us;
    sl_mc_upsert_opts o = {2, 0, 512};
    if (sl_mc_upsert_open(g_client, g_table, g_partition, &o, &us, &err)) die(&err);
    printf("upsert session %s\n", sl_mc_upsert_id(us));
    upsert_rows(us, 0, g_rows, 1, SL_MC_UPSERT, "a");
    upsert_rows(us, 0, g_rows / 2, 1, SL_MC_UPSERT, "b");
    upsert_rows(us, 0, g_rows, 5, SL_MC_DELETE, "d");
    if (sl_mc_upsert_commit(us, &err)) die(&err);
    printf("upsert committed\n");
    sl_mc_upsert_close(us);
}

static void cmd_sts(void)
{
    sl_err err = SL_ERR_INIT;
    char id[256], prev[256] = "";
    int changes = 0;
    for (long i = 0; i < g_rounds; i++) {
        sl_arena ar;
        sl_mc_table t;
        sl_arena_init(&ar, 0);
        if (sl_mc_table_get(g_client, g_table, &ar, &t, &err)) die(&err);
        sl_arena_free(&ar);
        if (sl_mc_client_signing_id(g_client, id, sizeof id, &err)) die(&err);
        if (strncmp(id, "STS.", 4) != 0) {
            fprintf(stderr, "error: signing with %s, not an STS key\n", id);
            exit(1);
        }
        if (*prev && strcmp(prev, id) != 0) changes++;
        snprintf(prev, sizeof prev, "%s", id);
        if (g_sleep_ms && i + 1 < g_rounds) {
            struct timespec ts = {g_sleep_ms / 1000, (g_sleep_ms % 1000) * 1000000L};
            nanosleep(&ts, NULL);
        }
    }
    printf("sts rounds %ld credential changes %d\n", g_rounds, changes);
}

static long num(const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end) {
        fprintf(stderr, "error: not a number: %s\n", s);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    const char *cmd = NULL;
    sl_mc_client_conf_init(&g_conf);
    g_conf.project = "test_project";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
#define OPT(name) (strcmp(a, name) == 0 && v && (i++, 1))
        if (OPT("--endpoint")) g_conf.endpoint = v;
        else if (OPT("--tunnel-endpoint")) g_conf.tunnel_endpoint = v;
        else if (OPT("--project")) g_conf.project = v;
        else if (OPT("--table")) g_table = v;
        else if (OPT("--partition")) g_partition = v;
        else if (OPT("--access-id")) g_conf.access_id = v;
        else if (OPT("--access-key")) g_conf.access_key = v;
        else if (OPT("--sts-endpoint")) g_conf.sts_endpoint = v;
        else if (OPT("--account-id")) g_conf.account_id = v;
        else if (OPT("--role-name")) g_conf.role_name = v;
        else if (OPT("--region")) g_conf.region_id = v;
        else if (OPT("--sts-refresh-ms")) g_conf.sts_refresh_ms = num(v);
        else if (OPT("--retries")) g_conf.retry_times = (int)num(v);
        else if (OPT("--backoff-ms")) g_conf.retry_backoff_ms = num(v);
        else if (OPT("--read-timeout-ms")) g_conf.read_timeout_ms = num(v);
        else if (OPT("--connect-timeout-ms")) g_conf.connect_timeout_ms = num(v);
        else if (OPT("--poll-ms")) g_conf.instance_poll_ms = num(v);
        else if (OPT("--ca-file")) g_conf.ca_file = v;
        else if (OPT("--rows")) g_rows = num(v);
        else if (OPT("--blocks")) g_blocks = num(v);
        else if (OPT("--threads")) g_threads = num(v);
        else if (OPT("--packs")) g_packs = num(v);
        else if (OPT("--rounds")) g_rounds = num(v);
        else if (OPT("--sleep-ms")) g_sleep_ms = num(v);
        else if (strcmp(a, "--sts") == 0) g_conf.account_type = SL_MC_ACCOUNT_STS;
        else if (strcmp(a, "--raw") == 0) g_deflate = 0;
        else if (strcmp(a, "--keep") == 0) g_keep = 1;
        else if (strcmp(a, "--create-partition") == 0) g_create_partition = 1;
        else if (a[0] != '-' && !cmd) cmd = a;
        else {
            fprintf(stderr, "error: unknown or incomplete argument %s\n", a);
            return 2;
        }
#undef OPT
    }
    if (!cmd) {
        fprintf(stderr, "usage: mc_client_check [options] "
                        "schema|partition|upload|status|stream|upsert|sts\n");
        return 2;
    }
    if (g_blocks < 1 || g_packs < 1 || g_rows < 0 || g_threads < 1) {
        fprintf(stderr, "error: --blocks, --packs, --threads must be >= 1\n");
        return 2;
    }
    g_conf.retry_backoff_max_ms = SL_MAX(g_conf.retry_backoff_ms, 2000);
    sl_err err = SL_ERR_INIT;
    if (sl_mc_client_open(&g_conf, &g_client, &err)) die(&err);
    if (strcmp(cmd, "schema") == 0) cmd_schema();
    else if (strcmp(cmd, "partition") == 0) cmd_partition();
    else if (strcmp(cmd, "upload") == 0) cmd_upload(1);
    else if (strcmp(cmd, "status") == 0) cmd_upload(0);
    else if (strcmp(cmd, "stream") == 0) cmd_stream();
    else if (strcmp(cmd, "upsert") == 0) cmd_upsert();
    else if (strcmp(cmd, "sts") == 0) cmd_sts();
    else {
        fprintf(stderr, "error: unknown command %s\n", cmd);
        return 2;
    }
    print_stats();
    sl_mc_client_close(g_client);
    return 0;
}
