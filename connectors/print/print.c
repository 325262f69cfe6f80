/*
** connectors/print/print.c — the print sink: one line per row on stdout or stderr.
**
** The line is the kind, '(', the values joined by ',' with no spaces, ')' — the format the
** upsert-kafka connector page shows, `+I(202303251202020001,miniAppShop,...)` — with an
** optional 'print-identifier' prefix "id> ". Values render as Java's toString of Flink's
** external objects (DOUBLE 60.0, 1.0E7; NULL as null; TIMESTAMP 2020-11-05T12:22:35; BYTES as
** [1, -2]), spec 7.2. Newer Flink prints `+I[a, b]`; sluice keeps the form of the page its
** users copy from (docs/architecture.md, "Decisions").
**
** Kinds in: all four; print accepts -U (spec 3.3). Each batch is formatted into a buffer and
** written with one write(2) at the end of the batch (or per 64 KiB), so lines appear whole,
** in order, and as soon as their batch has been processed — a live job shows rows live.
**
** SPDX-License-Identifier: MIT
*/
#include "connectors/print/print.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "base/valuefmt.h"

static const sl_opt_def print_opts[] = {
    {"connector", SL_OPT_STRING, SL_OPT_REQUIRED, NULL, NULL, 1, 0, "Must be 'print'."},
    {"print-identifier", SL_OPT_STRING, 0, NULL, NULL, 1, 0,
     "A prefix for every line: \"<identifier>> \"."},
    {"standard-error", SL_OPT_BOOL, 0, "false", NULL, 1, 0,
     "Print to standard error instead of standard output."},
};

const sl_connector_desc sl_conn_print = {
    .name = "print",
    .opts = print_opts,
    .nopts = (int)SL_ARRAY_LEN(print_opts),
    .flags = SL_CONN_SINK,
    .source_mode = 0,
    .sink_mode = SL_CL_RETRACT,
    .doc = "Writes every row, with its kind, as one line of text to standard output (or "
           "standard error). Accepts every row kind.",
};

typedef struct print_sink {
    sl_sink base;
    const sl_tabledef *table;
    const int *tcol;
    const char *identifier;
    int fd;
    sl_buf buf;
} print_sink;

void sl_print_format_row(sl_buf *b, const char *identifier, const sl_row *row,
                         const sl_tabledef *t, const int *tcol)
{
    if (identifier) sl_buf_printf(b, "%s> ", identifier);
    sl_buf_puts(b, sl_rowkind_str(row->kind));
    sl_buf_putc(b, '(');
    for (int i = 0; i < row->ncol; i++) {
        if (i) sl_buf_putc(b, ',');
        sl_value_format(b, &row->col[i], &t->schema.cols[tcol ? tcol[i] : i].type,
                        SL_STYLE_JAVA);
    }
    sl_buf_putc(b, ')');
}

static int write_all(print_sink *ps, sl_err *err)
{
    size_t off = 0;
    while (off < ps->buf.n) {
        ssize_t w = write(ps->fd, ps->buf.p + off, ps->buf.n - off);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            sl_err_set(err, SL_IO, "print sink: cannot write to %s: %s",
                       ps->fd == 2 ? "standard error" : "standard output", strerror(errno));
            err->detail = errno;
            return SL_IO;
        }
        off += (size_t)w;
    }
    sl_buf_reset(&ps->buf);
    return SL_OK;
}

static int print_write(sl_sink *sink, const sl_batch *b, sl_err *err)
{
    print_sink *ps = (print_sink *)sink;
    for (int r = 0; r < b->n; r++) {
        sl_print_format_row(&ps->buf, ps->identifier, b->rows[r], ps->table, ps->tcol);
        sl_buf_putc(&ps->buf, '\n');
        if (ps->buf.n >= 65536) {
            int rc = write_all(ps, err);
            if (rc) return rc;
        }
    }
    return write_all(ps, err);
}

static int print_flush(sl_sink *sink, sl_err *err)
{
    return write_all((print_sink *)sink, err);
}

static void print_close(sl_sink *sink)
{
    print_sink *ps = (print_sink *)sink;
    sl_buf_free(&ps->buf);
    sl_free(ps);
}

static const sl_sink_vt print_vt = {print_write, print_flush, NULL, print_close};

static int print_open(const sl_sink_ctx *ctx, sl_sink **out, sl_err *err)
{
    SL_UNUSED(err);
    print_sink *ps = sl_calloc(1, sizeof *ps);
    ps->base.vt = &print_vt;
    ps->table = ctx->table;
    ps->tcol = ctx->tcol;
    ps->identifier = sl_optset_get(&ctx->table->opts, "print-identifier");
    ps->fd = sl_opt_bool(&ctx->table->opts, "standard-error", 0) ? 2 : 1;
    *out = &ps->base;
    return SL_OK;
}

const sl_rt_connector sl_rt_print = {"print", NULL, print_open};
