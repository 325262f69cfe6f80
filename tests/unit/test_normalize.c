/*
** tests/unit/test_normalize.c — ChangelogNormalize, rule by rule (spec/flink-semantics.md 4.2).
**
** The operator is driven directly: a plan node with a key on column 0, batches pushed in,
** and a capturing operator after it that records what comes out.
**
** SPDX-License-Identifier: MIT
*/
#include <criterion/criterion.h>
#include <stdio.h>

#include "runtime/operator.h"

/* ---- a capturing operator ------------------------------------------------------------- */

typedef struct capture_op {
    sl_op base;
    char lines[64][128];
    int n;
} capture_op;

static void describe_row(char *out, size_t n, const sl_row *row)
{
    int k = snprintf(out, n, "%s(", sl_rowkind_str(row->kind));
    for (int i = 0; i < row->ncol && k < (int)n; i++) {
        const sl_value *v = &row->col[i];
        if (v->tag == SL_V_NULL) k += snprintf(out + k, n - (size_t)k, "%snull", i ? "," : "");
        else if (v->tag == SL_V_INT)
            k += snprintf(out + k, n - (size_t)k, "%s%lld", i ? "," : "", (long long)v->u.i);
        else k += snprintf(out + k, n - (size_t)k, "%s%.*s", i ? "," : "", (int)v->n, v->u.z);
    }
    snprintf(out + k, n - (size_t)k, ")");
}

static int capture_push(sl_op *op, sl_batch *in, sl_err *err)
{
    capture_op *c = (capture_op *)op;
    SL_UNUSED(err);
    for (int i = 0; i < in->n && c->n < 64; i++)
        describe_row(c->lines[c->n++], sizeof c->lines[0], in->rows[i]);
    return SL_OK;
}

static int capture_finish(sl_op *op, sl_err *err)
{
    SL_UNUSED(op);
    SL_UNUSED(err);
    return SL_OK;
}

static void capture_close(sl_op *op)
{
    SL_UNUSED(op);
}

static const sl_op_vt capture_vt = {capture_push, capture_finish, capture_finish, NULL,
                                    capture_close};

/* ---- fixture -------------------------------------------------------------------------- */

static sl_job_ctx job;
static sl_pnode node;
static sl_pcol cols[2];
static int key[1] = {0};
static sl_op *nz;
static capture_op cap;
static sl_batch in;

static void setup_with(int gen_ub)
{
    memset(&job, 0, sizeof job);
    memset(&node, 0, sizeof node);
    cols[0].name = "k";
    cols[0].type = sl_type_make(SL_TYPE_INT);
    cols[1].name = "v";
    cols[1].type = sl_type_string();
    node.kind = SL_PN_NORMALIZE;
    node.ncol = 2;
    node.cols = cols;
    node.nkey = 1;
    node.key = key;
    node.gen_ub = (uint8_t)gen_ub;
    nz = sl_op_normalize_new(&node, &job);
    memset(&cap, 0, sizeof cap);
    cap.base.vt = &capture_vt;
    nz->next = &cap.base;
    sl_batch_init(&in);
}

static void setup(void)
{
    setup_with(1);
}

static void teardown(void)
{
    nz->vt->close(nz);
    sl_batch_free(&in);
}

/* Push one row: kind, key, value (NULL when v is NULL). */
static void push(int kind, int k, const char *v)
{
    sl_batch_reset(&in);
    sl_row *row = sl_batch_new_row(&in, 2, NULL);
    row->kind = (uint8_t)kind;
    row->col[0] = sl_int(k);
    row->col[1] = v ? sl_string(v, strlen(v)) : sl_null();
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(nz->vt->push(nz, &in, &err), SL_OK);
}

TestSuite(normalize, .init = setup, .fini = teardown);

Test(normalize, first_row_is_insert)
{
    push(SL_INSERT, 1, "a");
    cr_assert_eq(cap.n, 1);
    cr_assert_str_eq(cap.lines[0], "+I(1,a)");
}

Test(normalize, update_after_also_starts_as_insert)
{
    push(SL_UPDATE_AFTER, 1, "a");
    cr_assert_eq(cap.n, 1);
    cr_assert_str_eq(cap.lines[0], "+I(1,a)");
}

Test(normalize, changed_row_is_update_pair)
{
    push(SL_INSERT, 1, "a");
    push(SL_INSERT, 1, "b");
    cr_assert_eq(cap.n, 3);
    cr_assert_str_eq(cap.lines[1], "-U(1,a)");
    cr_assert_str_eq(cap.lines[2], "+U(1,b)");
}

Test(normalize, identical_repeat_emits_nothing)
{
    push(SL_INSERT, 1, "a");
    push(SL_INSERT, 1, "a");
    push(SL_UPDATE_AFTER, 1, "a");
    cr_assert_eq(cap.n, 1);
    cr_assert_eq(sl_op_state_keys(nz), 1);
}

Test(normalize, delete_carries_the_stored_row)
{
    push(SL_INSERT, 1, "a");
    push(SL_DELETE, 1, NULL); /* a tombstone: only the key */
    cr_assert_eq(cap.n, 2);
    cr_assert_str_eq(cap.lines[1], "-D(1,a)");
    cr_assert_eq(sl_op_state_keys(nz), 0);
}

Test(normalize, update_before_is_treated_as_delete)
{
    push(SL_INSERT, 1, "a");
    push(SL_UPDATE_BEFORE, 1, "zzz");
    cr_assert_eq(cap.n, 2);
    cr_assert_str_eq(cap.lines[1], "-D(1,a)");
}

Test(normalize, delete_of_unknown_key_is_dropped)
{
    push(SL_DELETE, 7, NULL);
    push(SL_INSERT, 1, "a");
    push(SL_DELETE, 2, NULL);
    cr_assert_eq(cap.n, 1);
    cr_assert_str_eq(cap.lines[0], "+I(1,a)");
}

Test(normalize, value_after_delete_is_insert_again)
{
    push(SL_INSERT, 1, "a");
    push(SL_DELETE, 1, NULL);
    push(SL_INSERT, 1, "b");
    cr_assert_eq(cap.n, 3);
    cr_assert_str_eq(cap.lines[2], "+I(1,b)");
}

Test(normalize, keys_are_independent)
{
    push(SL_INSERT, 1, "a");
    push(SL_INSERT, 2, "a");
    push(SL_INSERT, 1, "c");
    cr_assert_eq(cap.n, 4);
    cr_assert_str_eq(cap.lines[1], "+I(2,a)");
    cr_assert_str_eq(cap.lines[2], "-U(1,a)");
    cr_assert_str_eq(cap.lines[3], "+U(1,c)");
    cr_assert_eq(sl_op_state_keys(nz), 2);
}

Test(normalize, several_rows_of_one_key_in_one_batch)
{
    sl_batch_reset(&in);
    const char *vals[] = {"a", "b", "b", NULL, "c"};
    int kinds[] = {SL_INSERT, SL_INSERT, SL_INSERT, SL_DELETE, SL_INSERT};
    for (int i = 0; i < 5; i++) {
        sl_row *row = sl_batch_new_row(&in, 2, NULL);
        row->kind = (uint8_t)kinds[i];
        row->col[0] = sl_int(1);
        row->col[1] = vals[i] ? sl_string(vals[i], 1) : sl_null();
    }
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(nz->vt->push(nz, &in, &err), SL_OK);
    const char *want[] = {"+I(1,a)", "-U(1,a)", "+U(1,b)", "-D(1,b)", "+I(1,c)"};
    cr_assert_eq(cap.n, 5);
    for (int i = 0; i < 5; i++) cr_assert_str_eq(cap.lines[i], want[i]);
}

Test(normalize_no_ub, update_without_before_when_not_needed, .init = NULL)
{
    setup_with(0);
    push(SL_INSERT, 1, "a");
    push(SL_INSERT, 1, "b");
    cr_assert_eq(cap.n, 2);
    cr_assert_str_eq(cap.lines[1], "+U(1,b)");
    teardown();
}
