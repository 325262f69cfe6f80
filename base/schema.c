/*
** base/schema.c — lookups over schemas and option sets.
**
** SPDX-License-Identifier: MIT
*/
#include "base/schema.h"

int sl_schema_find(const sl_schema *s, const char *name)
{
    for (int i = 0; i < s->ncol; i++)
        if (strcmp(s->cols[i].name, name) == 0) return i;
    return -1;
}

int sl_schema_nphysical(const sl_schema *s)
{
    int n = 0;
    for (int i = 0; i < s->ncol; i++) n += s->cols[i].kind == SL_COL_PHYSICAL;
    return n;
}

int sl_schema_in_pk(const sl_schema *s, int i)
{
    for (int k = 0; k < s->npk; k++)
        if (s->pk[k] == i) return 1;
    return 0;
}

const sl_opt *sl_optset_find(const sl_optset *os, const char *key)
{
    for (int i = os->n - 1; i >= 0; i--)
        if (strcmp(os->items[i].key, key) == 0) return &os->items[i];
    return NULL;
}

const char *sl_optset_get(const sl_optset *os, const char *key)
{
    const sl_opt *o = sl_optset_find(os, key);
    return o ? o->val : NULL;
}
