/*
** formats/avro_schema.c — Avro schemas: parsing, Flink's derivation from table types, JSON text.
**
** Parsing follows the Avro 1.11 specification ("Schema Declaration", "Names", "Logical Types"):
** primitive names, records (and errors), enums, arrays, maps, unions and fixed; full names from
** "name" and "namespace" with the enclosing namespace inherited; references to named types
** defined earlier or enclosing (so recursive records work); logical types that are invalid for
** their base type are ignored. Defaults are kept as compact JSON text and turned into values only
** when a read plan needs them (cold path).
**
** Derivation mirrors Flink's AvroSchemaConverter.convertToSchema(LogicalType, rowName, legacy)
** (flink-formats/flink-avro, .../typeutils/AvroSchemaConverter.java): record
** "org.apache.flink.avro.generated.record", nested rows "<rowName>_<field>", array items and map
** values keep the enclosing rowName, nullable types become ["null", T], nullable record fields
** get "default": null. Flink's error texts are reproduced for the types Avro cannot carry.
**
** JSON text follows Avro's Schema.toString() (what Flink sends to a registry), so the derived
** schema is byte-identical to Flink's.
**
** SPDX-License-Identifier: MIT
*/
#include "formats/avro_schema.h"

#include <jansson.h>
#include <stdio.h>

#include "formats/fmtutil.h"

static const char *const kind_names[] = {"null",   "boolean", "int",    "long",   "float",
                                         "double", "bytes",   "string", "record", "enum",
                                         "array",  "map",     "union",  "fixed"};

static const char *const logical_names[] = {
    "",
    "decimal",
    "date",
    "time-millis",
    "time-micros",
    "timestamp-millis",
    "timestamp-micros",
    "timestamp-nanos",
    "local-timestamp-millis",
    "local-timestamp-micros",
    "local-timestamp-nanos",
    "uuid",
};

const char *sl_avro_kind_name(int kind)
{
    return kind >= 0 && kind < (int)SL_ARRAY_LEN(kind_names) ? kind_names[kind] : "?";
}

const char *sl_avro_logical_name(int logical)
{
    return logical >= 0 && logical < (int)SL_ARRAY_LEN(logical_names) ? logical_names[logical]
                                                                      : "?";
}

const sl_avro_schema *sl_avro_union_value(const sl_avro_schema *u, int *value_index,
                                          int *null_index)
{
    *value_index = *null_index = -1;
    if (u->kind != SL_AVRO_UNION) return NULL;
    if (u->n == 1) {
        *value_index = 0;
        return u->branches[0];
    }
    if (u->n != 2) return NULL;
    int ni = u->branches[0]->kind == SL_AVRO_NULL   ? 0
             : u->branches[1]->kind == SL_AVRO_NULL ? 1
                                                    : -1;
    if (ni < 0) return NULL;
    *null_index = ni;
    *value_index = 1 - ni;
    return u->branches[1 - ni];
}

/* ---- names ---------------------------------------------------------------------------- */

/* Avro's Schema.validateName: a letter or '_' then letters, digits or '_'. Java's
** Character.isLetter accepts non-ASCII letters, so bytes >= 0x80 pass here too. */
static int name_error(const char *name, sl_err *err)
{
    if (!name || !*name) return sl_err_set(err, SL_CONFIG, "Empty name");
    unsigned char c = (unsigned char)name[0];
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c >= 0x80))
        return sl_err_set(err, SL_CONFIG, "Illegal initial character: %s", name);
    for (const unsigned char *p = (const unsigned char *)name + 1; *p; p++) {
        c = *p;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c >= 0x80))
            return sl_err_set(err, SL_CONFIG, "Illegal character in: %s", name);
    }
    return SL_OK;
}

/* Each dot-separated part of a full name or namespace must be a valid name. */
static int fullname_error(const char *full, sl_err *err)
{
    char part[256];
    const char *p = full;
    for (;;) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        snprintf(part, sizeof part, "%.*s", (int)n, p);
        if (name_error(part, err)) return err->code;
        if (!dot) return SL_OK;
        p = dot + 1;
    }
}

typedef struct named_type {
    const char *full;
    sl_avro_schema *node;
} named_type;

typedef struct pctx {
    sl_arena *ar;
    sl_err *err;
    named_type *names;
    int nnames, cap;
    int depth;
} pctx;

static sl_avro_schema *find_named(const pctx *c, const char *full)
{
    for (int i = 0; i < c->nnames; i++)
        if (strcmp(c->names[i].full, full) == 0) return c->names[i].node;
    return NULL;
}

static int add_named(pctx *c, const char *full, sl_avro_schema *node)
{
    if (find_named(c, full)) return sl_err_set(c->err, SL_CONFIG, "Can't redefine: %s", full);
    if (c->nnames == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 16;
        c->names = sl_realloc(c->names, sizeof(named_type) * (size_t)c->cap);
    }
    c->names[c->nnames].full = full;
    c->names[c->nnames].node = node;
    c->nnames++;
    return SL_OK;
}

static sl_avro_schema *new_node(sl_arena *ar, int kind)
{
    sl_avro_schema *s = sl_arena_calloc(ar, sizeof *s);
    s->kind = (uint8_t)kind;
    s->zero_size = kind == SL_AVRO_NULL;
    return s;
}

static int primitive_kind(const char *name)
{
    for (int k = SL_AVRO_NULL; k <= SL_AVRO_STRING; k++)
        if (strcmp(name, kind_names[k]) == 0) return k;
    return -1;
}

/* The namespace of a full name ("a.b.c" -> "a.b"), in ar; "" when there is none. */
static const char *space_of(sl_arena *ar, const char *full)
{
    const char *dot = strrchr(full, '.');
    return dot ? sl_arena_strndup(ar, full, (size_t)(dot - full)) : "";
}

/* ---- parsing -------------------------------------------------------------------------- */

static sl_avro_schema *parse_node(pctx *c, json_t *j, const char *ns);

static int json_int_field(json_t *o, const char *key, int dflt, int *out)
{
    json_t *v = json_object_get(o, key);
    if (!v) {
        *out = dflt;
        return 1;
    }
    if (!json_is_integer(v)) return 0;
    json_int_t i = json_integer_value(v);
    if (i < INT32_MIN || i > INT32_MAX) return 0;
    *out = (int)i;
    return 1;
}

/* Attach a logical type when it is valid for the base type; ignore it otherwise (spec). */
static void parse_logical(json_t *o, sl_avro_schema *s)
{
    json_t *lt = json_object_get(o, "logicalType");
    if (!json_is_string(lt)) return;
    const char *name = json_string_value(lt);
    int id = -1;
    for (int i = 1; i < (int)SL_ARRAY_LEN(logical_names); i++)
        if (strcmp(name, logical_names[i]) == 0) id = i;
    switch (id) {
    case SL_AVRO_LT_DECIMAL: {
        if (s->kind != SL_AVRO_BYTES && s->kind != SL_AVRO_FIXED) return;
        int p, sc;
        if (!json_int_field(o, "precision", -1, &p) || !json_int_field(o, "scale", 0, &sc)) return;
        if (p <= 0 || sc < 0 || sc > p) return;
        if (s->kind == SL_AVRO_FIXED) {
            /* floor(log10(2^(8*size-1) - 1)) digits fit in size bytes */
            double maxd = s->size > 0 ? (8.0 * s->size - 1) * 0.30102999566398120 : 0;
            if (p > (int)maxd) return;
        }
        s->precision = p;
        s->scale = sc;
        break;
    }
    case SL_AVRO_LT_DATE:
    case SL_AVRO_LT_TIME_MILLIS:
        if (s->kind != SL_AVRO_INT) return;
        break;
    case SL_AVRO_LT_TIME_MICROS:
    case SL_AVRO_LT_TS_MILLIS:
    case SL_AVRO_LT_TS_MICROS:
    case SL_AVRO_LT_TS_NANOS:
    case SL_AVRO_LT_LTS_MILLIS:
    case SL_AVRO_LT_LTS_MICROS:
    case SL_AVRO_LT_LTS_NANOS:
        if (s->kind != SL_AVRO_LONG) return;
        break;
    case SL_AVRO_LT_UUID:
        if (s->kind != SL_AVRO_STRING && !(s->kind == SL_AVRO_FIXED && s->size == 16)) return;
        break;
    default: return;
    }
    s->logical = (uint8_t)id;
}

/* Full name of a named type declared by object o inside namespace ns. */
static const char *declared_name(pctx *c, json_t *o, const char *ns, const char *what)
{
    json_t *jn = json_object_get(o, "name");
    if (!json_is_string(jn)) {
        sl_err_set(c->err, SL_CONFIG, "No name in schema: %s", what);
        return NULL;
    }
    const char *name = json_string_value(jn);
    const char *full;
    if (strchr(name, '.')) {
        full = sl_arena_strdup(c->ar, name);
    } else {
        json_t *jns = json_object_get(o, "namespace");
        const char *space = json_is_string(jns) ? json_string_value(jns) : ns;
        full = space && *space ? sl_arena_printf(c->ar, "%s.%s", space, name)
                               : sl_arena_strdup(c->ar, name);
    }
    if (fullname_error(full, c->err)) return NULL;
    return full;
}

static int parse_aliases(pctx *c, json_t *o, const char *const **out, int *n)
{
    json_t *a = json_object_get(o, "aliases");
    *out = NULL;
    *n = 0;
    if (!a) return SL_OK;
    if (!json_is_array(a)) return sl_err_set(c->err, SL_CONFIG, "aliases not an array");
    size_t k = json_array_size(a);
    const char **v = sl_arena_calloc(c->ar, sizeof(char *) * (k ? k : 1));
    for (size_t i = 0; i < k; i++) {
        json_t *s = json_array_get(a, i);
        if (!json_is_string(s)) return sl_err_set(c->err, SL_CONFIG, "alias not a string");
        v[i] = sl_arena_strdup(c->ar, json_string_value(s));
    }
    *out = v;
    *n = (int)k;
    return SL_OK;
}

static sl_avro_schema *parse_record(pctx *c, json_t *o, const char *ns)
{
    const char *full = declared_name(c, o, ns, "record");
    if (!full) return NULL;
    sl_avro_schema *s = new_node(c->ar, SL_AVRO_RECORD);
    s->name = full;
    if (add_named(c, full, s)) return NULL;
    const char *space = space_of(c->ar, full);
    json_t *fs = json_object_get(o, "fields");
    if (!json_is_array(fs)) {
        sl_err_set(c->err, SL_CONFIG, "Record has no fields: %s", full);
        return NULL;
    }
    size_t n = json_array_size(fs);
    s->n = (int)n;
    s->fields = sl_arena_calloc(c->ar, sizeof(sl_avro_field) * (n ? n : 1));
    for (size_t i = 0; i < n; i++) {
        json_t *f = json_array_get(fs, i);
        sl_avro_field *fd = &s->fields[i];
        json_t *fn = json_is_object(f) ? json_object_get(f, "name") : NULL;
        if (!json_is_string(fn)) {
            sl_err_set(c->err, SL_CONFIG, "No field name: %s", full);
            return NULL;
        }
        fd->name = sl_arena_strdup(c->ar, json_string_value(fn));
        if (name_error(fd->name, c->err)) return NULL;
        for (size_t k = 0; k < i; k++)
            if (strcmp(s->fields[k].name, fd->name) == 0) {
                sl_err_set(c->err, SL_CONFIG, "Duplicate field %s in record %s", fd->name, full);
                return NULL;
            }
        json_t *ft = json_object_get(f, "type");
        if (!ft) {
            sl_err_set(c->err, SL_CONFIG, "No field type: %s", fd->name);
            return NULL;
        }
        fd->type = parse_node(c, ft, space);
        if (!fd->type) return NULL;
        json_t *d = json_object_get(f, "default");
        if (d) {
            char *txt = json_dumps(d, JSON_COMPACT | JSON_ENCODE_ANY);
            fd->dflt = sl_arena_strdup(c->ar, txt ? txt : "null");
            free(txt);
        }
        if (parse_aliases(c, f, &fd->aliases, &fd->naliases)) return NULL;
    }
    return s;
}

static sl_avro_schema *parse_enum(pctx *c, json_t *o, const char *ns)
{
    const char *full = declared_name(c, o, ns, "enum");
    if (!full) return NULL;
    sl_avro_schema *s = new_node(c->ar, SL_AVRO_ENUM);
    s->name = full;
    if (add_named(c, full, s)) return NULL;
    json_t *sy = json_object_get(o, "symbols");
    if (!json_is_array(sy)) {
        sl_err_set(c->err, SL_CONFIG, "Enum has no symbols: %s", full);
        return NULL;
    }
    size_t n = json_array_size(sy);
    const char **v = sl_arena_calloc(c->ar, sizeof(char *) * (n ? n : 1));
    for (size_t i = 0; i < n; i++) {
        json_t *x = json_array_get(sy, i);
        if (!json_is_string(x)) {
            sl_err_set(c->err, SL_CONFIG, "Enum symbol not a string: %s", full);
            return NULL;
        }
        v[i] = sl_arena_strdup(c->ar, json_string_value(x));
        if (name_error(v[i], c->err)) return NULL;
        for (size_t k = 0; k < i; k++)
            if (strcmp(v[k], v[i]) == 0) {
                sl_err_set(c->err, SL_CONFIG, "Duplicate enum symbol: %s", v[i]);
                return NULL;
            }
    }
    s->symbols = v;
    s->n = (int)n;
    json_t *d = json_object_get(o, "default");
    if (json_is_string(d)) {
        const char *ds = json_string_value(d);
        for (size_t i = 0; i < n; i++)
            if (strcmp(v[i], ds) == 0) s->enum_default = v[i];
        if (!s->enum_default) {
            sl_err_set(c->err, SL_CONFIG, "The Enum Default: %s is not in the enum symbol set: %s",
                       ds, full);
            return NULL;
        }
    }
    return s;
}

static sl_avro_schema *parse_fixed(pctx *c, json_t *o, const char *ns)
{
    const char *full = declared_name(c, o, ns, "fixed");
    if (!full) return NULL;
    sl_avro_schema *s = new_node(c->ar, SL_AVRO_FIXED);
    s->name = full;
    if (add_named(c, full, s)) return NULL;
    json_t *sz = json_object_get(o, "size");
    if (!json_is_integer(sz) || json_integer_value(sz) < 0 || json_integer_value(sz) > INT32_MAX) {
        sl_err_set(c->err, SL_CONFIG, "Invalid or no size: %s", full);
        return NULL;
    }
    s->size = (int)json_integer_value(sz);
    s->zero_size = s->size == 0;
    parse_logical(o, s);
    return s;
}

static sl_avro_schema *parse_union(pctx *c, json_t *a, const char *ns)
{
    size_t n = json_array_size(a);
    sl_avro_schema *s = new_node(c->ar, SL_AVRO_UNION);
    s->n = (int)n;
    s->branches = sl_arena_calloc(c->ar, sizeof(sl_avro_schema *) * (n ? n : 1));
    for (size_t i = 0; i < n; i++) {
        sl_avro_schema *b = parse_node(c, json_array_get(a, i), ns);
        if (!b) return NULL;
        if (b->kind == SL_AVRO_UNION) {
            sl_err_set(c->err, SL_CONFIG, "Nested union: %s", "union");
            return NULL;
        }
        for (size_t k = 0; k < i; k++) {
            const sl_avro_schema *o = s->branches[k];
            int named_kind =
                b->kind == SL_AVRO_RECORD || b->kind == SL_AVRO_ENUM || b->kind == SL_AVRO_FIXED;
            if (o->kind == b->kind && (!named_kind || strcmp(o->name, b->name) == 0)) {
                sl_err_set(c->err, SL_CONFIG, "Duplicate in union:%s",
                           named_kind ? b->name : kind_names[b->kind]);
                return NULL;
            }
        }
        s->branches[i] = b;
    }
    return s;
}

static sl_avro_schema *parse_node(pctx *c, json_t *j, const char *ns)
{
    if (++c->depth > SL_AVRO_MAX_DEPTH) {
        sl_err_set(c->err, SL_CONFIG, "Schema nesting deeper than %d levels", SL_AVRO_MAX_DEPTH);
        return NULL;
    }
    sl_avro_schema *s = NULL;
    if (json_is_string(j)) {
        const char *name = json_string_value(j);
        int k = primitive_kind(name);
        if (k >= 0) {
            s = new_node(c->ar, k);
        } else {
            if (!strchr(name, '.') && ns && *ns) {
                char *full = sl_arena_printf(c->ar, "%s.%s", ns, name);
                s = find_named(c, full);
            }
            if (!s) s = find_named(c, name);
            if (!s) sl_err_set(c->err, SL_CONFIG, "\"%s\" is not a defined name", name);
        }
    } else if (json_is_array(j)) {
        s = parse_union(c, j, ns);
    } else if (json_is_object(j)) {
        json_t *t = json_object_get(j, "type");
        if (json_is_string(t)) {
            const char *tn = json_string_value(t);
            int k = primitive_kind(tn);
            if (k >= 0) {
                s = new_node(c->ar, k);
                parse_logical(j, s);
            } else if (strcmp(tn, "record") == 0 || strcmp(tn, "error") == 0) {
                s = parse_record(c, j, ns);
            } else if (strcmp(tn, "enum") == 0) {
                s = parse_enum(c, j, ns);
            } else if (strcmp(tn, "fixed") == 0) {
                s = parse_fixed(c, j, ns);
            } else if (strcmp(tn, "array") == 0 || strcmp(tn, "map") == 0) {
                int is_map = tn[0] == 'm';
                json_t *it = json_object_get(j, is_map ? "values" : "items");
                if (!it) {
                    sl_err_set(c->err, SL_CONFIG, "%s has no %s", is_map ? "Map" : "Array",
                               is_map ? "values" : "items");
                } else {
                    sl_avro_schema *item = parse_node(c, it, ns);
                    if (item) {
                        s = new_node(c->ar, is_map ? SL_AVRO_MAP : SL_AVRO_ARRAY);
                        s->items = item;
                    }
                }
            } else {
                /* {"type": "SomeNamedType"} refers to a named type, as Avro's parser allows. */
                s = parse_node(c, t, ns);
            }
        } else if (json_is_object(t) || json_is_array(t)) {
            s = parse_node(c, t, ns);
        } else {
            sl_err_set(c->err, SL_CONFIG, "No type: %s", "schema object without \"type\"");
        }
    } else {
        sl_err_set(c->err, SL_CONFIG, "Schema is not a string, object or array");
    }
    c->depth--;
    return s;
}

/* Greatest fixpoint of "every field can be empty" over the records of one schema. */
static void compute_zero_size(pctx *c)
{
    for (int i = 0; i < c->nnames; i++)
        if (c->names[i].node->kind == SL_AVRO_RECORD) c->names[i].node->zero_size = 1;
    for (int changed = 1; changed;) {
        changed = 0;
        for (int i = 0; i < c->nnames; i++) {
            sl_avro_schema *r = c->names[i].node;
            if (r->kind != SL_AVRO_RECORD || !r->zero_size) continue;
            for (int f = 0; f < r->n; f++)
                if (!r->fields[f].type->zero_size) {
                    r->zero_size = 0;
                    changed = 1;
                    break;
                }
        }
    }
}

int sl_avro_schema_parse(sl_arena *ar, const char *text, size_t n, sl_avro_schema **out,
                         sl_err *err)
{
    json_error_t je;
    json_t *root = json_loadb(text, n, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return sl_err_set(err, SL_CONFIG,
                          "Could not parse Avro schema string: %s (at line %d, "
                          "column %d).",
                          je.text, je.line, je.column);
    pctx c = {ar, err, NULL, 0, 0, 0};
    sl_avro_schema *s = parse_node(&c, root, "");
    if (s) compute_zero_size(&c);
    sl_free(c.names);
    json_decref(root);
    if (!s) {
        if (!err->code) sl_err_set(err, SL_CONFIG, "Invalid Avro schema");
        return err->code;
    }
    *out = s;
    return SL_OK;
}

/* ---- derivation from table types (Flink's AvroSchemaConverter) ------------------------ */

typedef struct dctx {
    sl_arena *ar;
    sl_err *err;
    int legacy;
    const char **names; /* record names defined so far, to report redefinitions */
    int nnames, cap;
} dctx;

static sl_avro_schema *nullable(dctx *c, const sl_type *t, sl_avro_schema *s)
{
    if (t->not_null || s->kind == SL_AVRO_NULL) return s;
    sl_avro_schema *u = new_node(c->ar, SL_AVRO_UNION);
    u->n = 2;
    u->branches = sl_arena_alloc(c->ar, sizeof(sl_avro_schema *) * 2);
    u->branches[0] = new_node(c->ar, SL_AVRO_NULL);
    u->branches[1] = s;
    return u;
}

static sl_avro_schema *derive(dctx *c, const sl_type *t, const char *row_name, int depth);

static sl_avro_schema *derive_record(dctx *c, int n, const char *const *names,
                                     const sl_type *const *types, const char *row_name, int depth)
{
    for (int i = 0; i < c->nnames; i++)
        if (strcmp(c->names[i], row_name) == 0) {
            sl_err_set(c->err, SL_CONFIG, "Can't redefine: %s", row_name);
            return NULL;
        }
    if (c->nnames == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 8;
        c->names = sl_realloc(c->names, sizeof(char *) * (size_t)c->cap);
    }
    c->names[c->nnames++] = row_name;
    sl_avro_schema *s = new_node(c->ar, SL_AVRO_RECORD);
    s->name = row_name;
    s->n = n;
    s->fields = sl_arena_calloc(c->ar, sizeof(sl_avro_field) * (size_t)(n ? n : 1));
    s->zero_size = 1;
    for (int i = 0; i < n; i++) {
        if (name_error(names[i], c->err)) return NULL;
        for (int k = 0; k < i; k++)
            if (strcmp(names[k], names[i]) == 0) {
                sl_err_set(c->err, SL_CONFIG, "Duplicate field %s in record %s", names[i],
                           row_name);
                return NULL;
            }
        sl_avro_field *f = &s->fields[i];
        f->name = sl_arena_strdup(c->ar, names[i]);
        f->type =
            derive(c, types[i], sl_arena_printf(c->ar, "%s_%s", row_name, names[i]), depth + 1);
        if (!f->type) return NULL;
        if (!types[i]->not_null) f->dflt = "null";
        if (!f->type->zero_size) s->zero_size = 0;
    }
    return s;
}

static sl_avro_schema *derive_logical(dctx *c, int kind, int logical)
{
    sl_avro_schema *s = new_node(c->ar, kind);
    s->logical = (uint8_t)logical;
    return s;
}

static sl_avro_schema *derive(dctx *c, const sl_type *t, const char *row_name, int depth)
{
    char tname[256];
    if (depth > SL_AVRO_MAX_DEPTH) {
        sl_err_set(c->err, SL_CONFIG, "Type nesting deeper than %d levels", SL_AVRO_MAX_DEPTH);
        return NULL;
    }
    sl_avro_schema *s = NULL;
    switch (t->id) {
    case SL_TYPE_NULL: return new_node(c->ar, SL_AVRO_NULL);
    case SL_TYPE_BOOLEAN: s = new_node(c->ar, SL_AVRO_BOOLEAN); break;
    case SL_TYPE_TINYINT:
    case SL_TYPE_SMALLINT:
    case SL_TYPE_INT: s = new_node(c->ar, SL_AVRO_INT); break;
    case SL_TYPE_BIGINT: s = new_node(c->ar, SL_AVRO_LONG); break;
    case SL_TYPE_FLOAT: s = new_node(c->ar, SL_AVRO_FLOAT); break;
    case SL_TYPE_DOUBLE: s = new_node(c->ar, SL_AVRO_DOUBLE); break;
    case SL_TYPE_CHAR:
    case SL_TYPE_VARCHAR: s = new_node(c->ar, SL_AVRO_STRING); break;
    case SL_TYPE_BINARY:
    case SL_TYPE_VARBINARY: s = new_node(c->ar, SL_AVRO_BYTES); break;
    case SL_TYPE_TIMESTAMP:
        if (c->legacy) {
            if (t->precision > 3) {
                sl_err_set(c->err, SL_CONFIG,
                           "Avro does not support TIMESTAMP type with precision: %d, it only "
                           "supports precision less than 3.",
                           t->precision);
                return NULL;
            }
            s = derive_logical(c, SL_AVRO_LONG, SL_AVRO_LT_TS_MILLIS);
        } else {
            s = derive_logical(c, SL_AVRO_LONG,
                               t->precision <= 3   ? SL_AVRO_LT_LTS_MILLIS
                               : t->precision <= 6 ? SL_AVRO_LT_LTS_MICROS
                                                   : SL_AVRO_LT_LTS_NANOS);
        }
        break;
    case SL_TYPE_TIMESTAMP_LTZ:
        if (c->legacy) {
            sl_fmt_type_name(tname, sizeof tname, t);
            sl_err_set(c->err, SL_CONFIG, "Unsupported to derive Schema for type: %s", tname);
            return NULL;
        }
        s = derive_logical(c, SL_AVRO_LONG,
                           t->precision <= 3   ? SL_AVRO_LT_TS_MILLIS
                           : t->precision <= 6 ? SL_AVRO_LT_TS_MICROS
                                               : SL_AVRO_LT_TS_NANOS);
        break;
    case SL_TYPE_DATE: s = derive_logical(c, SL_AVRO_INT, SL_AVRO_LT_DATE); break;
    case SL_TYPE_TIME:
        if (t->precision > 3) {
            sl_err_set(c->err, SL_CONFIG,
                       "Avro does not support TIME type with precision: %d, it only supports "
                       "precision less than 3.",
                       t->precision);
            return NULL;
        }
        s = derive_logical(c, SL_AVRO_INT, SL_AVRO_LT_TIME_MILLIS);
        break;
    case SL_TYPE_DECIMAL:
        s = derive_logical(c, SL_AVRO_BYTES, SL_AVRO_LT_DECIMAL);
        s->precision = t->precision;
        s->scale = t->scale;
        break;
    case SL_TYPE_ROW: {
        int n = t->nfields;
        const char **names = sl_arena_alloc(c->ar, sizeof(char *) * (size_t)(n ? n : 1));
        const sl_type **types = sl_arena_alloc(c->ar, sizeof(sl_type *) * (size_t)(n ? n : 1));
        for (int i = 0; i < n; i++) {
            names[i] = t->fields[i].name;
            types[i] = &t->fields[i].type;
        }
        s = derive_record(c, n, names, types, row_name, depth);
        break;
    }
    case SL_TYPE_MAP:
        if (!sl_type_is_string(t->elem)) {
            sl_type k = *t->elem;
            k.not_null = t->elem->not_null;
            sl_fmt_type_name(tname, sizeof tname, &k);
            sl_err_set(c->err, SL_CONFIG,
                       "Avro format doesn't support non-string as key type of map. The key type "
                       "is: %s",
                       tname);
            return NULL;
        }
        /* fall through */
    case SL_TYPE_ARRAY: {
        sl_avro_schema *item =
            derive(c, t->id == SL_TYPE_MAP ? t->val : t->elem, row_name, depth + 1);
        if (!item) return NULL;
        s = new_node(c->ar, t->id == SL_TYPE_MAP ? SL_AVRO_MAP : SL_AVRO_ARRAY);
        s->items = item;
        break;
    }
    default:
        sl_fmt_type_name(tname, sizeof tname, t);
        sl_err_set(c->err, SL_CONFIG, "Unsupported to derive Schema for type: %s", tname);
        return NULL;
    }
    if (!s) return NULL;
    return nullable(c, t, s);
}

int sl_avro_schema_derive(sl_arena *ar, int n, const char *const *names, const sl_type *types,
                          int legacy, sl_avro_schema **out, sl_err *err)
{
    dctx c = {ar, err, legacy, NULL, 0, 0};
    const sl_type **tp = sl_arena_alloc(ar, sizeof(sl_type *) * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) tp[i] = &types[i];
    sl_avro_schema *s = derive_record(&c, n, names, tp, SL_AVRO_FLINK_RECORD, 0);
    sl_free(c.names);
    if (!s) return err->code ? err->code : sl_err_set(err, SL_CONFIG, "Invalid schema");
    *out = s;
    return SL_OK;
}

/* ---- JSON text (Avro's Schema.toString) ----------------------------------------------- */

typedef struct ectx {
    const sl_avro_schema **seen; /* named types already written: later uses are references */
    int nseen, cap;
} ectx;

static int was_seen(ectx *c, const sl_avro_schema *s)
{
    for (int i = 0; i < c->nseen; i++)
        if (c->seen[i] == s) return 1;
    if (c->nseen == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 8;
        c->seen = sl_realloc(c->seen, sizeof(*c->seen) * (size_t)c->cap);
    }
    c->seen[c->nseen++] = s;
    return 0;
}

static void put_str(sl_buf *b, const char *s)
{
    sl_fmt_json_quote(b, s, strlen(s));
}

/* "name" and, when it differs from the enclosing space, "namespace"; returns the new space. */
static void put_name(sl_buf *b, const char *full, const char *space, size_t *nslen)
{
    const char *dot = strrchr(full, '.');
    size_t sl = dot ? (size_t)(dot - full) : 0;
    sl_buf_puts(b, "\"name\":");
    put_str(b, dot ? dot + 1 : full);
    if (strlen(space) != sl || strncmp(space, full, sl) != 0) {
        sl_buf_puts(b, ",\"namespace\":");
        sl_fmt_json_quote(b, full, sl);
    }
    *nslen = sl;
}

static void emit(sl_buf *b, const sl_avro_schema *s, const char *space, ectx *c);

static void emit_logical_props(sl_buf *b, const sl_avro_schema *s)
{
    if (!s->logical) return;
    sl_buf_puts(b, ",\"logicalType\":");
    put_str(b, logical_names[s->logical]);
    if (s->logical == SL_AVRO_LT_DECIMAL)
        sl_buf_printf(b, ",\"precision\":%d,\"scale\":%d", s->precision, s->scale);
}

static void emit(sl_buf *b, const sl_avro_schema *s, const char *space, ectx *c)
{
    int is_named = s->kind == SL_AVRO_RECORD || s->kind == SL_AVRO_ENUM || s->kind == SL_AVRO_FIXED;
    if (is_named && was_seen(c, s)) {
        /* A reference, qualified relative to the enclosing namespace. */
        const char *dot = strrchr(s->name, '.');
        size_t sl = dot ? (size_t)(dot - s->name) : 0;
        if (dot && strlen(space) == sl && strncmp(space, s->name, sl) == 0)
            put_str(b, dot + 1);
        else
            put_str(b, s->name);
        return;
    }
    size_t nsl;
    char *ns;
    switch (s->kind) {
    case SL_AVRO_RECORD:
        sl_buf_puts(b, "{\"type\":\"record\",");
        put_name(b, s->name, space, &nsl);
        ns = sl_strndup(s->name, nsl);
        sl_buf_puts(b, ",\"fields\":[");
        for (int i = 0; i < s->n; i++) {
            const sl_avro_field *f = &s->fields[i];
            if (i) sl_buf_putc(b, ',');
            sl_buf_puts(b, "{\"name\":");
            put_str(b, f->name);
            sl_buf_puts(b, ",\"type\":");
            emit(b, f->type, ns, c);
            if (f->dflt) {
                sl_buf_puts(b, ",\"default\":");
                sl_buf_puts(b, f->dflt);
            }
            if (f->naliases) {
                sl_buf_puts(b, ",\"aliases\":[");
                for (int k = 0; k < f->naliases; k++) {
                    if (k) sl_buf_putc(b, ',');
                    put_str(b, f->aliases[k]);
                }
                sl_buf_putc(b, ']');
            }
            sl_buf_putc(b, '}');
        }
        sl_buf_puts(b, "]}");
        sl_free(ns);
        return;
    case SL_AVRO_ENUM:
        sl_buf_puts(b, "{\"type\":\"enum\",");
        put_name(b, s->name, space, &nsl);
        sl_buf_puts(b, ",\"symbols\":[");
        for (int i = 0; i < s->n; i++) {
            if (i) sl_buf_putc(b, ',');
            put_str(b, s->symbols[i]);
        }
        sl_buf_putc(b, ']');
        if (s->enum_default) {
            sl_buf_puts(b, ",\"default\":");
            put_str(b, s->enum_default);
        }
        sl_buf_putc(b, '}');
        return;
    case SL_AVRO_FIXED:
        sl_buf_puts(b, "{\"type\":\"fixed\",");
        put_name(b, s->name, space, &nsl);
        sl_buf_printf(b, ",\"size\":%d", s->size);
        emit_logical_props(b, s);
        sl_buf_putc(b, '}');
        return;
    case SL_AVRO_ARRAY:
    case SL_AVRO_MAP:
        sl_buf_puts(b, s->kind == SL_AVRO_ARRAY ? "{\"type\":\"array\",\"items\":"
                                                : "{\"type\":\"map\",\"values\":");
        emit(b, s->items, space, c);
        sl_buf_putc(b, '}');
        return;
    case SL_AVRO_UNION:
        sl_buf_putc(b, '[');
        for (int i = 0; i < s->n; i++) {
            if (i) sl_buf_putc(b, ',');
            emit(b, s->branches[i], space, c);
        }
        sl_buf_putc(b, ']');
        return;
    default:
        if (!s->logical) {
            put_str(b, kind_names[s->kind]);
            return;
        }
        sl_buf_puts(b, "{\"type\":");
        put_str(b, kind_names[s->kind]);
        emit_logical_props(b, s);
        sl_buf_putc(b, '}');
        return;
    }
}

void sl_avro_schema_json(sl_buf *b, const sl_avro_schema *s)
{
    ectx c = {NULL, 0, 0};
    emit(b, s, "", &c);
    sl_free(c.seen);
}

/* ---- explicit schema vs table (Flink's AvroSchemaConverter.convertToDataType) --------- */

static void why_type(sl_buf *why, const char *path, const char *avro, const sl_type *t)
{
    char tname[256];
    sl_fmt_type_name(tname, sizeof tname, t);
    sl_buf_printf(why, "%s%s%sthe schema gives %s, the table has %s", path ? "field '" : "",
                  path ? path : "", path ? "': " : "", avro, tname);
}

/* The Flink type convertToDataType gives s, rendered, with nullability; for messages. */
static int match(const sl_avro_schema *s, const sl_type *t, int nullable_ok, const char *path,
                 sl_buf *why, int depth);

/* Fields from a ROW type (fields != NULL) or from the top-level names/types arrays. */
static int match_fields(const sl_avro_schema *s, int n, const sl_field *fields,
                        const char *const *names, const sl_type *types, const char *path,
                        sl_buf *why, int depth)
{
    if (s->n != n) {
        sl_buf_printf(why, "%s%s%sthe schema has %d fields, the table %d", path ? "field '" : "",
                      path ? path : "", path ? "': " : "", s->n, n);
        return 0;
    }
    for (int i = 0; i < n; i++) {
        const char *name = fields ? fields[i].name : names[i];
        const sl_type *type = fields ? &fields[i].type : &types[i];
        char sub[512];
        snprintf(sub, sizeof sub, "%s%s%s", path ? path : "", path ? "." : "", name);
        if (strcmp(s->fields[i].name, name) != 0) {
            sl_buf_printf(why, "field %d is named '%s' in the schema and '%s' in the table", i + 1,
                          s->fields[i].name, name);
            return 0;
        }
        if (!match(s->fields[i].type, type, 1, sub, why, depth + 1)) return 0;
    }
    return 1;
}

static int match(const sl_avro_schema *s, const sl_type *t, int nullable_ok, const char *path,
                 sl_buf *why, int depth)
{
    SL_UNUSED(nullable_ok);
    if (depth > SL_AVRO_MAX_DEPTH) {
        sl_buf_puts(why, "the schema nests too deeply");
        return 0;
    }
    int nullable = 0;
    const sl_avro_schema *v = s;
    if (s->kind == SL_AVRO_UNION) {
        int vi, ni;
        v = sl_avro_union_value(s, &vi, &ni);
        if (!v) {
            why_type(why, path, "a union other than [\"null\", T] (Flink reads it as RAW)", t);
            return 0;
        }
        nullable = ni >= 0;
    }
    if (nullable == (int)t->not_null) {
        sl_buf_printf(why, "%s%s%s", path ? "field '" : "", path ? path : "", path ? "': " : "");
        sl_buf_printf(why, "the schema makes it %s, the table %s",
                      nullable ? "nullable" : "NOT NULL", t->not_null ? "NOT NULL" : "nullable");
        return 0;
    }
    int ok = 0;
    switch (v->kind) {
    case SL_AVRO_NULL: ok = t->id == SL_TYPE_NULL; break;
    case SL_AVRO_BOOLEAN: ok = t->id == SL_TYPE_BOOLEAN; break;
    case SL_AVRO_INT:
        if (v->logical == SL_AVRO_LT_DATE)
            ok = t->id == SL_TYPE_DATE;
        else if (v->logical == SL_AVRO_LT_TIME_MILLIS)
            ok = t->id == SL_TYPE_TIME && t->precision == 3;
        else
            ok = t->id == SL_TYPE_INT;
        break;
    case SL_AVRO_LONG:
        /* convertToDataType(String) uses the legacy mapping */
        if (v->logical == SL_AVRO_LT_TS_MILLIS)
            ok = t->id == SL_TYPE_TIMESTAMP && t->precision == 3;
        else if (v->logical == SL_AVRO_LT_TS_MICROS)
            ok = t->id == SL_TYPE_TIMESTAMP && t->precision == 6;
        else if (v->logical == SL_AVRO_LT_TIME_MICROS)
            ok = t->id == SL_TYPE_TIME && t->precision == 6;
        else
            ok = t->id == SL_TYPE_BIGINT;
        break;
    case SL_AVRO_FLOAT: ok = t->id == SL_TYPE_FLOAT; break;
    case SL_AVRO_DOUBLE: ok = t->id == SL_TYPE_DOUBLE; break;
    case SL_AVRO_STRING:
    case SL_AVRO_ENUM: ok = t->id == SL_TYPE_VARCHAR && t->length == SL_MAX_LENGTH; break;
    case SL_AVRO_BYTES:
    case SL_AVRO_FIXED:
        if (v->logical == SL_AVRO_LT_DECIMAL)
            ok = t->id == SL_TYPE_DECIMAL && t->precision == v->precision && t->scale == v->scale;
        else if (v->kind == SL_AVRO_BYTES)
            ok = t->id == SL_TYPE_VARBINARY && t->length == SL_MAX_LENGTH;
        else
            ok = t->id == SL_TYPE_VARBINARY && t->length == v->size;
        break;
    case SL_AVRO_ARRAY:
        if (t->id != SL_TYPE_ARRAY) break;
        return match(v->items, t->elem, 1, path, why, depth + 1);
    case SL_AVRO_MAP:
        if (t->id != SL_TYPE_MAP) break;
        if (!(t->elem->id == SL_TYPE_VARCHAR && t->elem->length == SL_MAX_LENGTH &&
              t->elem->not_null)) {
            why_type(why, path, "map keys STRING NOT NULL", t);
            return 0;
        }
        return match(v->items, t->val, 1, path, why, depth + 1);
    case SL_AVRO_RECORD:
        if (t->id != SL_TYPE_ROW) break;
        return match_fields(v, t->nfields, t->fields, NULL, NULL, path, why, depth);
    default: break;
    }
    if (!ok) {
        char an[128];
        if (v->logical)
            snprintf(an, sizeof an, "%s (%s)", kind_names[v->kind], logical_names[v->logical]);
        else
            snprintf(an, sizeof an, "%s", kind_names[v->kind]);
        why_type(why, path, an, t);
    }
    return ok;
}

int sl_avro_schema_matches_row(const sl_avro_schema *s, int n, const char *const *names,
                               const sl_type *types, sl_buf *why)
{
    const sl_avro_schema *r = s;
    if (r->kind == SL_AVRO_UNION) {
        int vi, ni;
        r = sl_avro_union_value(s, &vi, &ni); /* the converted type is made NOT NULL */
        if (!r) {
            sl_buf_puts(why, "the schema is not a record");
            return 0;
        }
    }
    if (r->kind != SL_AVRO_RECORD) {
        sl_buf_printf(why, "the schema is a %s, not a record", kind_names[r->kind]);
        return 0;
    }
    return match_fields(r, n, NULL, names, types, NULL, why, 0);
}
