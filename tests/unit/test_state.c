/*
** tests/unit/test_state.c — the in-memory keyed-state backend (runtime/state_memory.c).
**
** What operators rely on: get returns the last row put for a key; a row get returned stays
** readable until end_batch even after its key was put again or deleted (ASan would report the
** read otherwise); a put right after a get of another key does not touch the first key; rows
** of every size (pool classes and malloc'd large rows) round-trip; the byte count returns to
** zero when everything is deleted.
**
** SPDX-License-Identifier: MIT
*/
#include <criterion/criterion.h>
#include <stdio.h>

#include "runtime/state.h"

/* A 2-column row (INT id, STRING text) in ar. */
static sl_row *row_of(sl_arena *ar, int64_t id, const char *text)
{
    sl_row *r = sl_row_new(ar, 2);
    r->col[0] = sl_int(id);
    r->col[1] = sl_string(sl_arena_strdup(ar, text), strlen(text));
    return r;
}

static const char *text_of(const sl_row *r)
{
    static char buf[8192];
    snprintf(buf, sizeof buf, "%.*s", (int)r->col[1].n, r->col[1].u.z);
    return buf;
}

static sl_state *st;
static sl_arena ar;
static void setup(void)
{
    st = sl_state_memory_new();
    sl_arena_init(&ar, 0);
}
static void teardown(void)
{
    st->vt->close(st);
    sl_arena_free(&ar);
}

TestSuite(state_memory, .init = setup, .fini = teardown);

Test(state_memory, put_then_get_returns_a_copy)
{
    sl_row *r = row_of(&ar, 1, "one");
    st->vt->put(st, "k1", 2, r);
    r->col[1] = sl_string("changed", 7); /* the store kept its own copy */
    const sl_row *got = st->vt->get(st, "k1", 2);
    cr_assert_not_null(got);
    cr_assert_str_eq(text_of(got), "one");
    cr_assert_null(st->vt->get(st, "k2", 2));
    cr_assert_eq(st->vt->count(st), 1);
}

Test(state_memory, displaced_rows_stay_readable_until_end_batch)
{
    st->vt->put(st, "k", 1, row_of(&ar, 1, "first"));
    const sl_row *old = st->vt->get(st, "k", 1);
    /* a longer row does not fit the old block: it moves, the old one is set aside */
    st->vt->put(st, "k", 1, row_of(&ar, 2, "a much longer second value than the first"));
    cr_assert_str_eq(text_of(old), "first");
    const sl_row *second = st->vt->get(st, "k", 1);
    st->vt->del(st, "k", 1);
    /* rows of the same sizes for other keys must not land in the blocks set aside */
    st->vt->put(st, "x", 1, row_of(&ar, 3, "other"));
    st->vt->put(st, "y", 1, row_of(&ar, 4, "another row, as long as the second one!!!!"));
    cr_assert_str_eq(text_of(old), "first");
    cr_assert_str_eq(text_of(second), "a much longer second value than the first");
    cr_assert_null(st->vt->get(st, "k", 1));
    st->vt->end_batch(st);
    cr_assert_eq(st->vt->count(st), 2);
}

Test(state_memory, put_after_get_of_another_key_leaves_it_alone)
{
    st->vt->put(st, "a", 1, row_of(&ar, 1, "A"));
    st->vt->put(st, "b", 1, row_of(&ar, 2, "B"));
    cr_assert_not_null(st->vt->get(st, "a", 1));
    st->vt->put(st, "b", 1, row_of(&ar, 3, "B2")); /* not the key just looked up */
    cr_assert_str_eq(text_of(st->vt->get(st, "a", 1)), "A");
    cr_assert_str_eq(text_of(st->vt->get(st, "b", 1)), "B2");
    /* a get that found nothing, then a put of that key, inserts it */
    cr_assert_null(st->vt->get(st, "c", 1));
    st->vt->put(st, "c", 1, row_of(&ar, 4, "C"));
    cr_assert_str_eq(text_of(st->vt->get(st, "c", 1)), "C");
    cr_assert_eq(st->vt->count(st), 3);
}

Test(state_memory, rows_of_every_size_round_trip_and_bytes_return_to_zero)
{
    char text[6000], key[16];
    /* sizes across the pool's classes and past its largest (malloc'd) */
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 300; i++) {
            int len = (i * 37 + round * 11) % (int)sizeof text;
            memset(text, 'a' + i % 26, (size_t)len);
            text[len] = 0;
            int kn = snprintf(key, sizeof key, "key%d", i);
            if (i % 7 == 0) st->vt->prefetch(st, key, (size_t)kn);
            st->vt->get(st, key, (size_t)kn);
            st->vt->put(st, key, (size_t)kn, row_of(&ar, i, text));
        }
        st->vt->end_batch(st);
        sl_arena_reset(&ar);
        for (int i = 0; i < 300; i++) {
            int len = (i * 37 + round * 11) % (int)sizeof text;
            int kn = snprintf(key, sizeof key, "key%d", i);
            const sl_row *r = st->vt->get(st, key, (size_t)kn);
            cr_assert_not_null(r);
            cr_assert_eq(r->col[1].n, (uint32_t)len, "key%d: length %u, want %d", i, r->col[1].n,
                         len);
            for (int j = 0; j < len; j++) cr_assert_eq(r->col[1].u.z[j], 'a' + i % 26);
        }
    }
    cr_assert_eq(st->vt->count(st), 300);
    cr_assert_gt(st->vt->bytes(st), 300 * 6000 / 4);
    for (int i = 0; i < 300; i++) {
        int kn = snprintf(key, sizeof key, "key%d", i);
        st->vt->del(st, key, (size_t)kn);
    }
    st->vt->end_batch(st);
    cr_assert_eq(st->vt->count(st), 0);
    /* what is left is the table itself (512 slots for 300 keys): no row or key bytes */
    cr_assert_leq(st->vt->bytes(st), 512 * sizeof(void *), "%llu bytes left",
                  (unsigned long long)st->vt->bytes(st));
}
