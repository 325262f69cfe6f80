/*
** bench/mc_codec_bench.c — throughput of the MaxCompute record codec on the seed's order row.
**
** Encodes the 9-column order row of the upsert-kafka seed (order_id STRING, order_channel STRING,
** order_time STRING, pay_amount DOUBLE, real_pay DOUBLE, pay_time STRING, user_id STRING,
** user_name STRING, area_id STRING) the way the sink does: one stream per block of 500,000 rows,
** the block buffer reused after each "upload". Rows cycle through a pool of 4096 variants (order
** ids, amounts, users, areas differ) so that deflate sees realistic, not degenerate, input.
** Reports the median of the runs (rows/s, MB/s of encoded bytes before and after deflate) for
** raw encoding, deflate level 1 encoding and decoding.
**
** Second mode, `upload`: the accept rate of a Tunnel service (the emulator, bench/mc_e2e.sh).
** The same rows are encoded and deflated beforehand (untimed) into --sessions upload sessions
** of --blocks blocks each; then each run times, session after session, what the sink does at a
** flush: create the session, PUT its blocks (--threads at once, the sink's upload pool), commit.
** So the client's own cost is only HTTP; the rest is the service's.
**
** Build and run (from the repository root, after a CMake build in build/):
**   gcc -std=c11 -D_GNU_SOURCE -O2 -I. -Iinclude bench/mc_codec_bench.c build/libsluice.a \
**       -o /tmp/mc_codec_bench $(pkg-config --libs rdkafka jansson libcurl libcrypto zlib) \
**       -lpthread -lm
**   /tmp/mc_codec_bench [ROWS [RUNS]]          defaults 3000000 rows, 5 runs
**   /tmp/mc_codec_bench upload --endpoint URL --project P --table T --partition SPEC
**       --access-id ID --access-key KEY [--rows N] [--sessions S] [--blocks B] [--threads P]
**       [--runs R]                               defaults 200000 rows, 4 sessions, 1 block, 2, 5
**
** SPDX-License-Identifier: MIT
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/value.h"
#include "connectors/maxcompute/client.h"
#include "connectors/maxcompute/mctype.h"
#include "connectors/maxcompute/wire.h"

#define NCOL       9
#define POOL       4096
#define BLOCK_ROWS 500000

static const char *const DECL =
    "order_id string, order_channel string, order_time string, pay_amount double, "
    "real_pay double, pay_time string, user_id string, user_name string, area_id string";

typedef struct result {
    double secs;
    uint64_t raw_bytes, out_bytes;
} result;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void make_pool(sl_arena *ar, sl_value *pool)
{
    static const char *const channels[] = {"miniAppShop", "appshop", "webshop", "store"};
    static const char *const names[] = {"Bob", "Cindy", "Alice", "Dave", "Erin", "Frank"};
    for (int i = 0; i < POOL; i++) {
        sl_value *r = pool + (size_t)i * NCOL;
        char *id = sl_arena_printf(ar, "2023032512%08d", 2020001 + i);
        char *otime =
            sl_arena_printf(ar, "2023-03-25 %02d:%02d:%02d", 8 + i % 12, i % 60, (i * 7) % 60);
        char *ptime = sl_arena_printf(ar, "2023-03-25 %02d:%02d:%02d", 8 + i % 12, (i + 1) % 60,
                                      (i * 7) % 60);
        char *uid = sl_arena_printf(ar, "%04d", 2 + i % 977);
        char *area = sl_arena_printf(ar, "3301%02d", 10 + i % 13);
        const char *ch = channels[i % 4];
        const char *nm = names[i % 6];
        double amount = 60.0 + (i % 50) * 10.0;
        r[0] = sl_string(id, strlen(id));
        r[1] = sl_string(ch, strlen(ch));
        r[2] = sl_string(otime, strlen(otime));
        r[3] = sl_double(amount);
        r[4] = sl_double(amount - (i % 3) * 5.0);
        r[5] = sl_string(ptime, strlen(ptime));
        r[6] = sl_string(uid, strlen(uid));
        r[7] = sl_string(nm, strlen(nm));
        r[8] = sl_string(area, strlen(area));
    }
}

static result run_encode(const sl_mc_schema *s, const sl_value *pool, long rows, int compress)
{
    sl_err err = SL_ERR_INIT;
    sl_buf out = SL_BUF_INIT;
    sl_mc_writer w;
    sl_mc_writer_opts opts = {compress, 1, 8388608};
    result res = {0, 0, 0};
    if (sl_mc_writer_init(&w, s, &opts, &out, &err) != SL_OK) sl_fatal("%s", err.msg);
    int64_t t0 = sl_now_ns();
    long in_block = 0;
    for (long i = 0; i < rows; i++) {
        if (sl_mc_write_record(&w, pool + (size_t)(i % POOL) * NCOL, NCOL, &err) != SL_OK)
            sl_fatal("%s", err.msg);
        if (++in_block == BLOCK_ROWS || i == rows - 1) {
            if (sl_mc_writer_finish(&w, &err) != SL_OK) sl_fatal("%s", err.msg);
            res.raw_bytes += sl_mc_writer_raw_bytes(&w);
            res.out_bytes += out.n;
            sl_buf_reset(&out); /* the block went out; its buffer is reused */
            sl_mc_writer_restart(&w, &out);
            in_block = 0;
        }
    }
    res.secs = (double)(sl_now_ns() - t0) / 1e9;
    sl_mc_writer_free(&w);
    sl_buf_free(&out);
    return res;
}

static result run_decode(const sl_mc_schema *s, const sl_buf *stream, long rows_in_stream,
                         long rows)
{
    sl_err err = SL_ERR_INIT;
    sl_arena ar;
    sl_arena_init(&ar, 0);
    sl_value row[NCOL];
    result res = {0, 0, 0};
    int64_t t0 = sl_now_ns();
    for (long done = 0; done < rows; done += rows_in_stream) {
        sl_mc_reader r;
        sl_mc_reader_init(&r, s, stream->p, stream->n);
        int rc;
        while ((rc = sl_mc_reader_next(&r, &ar, row, &err)) == SL_ROW) {
        }
        if (rc != SL_DONE) sl_fatal("%s", err.msg);
        res.raw_bytes += stream->n;
    }
    res.secs = (double)(sl_now_ns() - t0) / 1e9;
    sl_arena_free(&ar);
    return res;
}

/* Sorts secs[0..n) and returns their median. */
static double median(double *secs, int n)
{
    qsort(secs, (size_t)n, sizeof secs[0], cmp_double);
    return n % 2 ? secs[n / 2] : (secs[n / 2 - 1] + secs[n / 2]) / 2;
}

static void report(const char *what, result *runs, int nruns, long rows)
{
    double secs[64];
    for (int i = 0; i < nruns; i++) secs[i] = runs[i].secs;
    double med = median(secs, nruns);
    double mb_raw = (double)runs[0].raw_bytes / 1e6;
    double mb_out = (double)runs[0].out_bytes / 1e6;
    printf("%-16s median %.3f s  %10.0f rows/s  %8.1f MB/s uncompressed", what, med,
           (double)rows / med, mb_raw / med);
    if (runs[0].out_bytes)
        printf("  %8.1f MB/s output (ratio %.2f)", mb_out / med, mb_raw / mb_out);
    printf("  [min %.3f max %.3f]\n", secs[0], secs[nruns - 1]);
}

/* ---- upload: the service's accept rate ----------------------------------------------------- */

static void die(const sl_err *err)
{
    sl_fatal("%s", err->msg);
}

static long num_arg(const char *name, const char *v)
{
    char *end;
    long n = strtol(v, &end, 10);
    if (*end || n < 1) sl_fatal("%s wants a positive number, not '%s'", name, v);
    return n;
}

static int upload_main(int argc, char **argv)
{
    sl_mc_client_conf conf;
    sl_mc_client_conf_init(&conf);
    const char *table = NULL, *partition = NULL;
    long rows = 200000, nsess = 4, nblocks = 1, threads = 2, nruns = 5;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) sl_fatal("%s wants a value", a);
        i++;
        if (!strcmp(a, "--endpoint")) conf.endpoint = v;
        else if (!strcmp(a, "--project")) conf.project = v;
        else if (!strcmp(a, "--table")) table = v;
        else if (!strcmp(a, "--partition")) partition = v;
        else if (!strcmp(a, "--access-id")) conf.access_id = v;
        else if (!strcmp(a, "--access-key")) conf.access_key = v;
        else if (!strcmp(a, "--rows")) rows = num_arg(a, v);
        else if (!strcmp(a, "--sessions")) nsess = num_arg(a, v);
        else if (!strcmp(a, "--blocks")) nblocks = num_arg(a, v);
        else if (!strcmp(a, "--threads")) threads = num_arg(a, v);
        else if (!strcmp(a, "--runs")) nruns = num_arg(a, v);
        else sl_fatal("unknown option %s", a);
    }
    if (!table || nruns > 64) sl_fatal("upload needs --table (and at most 64 runs)");
    sl_err err = SL_ERR_INIT;
    sl_arena ar;
    sl_arena_init(&ar, 0);
    sl_mc_client *c;
    sl_mc_table t;
    sl_mc_pool *pool;
    if (sl_mc_client_open(&conf, &c, &err) || sl_mc_table_get(c, table, &ar, &t, &err) ||
        (partition && sl_mc_partition_ensure(c, table, partition, &err)) ||
        sl_mc_pool_open((int)threads, &pool, &err))
        die(&err);
    if (t.columns.ncol != NCOL) sl_fatal("table %s must have the %d order columns", table, NCOL);
    sl_value *pool_rows = sl_arena_alloc(&ar, sizeof(sl_value) * NCOL * POOL);
    make_pool(&ar, pool_rows);

    /* Encode every block once: rows spread evenly over sessions x blocks. */
    long nb = nsess * nblocks;
    sl_buf *blocks = sl_calloc((size_t)nb, sizeof *blocks);
    uint64_t bytes = 0;
    sl_mc_writer_opts wo = {SL_MC_COMPRESS_DEFLATE, 1, 8388608};
    for (long b = 0; b < nb; b++) {
        sl_mc_writer w;
        if (sl_mc_writer_init(&w, &t.columns, &wo, &blocks[b], &err)) die(&err);
        for (long r = rows * b / nb; r < rows * (b + 1) / nb; r++)
            if (sl_mc_write_record(&w, pool_rows + (size_t)(r % POOL) * NCOL, NCOL, &err))
                die(&err);
        if (sl_mc_writer_finish(&w, &err)) die(&err);
        sl_mc_writer_free(&w);
        bytes += blocks[b].n;
    }

    double secs[64];
    uint32_t *ids = sl_calloc((size_t)nblocks, sizeof *ids);
    for (long b = 0; b < nblocks; b++) ids[b] = (uint32_t)b;
    sl_buf *copy = sl_calloc((size_t)nb, sizeof *copy);
    for (long run = 0; run < nruns; run++) {
        for (long b = 0; b < nb; b++) { /* the pool takes the bodies: fresh copies, untimed */
            sl_buf_reset(&copy[b]);
            sl_buf_append(&copy[b], blocks[b].p, blocks[b].n);
        }
        int64_t t0 = sl_now_ns();
        for (long k = 0; k < nsess; k++) {
            sl_mc_upload *up;
            if (sl_mc_upload_open(c, table, partition, NULL, &up, &err)) die(&err);
            for (long b = 0; b < nblocks; b++)
                if (sl_mc_pool_submit(pool, up, (uint32_t)b, &copy[k * nblocks + b], 1, &err))
                    die(&err);
            if (sl_mc_pool_wait(pool, &err) || sl_mc_upload_commit(up, ids, (int)nblocks, &err))
                die(&err);
            sl_mc_upload_close(up);
        }
        secs[run] = (double)(sl_now_ns() - t0) / 1e9;
    }
    double med = median(secs, (int)nruns);
    printf("mc_upload_bench: %ld rows per run in %ld sessions x %ld blocks, %d threads, %.1f MB "
           "deflated, %ld runs\n",
           rows, nsess, nblocks, (int)threads, (double)bytes / 1e6, nruns);
    printf("accept           median %.3f s  %10.0f rows/s  %8.1f MB/s deflated  [min %.3f max "
           "%.3f]\n",
           med, (double)rows / med, (double)bytes / 1e6 / med, secs[0], secs[nruns - 1]);
    for (long b = 0; b < nb; b++) {
        sl_buf_free(&blocks[b]);
        sl_buf_free(&copy[b]);
    }
    sl_free(blocks);
    sl_free(copy);
    sl_free(ids);
    sl_mc_pool_close(pool);
    sl_mc_client_close(c);
    sl_arena_free(&ar);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "upload") == 0) return upload_main(argc, argv);
    long rows = argc > 1 ? atol(argv[1]) : 3000000;
    int nruns = argc > 2 ? atoi(argv[2]) : 5;
    if (rows < 1 || nruns < 1 || nruns > 64) sl_fatal("usage: mc_codec_bench [rows] [runs]");
    sl_arena ar;
    sl_arena_init(&ar, 0);
    sl_err err = SL_ERR_INIT;
    sl_mc_schema s;
    if (sl_mc_schema_parse(&ar, DECL, &s, &err) != SL_OK) sl_fatal("%s", err.msg);
    sl_value *pool = sl_arena_alloc(&ar, sizeof(sl_value) * NCOL * POOL);
    make_pool(&ar, pool);

    result raw[64], def[64], dec[64];
    for (int i = 0; i < nruns; i++) raw[i] = run_encode(&s, pool, rows, SL_MC_COMPRESS_NONE);
    for (int i = 0; i < nruns; i++) def[i] = run_encode(&s, pool, rows, SL_MC_COMPRESS_DEFLATE);

    /* Decode one block-sized raw stream repeatedly. */
    sl_buf stream = SL_BUF_INIT;
    sl_mc_writer w;
    if (sl_mc_writer_init(&w, &s, NULL, &stream, &err) != SL_OK) sl_fatal("%s", err.msg);
    long block = rows < BLOCK_ROWS ? rows : BLOCK_ROWS;
    for (long i = 0; i < block; i++)
        if (sl_mc_write_record(&w, pool + (size_t)(i % POOL) * NCOL, NCOL, &err) != SL_OK)
            sl_fatal("%s", err.msg);
    if (sl_mc_writer_finish(&w, &err) != SL_OK) sl_fatal("%s", err.msg);
    sl_mc_writer_free(&w);
    long drows = (rows + block - 1) / block * block;
    for (int i = 0; i < nruns; i++) dec[i] = run_decode(&s, &stream, block, drows);

    printf("mc_codec_bench: %ld rows per run, %d runs, %.1f bytes per encoded row\n", rows, nruns,
           (double)raw[0].raw_bytes / (double)rows);
    for (int i = 0; i < nruns; i++) raw[i].out_bytes = 0;
    report("encode raw", raw, nruns, rows);
    report("encode deflate-1", def, nruns, rows);
    report("decode raw", dec, nruns, drows);
    sl_buf_free(&stream);
    sl_arena_free(&ar);
    return 0;
}
