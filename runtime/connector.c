/*
** runtime/connector.c — the runtime's table of connector implementations.
**
** SPDX-License-Identifier: MIT
*/
#include "runtime/connector.h"

void sl_rt_register(sl_rt_registry *rt, const sl_rt_connector *c)
{
    SL_ASSERT(rt->n < SL_REGISTRY_MAX);
    rt->items[rt->n++] = c;
}

const sl_rt_connector *sl_rt_find(const sl_rt_registry *rt, const char *name)
{
    for (int i = 0; i < rt->n; i++)
        if (strcmp(rt->items[i]->name, name) == 0) return rt->items[i];
    return NULL;
}
