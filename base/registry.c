/*
** base/registry.c — the connector/format registry and generic WITH-clause validation.
**
** Validation order, so the first error is the most useful one: the connector must exist; each
** format slot must name a known format; every key must be known (to the connector, or to the
** format of the namespace it sits in); every value must fit its definition; required options
** must be present; finally the connector's own hook checks what spans several options.
**
** SPDX-License-Identifier: MIT
*/
#include "base/registry.h"

#include <stdarg.h>
#include <stdio.h>

void sl_registry_add_connector(sl_registry *reg, const sl_connector_desc *desc)
{
    SL_ASSERT(reg->nconnectors < SL_REGISTRY_MAX);
    reg->connectors[reg->nconnectors++] = desc;
}

void sl_registry_add_format(sl_registry *reg, const sl_format_desc *desc)
{
    SL_ASSERT(reg->nformats < SL_REGISTRY_MAX);
    reg->formats[reg->nformats++] = desc;
}

const sl_connector_desc *sl_registry_connector(const sl_registry *reg, const char *name)
{
    for (int i = 0; i < reg->nconnectors; i++)
        if (strcmp(reg->connectors[i]->name, name) == 0) return reg->connectors[i];
    return NULL;
}

const sl_format_desc *sl_registry_format(const sl_registry *reg, const char *name)
{
    for (int i = 0; i < reg->nformats; i++)
        if (strcmp(reg->formats[i]->name, name) == 0) return reg->formats[i];
    return NULL;
}

const char *sl_format_prefix(sl_arena *ar, const char *slot_key, const char *fmt)
{
    size_t l = strlen(slot_key);
    size_t base = l >= 6 ? l - 6 : 0; /* strip "format" */
    return sl_arena_printf(ar, "%.*s%s.", (int)base, slot_key, fmt);
}

int sl_table_opt_error(const sl_tabledef *t, const char *key, int at_value, sl_err *err,
                       const char *fmt, ...)
{
    const sl_opt *o = key ? sl_optset_find(&t->opts, key) : NULL;
    va_list ap;
    va_start(ap, fmt);
    if (o) sl_err_vat(err, SL_CONFIG, at_value ? o->val_off : o->key_off,
                      at_value ? o->val_len : o->key_len, fmt, ap);
    else sl_err_vat(err, SL_CONFIG, t->opts.offset, t->opts.len, fmt, ap);
    va_end(ap);
    return SL_CONFIG;
}

const sl_format_desc *sl_registry_slot_format(const sl_registry *reg, const sl_tabledef *t,
                                              const char *slot_key)
{
    const char *fmt = sl_optset_get(&t->opts, slot_key);
    return fmt ? sl_registry_format(reg, fmt) : NULL;
}

/* Names a user could have meant, for suggestions: connector options and format options. */
typedef struct namelist {
    const char *v[512];
    int n;
    sl_arena ar;
} namelist;

static void names_add(namelist *nm, const char *s)
{
    if (nm->n < (int)SL_ARRAY_LEN(nm->v)) nm->v[nm->n++] = s;
}

static void collect_names(namelist *nm, const sl_registry *reg, const sl_connector_desc *cd,
                          const sl_tabledef *t)
{
    for (int i = 0; i < cd->nopts; i++)
        if (cd->opts[i].type != SL_OPT_PREFIX) names_add(nm, cd->opts[i].name);
    for (const char *const *slot = cd->format_slots; slot && *slot; slot++) {
        const sl_format_desc *fd = sl_registry_slot_format(reg, t, *slot);
        if (!fd) continue;
        const char *prefix = sl_format_prefix(&nm->ar, *slot, fd->name);
        for (int i = 0; i < fd->nopts; i++)
            names_add(nm, sl_arena_printf(&nm->ar, "%s%s", prefix, fd->opts[i].name));
    }
}

const sl_opt_def *sl_registry_option_def(const sl_registry *reg, const sl_tabledef *t,
                                         const char *key)
{
    const sl_connector_desc *cd = t->connector ? sl_registry_connector(reg, t->connector) : NULL;
    if (!cd) return NULL;
    for (const char *const *slot = cd->format_slots; slot && *slot; slot++) {
        const sl_format_desc *fd = sl_registry_slot_format(reg, t, *slot);
        if (!fd) continue;
        char prefix[256];
        size_t l = strlen(*slot);
        snprintf(prefix, sizeof prefix, "%.*s%s.", (int)(l >= 6 ? l - 6 : 0), *slot, fd->name);
        size_t pl = strlen(prefix);
        if (strncmp(key, prefix, pl) == 0) return sl_opt_lookup(fd->opts, fd->nopts, key + pl);
    }
    return sl_opt_lookup(cd->opts, cd->nopts, key);
}

/* "Could not find any <what> for identifier 'x' (did you mean 'y'?). Available <kind>: ..." */
static int unknown_name(sl_err *err, const char *val, int off, int len, const char *what,
                        const char *kind, const char *const *names, int n)
{
    char list[512] = "";
    size_t used = 0;
    for (int i = 0; i < n && used < sizeof list; i++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", names[i]);
    const char *hint = sl_suggest(val, names, n);
    return sl_err_at(err, SL_CONFIG, off, len,
                     "Could not find any %s for identifier '%s'%s%s%s. Available %s: %s.", what,
                     val, hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "",
                     kind, list);
}

static int is_slot(const sl_connector_desc *cd, const char *key)
{
    for (const char *const *slot = cd->format_slots; slot && *slot; slot++)
        if (strcmp(*slot, key) == 0) return 1;
    return 0;
}

static int check_option(const sl_registry *reg, const sl_connector_desc *cd, const sl_tabledef *t,
                        const sl_opt *o, namelist *nm, sl_err *err)
{
    /* A key inside a format namespace belongs to that format. */
    for (const char *const *slot = cd->format_slots; slot && *slot; slot++) {
        const sl_format_desc *fd = sl_registry_slot_format(reg, t, *slot);
        if (!fd) continue;
        const char *prefix = sl_format_prefix(&nm->ar, *slot, fd->name);
        size_t pl = strlen(prefix);
        if (strncmp(o->key, prefix, pl) != 0) continue;
        const sl_opt_def *def = sl_opt_lookup(fd->opts, fd->nopts, o->key + pl);
        if (!def) break; /* reported as unknown below, with a suggestion */
        if (sl_opt_check_value(def, o->key, o->val, err)) {
            sl_err_locate(err, o->val_off, o->val_len);
            return err->code;
        }
        return SL_OK;
    }
    const sl_opt_def *def = sl_opt_lookup(cd->opts, cd->nopts, o->key);
    if (!def) {
        const char *hint = sl_suggest(o->key, nm->v, nm->n);
        if (hint)
            return sl_err_at(err, SL_CONFIG, o->key_off, o->key_len,
                             "Unsupported option '%s' for connector '%s'. Did you mean '%s'?",
                             o->key, cd->name, hint);
        return sl_err_at(err, SL_CONFIG, o->key_off, o->key_len,
                         "Unsupported option '%s' for connector '%s'. See the supported options "
                         "with `sluice help connector %s` or in docs/connectors.md.",
                         o->key, cd->name, cd->name);
    }
    if (is_slot(cd, o->key)) {
        if (!sl_registry_format(reg, o->val)) {
            const char *fmts[SL_REGISTRY_MAX];
            for (int i = 0; i < reg->nformats; i++) fmts[i] = reg->formats[i]->name;
            return unknown_name(err, o->val, o->val_off, o->val_len, "format factory", "formats",
                                fmts, reg->nformats);
        }
        return SL_OK;
    }
    if (sl_opt_check_value(def, o->key, o->val, err)) {
        sl_err_locate(err, o->val_off, o->val_len);
        return err->code;
    }
    return SL_OK;
}

int sl_registry_validate_table(const sl_registry *reg, const sl_tabledef *t, sl_err *err)
{
    const sl_opt *co = sl_optset_find(&t->opts, "connector");
    if (!co)
        return sl_err_at(err, SL_CONFIG, t->opts.offset, t->opts.len,
                         "Table options do not contain an option key 'connector' for "
                         "discovering a connector.");
    const sl_connector_desc *cd = sl_registry_connector(reg, co->val);
    if (!cd) {
        const char *cands[SL_REGISTRY_MAX];
        for (int i = 0; i < reg->nconnectors; i++) cands[i] = reg->connectors[i]->name;
        return unknown_name(err, co->val, co->val_off, co->val_len, "factory", "connectors",
                            cands, reg->nconnectors);
    }

    namelist nm;
    nm.n = 0;
    sl_arena_init(&nm.ar, 4096);
    collect_names(&nm, reg, cd, t);
    int rc = SL_OK;
    /* Format slots first: option namespaces depend on them. */
    for (int i = 0; i < t->opts.n && !rc; i++)
        if (is_slot(cd, t->opts.items[i].key))
            rc = check_option(reg, cd, t, &t->opts.items[i], &nm, err);
    for (int i = 0; i < t->opts.n && !rc; i++) {
        const sl_opt *o = &t->opts.items[i];
        if (strcmp(o->key, "connector") == 0 || is_slot(cd, o->key)) continue;
        rc = check_option(reg, cd, t, o, &nm, err);
    }
    if (!rc) {
        char missing[512] = "";
        size_t len = 0;
        for (int i = 0; i < cd->nopts; i++) {
            const sl_opt_def *d = &cd->opts[i];
            if ((d->flags & SL_OPT_REQUIRED) && !sl_optset_find(&t->opts, d->name)) {
                len += (size_t)snprintf(missing + len, sizeof missing - len, "%s'%s'",
                                        len ? ", " : "", d->name);
                if (len >= sizeof missing) len = sizeof missing - 1;
            }
        }
        if (len)
            rc = sl_err_at(err, SL_CONFIG, t->opts.offset, t->opts.len,
                           "One or more required options are missing for connector '%s': %s.",
                           cd->name, missing);
    }
    if (!rc && cd->validate) rc = cd->validate(t, reg, err);
    sl_arena_free(&nm.ar);
    return rc;
}

sl_format_ctx *sl_format_ctx_build(sl_arena *ar, const sl_tabledef *t, const char *slot_key,
                                   const int *idx, int n, const char *strip_prefix)
{
    sl_format_ctx *ctx = sl_arena_calloc(ar, sizeof *ctx);
    const char *fmt = sl_optset_get(&t->opts, slot_key);
    ctx->opts = &t->opts;
    ctx->prefix = sl_format_prefix(ar, slot_key, fmt ? fmt : "");
    ctx->nfields = n;
    const char **fnames = sl_arena_calloc(ar, sizeof(char *) * (size_t)(n ? n : 1));
    sl_type *types = sl_arena_calloc(ar, sizeof(sl_type) * (size_t)(n ? n : 1));
    size_t sp = strip_prefix ? strlen(strip_prefix) : 0;
    for (int i = 0; i < n; i++) {
        const sl_column *c = &t->schema.cols[idx[i]];
        fnames[i] = c->name;
        if (sp && strncmp(c->name, strip_prefix, sp) == 0) fnames[i] = c->name + sp;
        types[i] = c->type;
    }
    ctx->names = fnames;
    ctx->types = types;
    ctx->is_key = strncmp(slot_key, "key.", 4) == 0;
    return ctx;
}
