/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The module lifecycle (spec 1.1, 2.1 - 2.3): load with its dependency
 * references, init registering drivers, unload in delete_module's order
 * of checks, the forced path, try_module_get / module_put.
 */
#include "cr-internal.h"

CrModule *cr_module_new(CrCore *c, const char *name)
{
    unsigned i;

    for (i = 0; i < CR_MAX_MODULES; i++) {
        CrModule *m = &c->modules[i];

        if (!m->in_use) {
            m->in_use = true;
            cr_strlcpy(m->name, name, sizeof(m->name));
            m->has_init = m->has_exit = true;
            return m;
        }
    }
    return NULL;
}

bool cr_module_add_dep(CrModule *m, CrModule *dep)
{
    if (m->n_deps == CR_MAX_DEPS) {
        return false;
    }
    m->deps[m->n_deps++] = dep;
    return true;
}

const char *cr_mod_state_name(CrModState s)
{
    static const char *const names[] = {
        [CR_MOD_UNLOADED] = "UNLOADED", [CR_MOD_COMING] = "COMING",
        [CR_MOD_LIVE] = "LIVE", [CR_MOD_GOING] = "GOING",
    };

    return names[s];
}

/* INV-23: the only transitions a module makes. */
static void cr_mod_set_state(CrCore *c, CrModule *m, CrModState to)
{
    static const bool allowed[4][4] = {
        [CR_MOD_UNLOADED][CR_MOD_COMING] = true,
        [CR_MOD_COMING][CR_MOD_LIVE] = true,
        [CR_MOD_COMING][CR_MOD_GOING] = true,
        [CR_MOD_LIVE][CR_MOD_GOING] = true,
        [CR_MOD_GOING][CR_MOD_UNLOADED] = true,
    };

    if (!allowed[m->state][to]) {
        cr_violation(c, "INV-23: module %s went %s -> %s", m->name,
                     cr_mod_state_name(m->state), cr_mod_state_name(to));
    }
    m->state = to;
    cr_log(c, "MOD %s %s", m->name, cr_mod_state_name(to));
}

static void cr_modref_log(CrCore *c, CrModule *m, int delta)
{
    cr_log(c, "MODREF %s %c1 =%d", m->name, delta > 0 ? '+' : '-',
           m->refcnt);
}

bool cr_try_module_get(CrCore *c, CrModule *m)
{
    if (!m) {
        return true;                 /* built in: nothing to count */
    }
    if (m->state != CR_MOD_COMING && m->state != CR_MOD_LIVE) {
        return false;
    }
    m->refcnt++;
    cr_modref_log(c, m, +1);
    return true;
}

void cr_module_put(CrCore *c, CrModule *m)
{
    if (!m) {
        return;
    }
    if (m->refcnt <= 0 && m->state != CR_MOD_GOING) {
        cr_warn(c, "MODULE_PUT_UNDERFLOW %s", m->name);
        return;
    }
    m->refcnt--;
    cr_modref_log(c, m, -1);
}

unsigned cr_module_holders(const CrCore *c, const CrModule *m,
                           const CrModule **out, unsigned max)
{
    unsigned i, k, n = 0;

    for (i = 0; i < CR_MAX_MODULES; i++) {
        const CrModule *h = &c->modules[i];

        if (!h->in_use || h->state == CR_MOD_UNLOADED) {
            continue;
        }
        for (k = 0; k < h->n_deps; k++) {
            if (h->deps[k] == m) {
                if (n < max && out) {
                    out[n] = h;
                }
                n++;
            }
        }
    }
    return n;
}

static void cr_drop_deps(CrCore *c, CrModule *m)
{
    unsigned k;

    for (k = 0; k < m->n_deps; k++) {
        m->deps[k]->refcnt--;
        cr_modref_log(c, m->deps[k], -1);
    }
}

/* INV-23: nothing of @m's outlives it (its instances, its drivers). */
static void cr_module_gone_check(CrCore *c, CrModule *m)
{
    unsigned i;

    for (i = 0; i < c->n_iommu_list; i++) {
        if (c->iommu_list[i]->ops->owner == m) {
            cr_violation(c, "INV-23: instance %s of %s outlives its module",
                         c->iommu_list[i]->name, m->name);
        }
    }
    for (i = 0; i < c->n_buses; i++) {
        unsigned k;

        for (k = 0; k < c->bus_order[i]->n_drvs; k++) {
            if (c->bus_order[i]->drvs[k]->owner == m) {
                cr_violation(c, "INV-23: driver %s of %s outlives its module",
                             c->bus_order[i]->drvs[k]->name, m->name);
            }
        }
    }
}

/* Undo init: its drivers, last registered first. */
static void cr_module_unregister_drivers(CrCore *c, CrModule *m)
{
    unsigned k = m->n_drivers;

    while (k--) {
        if (m->drivers[k]->registered) {
            cr_driver_unregister_inner(c, m->drivers[k]);
        }
    }
}

static int cr_module_init(CrCore *c, CrModule *m)
{
    unsigned k;
    int r;

    if (m->init_hook) {
        m->init_hook(c, m);
    }
    if (m->init_fn) {
        r = m->init_fn(c, m);
        if (r) {
            return r;
        }
    }
    for (k = 0; k < m->n_drivers; k++) {
        r = cr_driver_register_inner(c, m->drivers[k]);
        if (r) {
            return r;
        }
    }
    return m->init_result;
}

int cr_module_load(CrCore *c, CrModule *m)
{
    unsigned k;
    int r = 0;

    cr_op_enter(c);
    if (m->state != CR_MOD_UNLOADED) {
        r = -CR_EEXIST;
        goto out;
    }
    /* strong_try_module_get: a dependency still initialising is busy */
    for (k = 0; k < m->n_deps; k++) {
        if (m->deps[k]->state != CR_MOD_LIVE) {
            r = m->deps[k]->state == CR_MOD_COMING ? -CR_EBUSY : -CR_ENOENT;
            goto out;
        }
    }
    m->refcnt = 0;
    cr_mod_set_state(c, m, CR_MOD_COMING);
    for (k = 0; k < m->n_deps; k++) {
        m->deps[k]->refcnt++;        /* ref_module: the holder's reference */
        cr_modref_log(c, m->deps[k], +1);
    }
    r = cr_module_init(c, m);
    if (r < 0) {
        cr_mod_set_state(c, m, CR_MOD_GOING);
        cr_module_unregister_drivers(c, m);
        cr_drop_deps(c, m);
        cr_mod_set_state(c, m, CR_MOD_UNLOADED);
        cr_module_gone_check(c, m);
        cr_module_release_elf(c, m);
        goto out;
    }
    cr_mod_set_state(c, m, CR_MOD_LIVE);
    r = 0;
out:
    cr_op_leave(c);
    return r;
}

/* delete_module's checks, in its order (2.2): 0 or the refusal. */
static int cr_unload_refusal(CrCore *c, CrModule *m, bool force)
{
    bool forced = force && (c->flags & CR_F_FORCE_UNLOAD);

    if (m->state == CR_MOD_UNLOADED) {
        return -CR_ENOENT;
    }
    if (cr_module_holders(c, m, NULL, 0)) {
        return -CR_EWOULDBLOCK;
    }
    if (m->state != CR_MOD_LIVE) {
        return -CR_EBUSY;
    }
    if (m->has_init && !m->has_exit && !forced) {
        return -CR_EBUSY;
    }
    if (m->refcnt != 0 && !forced) {
        return -CR_EWOULDBLOCK;
    }
    return 0;
}

int cr_module_unload(CrCore *c, CrModule *m, unsigned flags)
{
    bool force = flags & CR_UNLOAD_FORCE;
    int r;

    cr_op_enter(c);
    r = cr_unload_refusal(c, m, force);
    if (r) {
        goto out;
    }
    if (m->refcnt != 0 || (m->has_init && !m->has_exit)) {
        cr_log(c, "TAINT R");        /* TAINT_FORCED_RMMOD */
    }
    cr_mod_set_state(c, m, CR_MOD_GOING);
    if (m->refcnt == 0) {
        m->refcnt = -1;              /* what sysfs shows while going */
    }
    if (m->exit_hook) {
        m->exit_hook(c, m);
    }
    if (m->exit_fn) {
        m->exit_fn(c, m);
    }
    cr_module_unregister_drivers(c, m);
    cr_drop_deps(c, m);
    m->refcnt = 0;
    cr_mod_set_state(c, m, CR_MOD_UNLOADED);
    cr_module_gone_check(c, m);
    cr_module_release_elf(c, m);
out:
    cr_op_leave(c);
    return r;
}
