/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device links (spec 1.9, 2.15, and the link steps of 2.5, 2.6 and 2.8):
 * creation with its refusals and the initial-status table, the status
 * machine as the supplier and the consumer bind and unbind, the consumer
 * cascade before a supplier unbinds, the autoremove rules and the purge
 * at device removal.  Links are kept in creation order
 * (CrCore.link_order), which is also the order of a device's consumer
 * and supplier lists in Linux.
 */
#include "cr-internal.h"

#define CR_DL_MANAGED_ONLY (CR_DL_AUTOREMOVE_CONSUMER |                  \
                            CR_DL_AUTOREMOVE_SUPPLIER |                  \
                            CR_DL_AUTOPROBE_CONSUMER |                   \
                            CR_DL_SYNC_STATE_ONLY | CR_DL_INFERRED |     \
                            CR_DL_CYCLE)

bool cr_link_managed(const CrLink *l)
{
    return l->flags & CR_DL_MANAGED;
}

/* Managed and not sync-state-only: what probe ordering looks at. */
static bool cr_link_orders(const CrLink *l)
{
    return cr_link_managed(l) && !(l->flags & CR_DL_SYNC_STATE_ONLY);
}

void cr_link_set(CrCore *c, CrLink *l, CrLinkStatus s)
{
    if (l->status == s) {
        return;
    }
    cr_log(c, "LINK %s--%s %s->%s", l->sup->name, l->con->name,
           cr_link_status_name(l->status), cr_link_status_name(s));
    l->status = s;
}

CrLink *cr_link_find(CrCore *c, const CrDevice *sup, const CrDevice *con)
{
    unsigned i;

    for (i = 0; i < c->n_links; i++) {
        if (c->link_order[i]->sup == sup && c->link_order[i]->con == con) {
            return c->link_order[i];
        }
    }
    return NULL;
}

static void cr_link_free(CrCore *c, CrLink *l)
{
    cr_log(c, "LINK_DEL %s--%s", l->sup->name, l->con->name);
    cr_mirror_del(c, CR_MIR_SUPPLIER, l->con, l->sup);
    cr_mirror_del(c, CR_MIR_CONSUMER, l->sup, l->con);
    cr_mirror_del(c, CR_MIR_DEVLINK, l, NULL);
    cr_list_remove((void **)c->link_order, &c->n_links, l);
    cr_free_link(c, l);
}

/*
 * The links an instance's probe_device made to its SMMU device @sup
 * during a registration that failed (2.9 step 5: the footprint is
 * exactly empty).
 */
void cr_links_undo_supplier(CrCore *c, CrDevice *sup)
{
    unsigned i = 0;

    while (i < c->n_links) {
        CrLink *l = c->link_order[i];

        if (l->sup == sup && cr_link_managed(l) &&
            (l->flags & CR_DL_AUTOREMOVE_SUPPLIER)) {
            cr_link_free(c, l);
        } else {
            i++;
        }
    }
}

/* device_link_drop_managed: the managed reference goes. */
static void cr_link_drop_managed(CrCore *c, CrLink *l)
{
    l->flags &= ~CR_DL_MANAGED;
    if (--l->kref > 0) {
        l->status = CR_LINK_NONE;    /* a stateless user still holds it */
        return;
    }
    cr_link_free(c, l);
}

/*
 * Whether @target depends on @dev: @dev itself, a descendant, or a
 * consumer (transitively) of either.  Sync-state-only links do not count.
 */
static bool cr_depends(const CrCore *c, const CrDevice *dev,
                       const CrDevice *target, unsigned depth)
{
    unsigned i;

    if (dev == target) {
        return true;
    }
    if (depth > CR_MAX_DEVICES) {
        return true;                 /* deeper than acyclic allows */
    }
    for (i = 0; i < CR_MAX_DEVICES; i++) {
        const CrDevice *child = &c->devices[i];

        if (child->in_use && child->registered && child->parent == dev &&
            cr_depends(c, child, target, depth + 1)) {
            return true;
        }
    }
    for (i = 0; i < c->n_links; i++) {
        const CrLink *l = c->link_order[i];

        if (l->sup == dev && !(l->flags & CR_DL_SYNC_STATE_ONLY) &&
            cr_depends(c, l->con, target, depth + 1)) {
            return true;
        }
    }
    return false;
}

/* Linux device_reorder_to_tail: a consumer goes after its suppliers. */
static void cr_dpm_to_tail(CrCore *c, CrDevice *dev, unsigned depth)
{
    unsigned i;

    if (depth > CR_MAX_DEVICES) {
        return;
    }
    if (cr_list_remove((void **)c->dpm, &c->n_dpm, dev)) {
        c->dpm[c->n_dpm++] = dev;
    }
    for (i = 0; i < CR_MAX_DEVICES; i++) {
        CrDevice *child = &c->devices[i];

        if (child->in_use && child->registered && child->parent == dev) {
            cr_dpm_to_tail(c, child, depth + 1);
        }
    }
    for (i = 0; i < c->n_links; i++) {
        CrLink *l = c->link_order[i];

        if (l->sup == dev &&
            l->flags != (CR_DL_SYNC_STATE_ONLY | CR_DL_MANAGED)) {
            cr_dpm_to_tail(c, l->con, depth + 1);
        }
    }
}

/*
 * A device's links status as link creation reads it: a device whose
 * probe deferred at the link check stays PROBING (as in Linux) while no
 * probe runs; it counts as having no driver (DEVIATION, docs/core-ref.md:
 * Linux would start the link in CONSUMER_PROBE and leave it there).
 */
static CrDevLinks cr_links_status(const CrDevice *d)
{
    return d->links_status == CR_DEV_PROBING && !d->driver
           ? CR_DEV_NO_DRIVER : d->links_status;
}

/* The status a new managed link starts in (the table of 2.15). */
static CrLinkStatus cr_link_initial(const CrDevice *sup, const CrDevice *con)
{
    CrDevLinks cs = cr_links_status(con);

    switch (cr_links_status(sup)) {
    case CR_DEV_PROBING:
        return cs == CR_DEV_PROBING ? CR_LINK_CONSUMER_PROBE
                                    : CR_LINK_DORMANT;
    case CR_DEV_DRIVER_BOUND:
        if (cs == CR_DEV_PROBING) {
            return CR_LINK_CONSUMER_PROBE;
        }
        return cs == CR_DEV_DRIVER_BOUND ? CR_LINK_ACTIVE
                                         : CR_LINK_AVAILABLE;
    case CR_DEV_UNBINDING:
        return CR_LINK_SUPPLIER_UNBIND;
    default:
        return CR_LINK_DORMANT;
    }
}

/* Why device_link_add() refuses @flags between @con and @sup, or NULL. */
static const char *cr_link_refusal(const CrCore *c, const CrDevice *con,
                                   const CrDevice *sup, unsigned flags)
{
    if (!con || !sup || con == sup) {
        return "no pair";
    }
    if (flags & ~CR_DL_ALL || flags & CR_DL_MANAGED) {
        return "unknown flags";
    }
    if (flags & CR_DL_STATELESS && flags & CR_DL_MANAGED_ONLY) {
        return "stateless with a managed-only flag";
    }
    if (flags & CR_DL_AUTOPROBE_CONSUMER &&
        flags & (CR_DL_AUTOREMOVE_CONSUMER | CR_DL_AUTOREMOVE_SUPPLIER)) {
        return "autoprobe with autoremove";
    }
    if (!sup->registered) {
        return "supplier not registered";
    }
    if (!(flags & CR_DL_SYNC_STATE_ONLY) && cr_depends(c, con, sup, 0)) {
        return "cycle";
    }
    if (flags & CR_DL_SYNC_STATE_ONLY &&
        (flags & ~CR_DL_INFERRED) != CR_DL_SYNC_STATE_ONLY) {
        return "sync-state-only with other flags";      /* as Linux */
    }
    if (flags & CR_DL_SYNC_STATE_ONLY &&
        con->links_status != CR_DEV_NO_DRIVER &&
        con->links_status != CR_DEV_PROBING) {
        return "sync-state-only with a bound consumer";
    }
    /*
     * DEVIATION (docs/core-ref.md): Linux makes such a link dormant and
     * leaves the consumer bound without its supplier, which INV-12
     * forbids; core-ref refuses it.
     */
    if (!(flags & (CR_DL_STATELESS | CR_DL_SYNC_STATE_ONLY)) &&
        cr_device_is_bound(con) && !cr_device_is_bound(sup)) {
        return "a bound consumer of an unbound supplier";
    }
    return NULL;
}

/* A second request for an existing link extends it (2.15). */
static CrLink *cr_link_again(CrCore *c, CrLink *l, unsigned flags)
{
    if (flags & CR_DL_STATELESS) {
        l->kref++;
        l->flags |= CR_DL_STATELESS;
        return l;
    }
    if (flags & CR_DL_AUTOREMOVE_SUPPLIER) {
        if (l->flags & CR_DL_AUTOREMOVE_CONSUMER) {
            l->flags &= ~CR_DL_AUTOREMOVE_CONSUMER;
            l->flags |= CR_DL_AUTOREMOVE_SUPPLIER;
        }
    } else if (!(flags & CR_DL_AUTOREMOVE_CONSUMER)) {
        l->flags &= ~(CR_DL_AUTOREMOVE_CONSUMER | CR_DL_AUTOREMOVE_SUPPLIER);
    }
    if (!cr_link_managed(l)) {
        l->kref++;
        l->flags |= CR_DL_MANAGED;
        cr_link_set(c, l, cr_link_initial(l->sup, l->con));
    }
    if (l->flags & CR_DL_SYNC_STATE_ONLY && !(flags & CR_DL_SYNC_STATE_ONLY)) {
        l->flags &= ~CR_DL_SYNC_STATE_ONLY;
        cr_dpm_to_tail(c, l->con, 0);
    }
    return l;
}

static CrLink *cr_link_add_inner(CrCore *c, CrDevice *con, CrDevice *sup,
                                 unsigned flags)
{
    CrLink *l;

    if (cr_link_refusal(c, con, sup, flags)) {
        return NULL;
    }
    if (flags & CR_DL_AUTOREMOVE_SUPPLIER) {
        flags &= ~CR_DL_AUTOREMOVE_CONSUMER;
    }
    l = cr_link_find(c, sup, con);
    if (l) {
        return cr_link_again(c, l, flags);
    }
    l = cr_alloc_link(c);
    if (!l) {
        return NULL;
    }
    l->sup = sup;
    l->con = con;
    l->kref = 1;
    if (flags & CR_DL_STATELESS) {
        l->flags = flags;
        l->status = CR_LINK_NONE;
    } else {
        l->flags = flags | CR_DL_MANAGED;
        l->status = cr_link_initial(sup, con);
    }
    c->link_order[c->n_links++] = l;
    cr_mirror_add(c, CR_MIR_SUPPLIER, con, sup);
    cr_mirror_add(c, CR_MIR_CONSUMER, sup, con);
    cr_mirror_add(c, CR_MIR_DEVLINK, l, NULL);
    cr_log(c, "LINK_ADD %s--%s %s", sup->name, con->name,
           cr_link_status_name(l->status));
    if (!(flags & CR_DL_SYNC_STATE_ONLY)) {
        cr_dpm_to_tail(c, con, 0);
    }
    return l;
}

CrLink *cr_link_add(CrCore *c, CrDevice *con, CrDevice *sup, unsigned flags)
{
    CrLink *l;

    cr_op_enter(c);
    l = cr_link_add_inner(c, con, sup, flags);
    cr_op_leave(c);
    return l;
}

void cr_link_del(CrCore *c, CrLink *l)
{
    if (!l || !l->in_use) {
        return;
    }
    cr_op_enter(c);
    if (!(l->flags & CR_DL_STATELESS)) {
        cr_warn(c, "LINK_DEL_MANAGED %s--%s", l->sup->name, l->con->name);
    } else if (--l->kref == 0) {
        cr_link_free(c, l);
    }
    cr_op_leave(c);
}

/*
 * Snapshot the links of @dev as consumer (@as_consumer) or supplier, in
 * creation order: callers change and delete links while walking.
 */
static unsigned cr_links_of(CrCore *c, const CrDevice *dev, bool as_consumer,
                            CrLink **out)
{
    unsigned i, n = 0;

    for (i = 0; i < c->n_links; i++) {
        CrLink *l = c->link_order[i];

        if ((as_consumer ? l->con : l->sup) == dev) {
            out[n++] = l;
        }
    }
    return n;
}

/* device_links_missing_supplier: a probe's CONSUMER_PROBE links revert. */
static void cr_links_missing_supplier(CrCore *c, CrDevice *dev)
{
    CrLink *ls[CR_MAX_LINKS];
    unsigned i, n = cr_links_of(c, dev, true, ls);

    for (i = 0; i < n; i++) {
        if (ls[i]->status != CR_LINK_CONSUMER_PROBE) {
            continue;
        }
        cr_link_set(c, ls[i],
                    ls[i]->sup->links_status == CR_DEV_DRIVER_BOUND
                    ? CR_LINK_AVAILABLE : CR_LINK_DORMANT);
    }
}

int cr_links_check_suppliers(CrCore *c, CrDevice *dev)
{
    CrLink *ls[CR_MAX_LINKS];
    unsigned i, n = cr_links_of(c, dev, true, ls);

    dev->links_status = CR_DEV_PROBING;
    for (i = 0; i < n; i++) {
        if (!cr_link_orders(ls[i])) {
            continue;
        }
        if (ls[i]->status != CR_LINK_AVAILABLE) {
            cr_links_missing_supplier(c, dev);
            cr_log(c, "DEFER %s link:%s", dev->name, ls[i]->sup->name);
            return -CR_EPROBE_DEFER;
        }
        cr_link_set(c, ls[i], CR_LINK_CONSUMER_PROBE);
    }
    return 0;
}

/*
 * 2.6 step 9, after BOUND: the device's supplier links become active
 * (sync-state-only ones are dropped), then its consumer links available,
 * queueing autoprobe consumers.
 */
void cr_links_driver_bound(CrCore *c, CrDevice *dev)
{
    CrLink *ls[CR_MAX_LINKS];
    unsigned i, n = cr_links_of(c, dev, true, ls);

    for (i = 0; i < n; i++) {
        if (!cr_link_managed(ls[i])) {
            continue;
        }
        if (ls[i]->flags & CR_DL_SYNC_STATE_ONLY) {
            cr_link_drop_managed(c, ls[i]);
        } else {
            cr_link_set(c, ls[i], CR_LINK_ACTIVE);
        }
    }
    n = cr_links_of(c, dev, false, ls);
    for (i = 0; i < n; i++) {
        CrLink *l = ls[i];

        if (!cr_link_managed(l) || l->status == CR_LINK_CONSUMER_PROBE ||
            l->status == CR_LINK_ACTIVE) {
            continue;
        }
        cr_link_set(c, l, CR_LINK_AVAILABLE);
        if (l->flags & CR_DL_AUTOPROBE_CONSUMER && !l->con->driver) {
            cr_deferred_add(c, l->con);
        }
    }
    dev->links_status = CR_DEV_DRIVER_BOUND;
}

/* __device_links_no_driver: the device's supplier links, unbound. */
static void cr_links_consumer_unbound(CrCore *c, CrDevice *dev)
{
    CrLink *ls[CR_MAX_LINKS];
    unsigned n = cr_links_of(c, dev, true, ls);

    while (n--) {                    /* Linux walks them in reverse */
        CrLink *l = ls[n];

        if (!cr_link_managed(l)) {
            continue;
        }
        if (l->flags & CR_DL_AUTOREMOVE_CONSUMER) {
            cr_link_drop_managed(c, l);
            continue;
        }
        if (l->status != CR_LINK_CONSUMER_PROBE &&
            l->status != CR_LINK_ACTIVE) {
            continue;
        }
        cr_link_set(c, l, l->sup->links_status == CR_DEV_DRIVER_BOUND
                          ? CR_LINK_AVAILABLE : CR_LINK_DORMANT);
    }
    dev->links_status = CR_DEV_NO_DRIVER;
}

void cr_links_no_driver(CrCore *c, CrDevice *dev)
{
    CrLink *ls[CR_MAX_LINKS];
    unsigned i, n = cr_links_of(c, dev, false, ls);

    /* Made by a consumer while this device was probing: not meaningful */
    for (i = 0; i < n; i++) {
        if (cr_link_managed(ls[i]) &&
            (ls[i]->status == CR_LINK_CONSUMER_PROBE ||
             ls[i]->status == CR_LINK_ACTIVE)) {
            cr_link_set(c, ls[i], CR_LINK_DORMANT);
        }
    }
    cr_links_consumer_unbound(c, dev);
}

bool cr_links_busy(CrCore *c, CrDevice *dev)
{
    CrLink *ls[CR_MAX_LINKS];
    unsigned i, n = cr_links_of(c, dev, false, ls);
    bool busy = false;

    for (i = 0; i < n; i++) {
        if (!cr_link_orders(ls[i])) {
            continue;
        }
        if (ls[i]->status == CR_LINK_CONSUMER_PROBE ||
            ls[i]->status == CR_LINK_ACTIVE) {
            busy = true;
            break;
        }
        cr_link_set(c, ls[i], CR_LINK_SUPPLIER_UNBIND);
    }
    dev->links_status = CR_DEV_UNBINDING;
    return busy;
}

/* Unbind the active consumers, rescanning after each (2.8 step 2). */
void cr_links_unbind_consumers(CrCore *c, CrDevice *dev)
{
    CrLink *ls[CR_MAX_LINKS];
    unsigned i, n, rounds = 0;

restart:
    n = cr_links_of(c, dev, false, ls);
    for (i = 0; i < n; i++) {
        CrLinkStatus was = ls[i]->status;

        if (!cr_link_orders(ls[i])) {
            continue;
        }
        if (was == CR_LINK_CONSUMER_PROBE) {
            cr_violation(c, "INV-13: %s--%s consumer probing during an "
                         "unbind", dev->name, ls[i]->con->name);
            continue;
        }
        cr_link_set(c, ls[i], CR_LINK_SUPPLIER_UNBIND);
        if (was == CR_LINK_ACTIVE && ls[i]->con->driver &&
            ++rounds <= CR_MAX_LINKS) {
            cr_release_driver(c, ls[i]->con);
            goto restart;
        }
    }
}

/* 2.8 step 4, after remove: supplier side, then the device's own. */
void cr_links_driver_cleanup(CrCore *c, CrDevice *dev)
{
    CrLink *ls[CR_MAX_LINKS];
    unsigned i, n = cr_links_of(c, dev, false, ls);

    for (i = 0; i < n; i++) {
        CrLink *l = ls[i];

        if (!cr_link_managed(l)) {
            continue;
        }
        if (l->status != CR_LINK_SUPPLIER_UNBIND &&
            !(l->flags & CR_DL_SYNC_STATE_ONLY)) {
            cr_warn(c, "LINK_NOT_UNBINDING %s--%s", l->sup->name,
                    l->con->name);
        }
        if (l->status == CR_LINK_SUPPLIER_UNBIND &&
            l->flags & CR_DL_AUTOREMOVE_SUPPLIER) {
            cr_link_drop_managed(c, l);
        } else {
            cr_link_set(c, l, CR_LINK_DORMANT);
        }
    }
    cr_links_consumer_unbound(c, dev);
}

/* device_links_purge: every link of a device being removed goes. */
void cr_links_purge(CrCore *c, CrDevice *dev)
{
    CrLink *ls[CR_MAX_LINKS];
    unsigned n = cr_links_of(c, dev, true, ls);

    while (n--) {
        if (ls[n]->status == CR_LINK_ACTIVE) {
            cr_warn(c, "LINK_PURGE_ACTIVE %s--%s", ls[n]->sup->name,
                    dev->name);
        }
        cr_link_free(c, ls[n]);
    }
    n = cr_links_of(c, dev, false, ls);
    while (n--) {
        if (ls[n]->status != CR_LINK_DORMANT &&
            ls[n]->status != CR_LINK_NONE) {
            cr_warn(c, "LINK_PURGE_ACTIVE %s--%s", dev->name,
                    ls[n]->con->name);
        }
        cr_link_free(c, ls[n]);
    }
}
