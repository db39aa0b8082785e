/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The invariant checker (spec section 3), run after every top-level
 * operation when CrCore.check is set.  INV-17 (unbind), INV-18 (failed
 * registration), INV-21's underflow, INV-23 (module transitions) and
 * INV-26 (attach under a bound driver) need the moment they happen and
 * are checked there; INV-2, INV-11 and INV-25 compare across operations
 * and belong to the scenarios (cr_counts()).  Everything else is a
 * property of the state and is checked here.
 */
#include "cr-internal.h"

static bool cr_dev_live(const CrDevice *d)
{
    return d->in_use && d->registered;
}

/* INV-1: refcnt = attached devices of the module's ops + holders. */
static void cr_check_refcnt(CrCore *c)
{
    unsigned i, k;

    for (i = 0; i < CR_MAX_MODULES; i++) {
        const CrModule *m = &c->modules[i];
        int attached = 0;

        if (!m->in_use || m->state == CR_MOD_GOING) {
            continue;
        }
        for (k = 0; k < CR_MAX_DEVICES; k++) {
            const CrDevice *d = &c->devices[k];

            attached += d->in_use && d->iommu &&
                        d->iommu->inst->ops->owner == m;
        }
        attached += (int)cr_module_holders(c, m, NULL, 0);
        if (m->state == CR_MOD_UNLOADED ? attached || m->refcnt
                                        : m->refcnt != attached) {
            cr_violation(c, "INV-1: %s refcnt %d, attached devices and "
                         "holders %d", m->name, m->refcnt, attached);
        }
    }
}

/* INV-4, 5, 6: attachments, group membership, homogeneous groups. */
static void cr_check_attach(CrCore *c)
{
    unsigned i, k, memberships;

    for (i = 0; i < CR_MAX_DEVICES; i++) {
        const CrDevice *d = &c->devices[i];

        if (!d->in_use) {
            continue;
        }
        if (d->iommu && !d->iommu->inst->registered) {
            cr_violation(c, "INV-4: %s attached to %s, not registered",
                         d->name, d->iommu->inst->name);
        }
        if (!d->iommu != !d->group) {
            cr_violation(c, "INV-5: %s has %s but %s", d->name,
                         d->iommu ? "an IOMMU" : "no IOMMU",
                         d->group ? "a group" : "no group");
        }
        memberships = 0;
        for (k = 0; k < CR_MAX_GROUPS; k++) {
            const CrGroup *g = &c->groups[k];

            memberships += g->in_use &&
                           cr_list_has((void *const *)g->devs, g->n_devs, d);
        }
        if (memberships != (d->group ? 1u : 0u) ||
            (d->group && !cr_list_has((void *const *)d->group->devs,
                                      d->group->n_devs, d))) {
            cr_violation(c, "INV-5: %s is in %u groups", d->name,
                         memberships);
        }
        if (d->group && d->iommu && d->group->inst != d->iommu->inst) {
            cr_violation(c, "INV-6: %s in group %d of another instance",
                         d->name, d->group->id);
        }
    }
}

/* INV-7, 8, 9, 10: group lifetime, ids, domains, ownership counts. */
static void cr_check_groups(CrCore *c)
{
    unsigned i, k;

    for (i = 0; i < CR_MAX_GROUPS; i++) {
        const CrGroup *g = &c->groups[i];
        int claimed = 0;

        if (!g->in_use) {
            continue;
        }
        if (g->refs <= 0 ||
            g->refs != (int)g->n_devs + (g->inst &&
                                         g->inst->singleton == g)) {
            cr_violation(c, "INV-7: group %d has refs %d for %u members",
                         g->id, g->refs, g->n_devs);
        }
        for (k = i + 1; k < CR_MAX_GROUPS; k++) {
            if (c->groups[k].in_use && c->groups[k].id == g->id) {
                cr_violation(c, "INV-7: two live groups with id %d", g->id);
            }
        }
        for (k = 0; k < g->n_devs; k++) {
            claimed += g->devs[k]->dma_claimed;
        }
        if (!g->n_devs) {
            if (g->domain || g->default_domain || g->blocking_domain) {
                cr_violation(c, "INV-8: empty group %d keeps a domain",
                             g->id);
            }
        } else if (g->default_domain) {
            if (!g->owner && g->domain == g->blocking_domain) {
                cr_violation(c, "INV-8: group %d unowned and blocked",
                             g->id);
            }
            if (g->owner && g->domain == g->default_domain) {
                cr_violation(c, "INV-8: group %d owned by %s on its default "
                             "domain", g->id, g->owner);
            }
        }
        if (!g->owner && g->owner_cnt != claimed) {
            cr_violation(c, "INV-9: group %d owner_cnt %d, claimed members "
                         "%d", g->id, g->owner_cnt, claimed);
        }
        if (g->owner && claimed) {
            cr_violation(c, "INV-9: group %d owned by %s with claimed "
                         "members", g->id, g->owner);
        }
        if (g->owner && g->owner_cnt < 1) {
            cr_violation(c, "INV-10: group %d owner %s, owner_cnt %d", g->id,
                         g->owner ? g->owner : "-", g->owner_cnt);
        }
    }
    for (i = 0; i < CR_MAX_DEVICES; i++) {
        const CrDevice *d = &c->devices[i];

        if (d->in_use && d->dma_claimed &&
            (!d->driver || d->driver->driver_managed_dma)) {
            cr_violation(c, "INV-9: %s counted in owner_cnt without a DMA "
                         "API driver", d->name);
        }
    }
}

/* Whether following supplier->consumer and parent->child edges from @d
 * comes back to a device on the current path (INV-14). */
static bool cr_cycle_from(const CrCore *c, const CrDevice *d, uint8_t *mark)
{
    unsigned i, di = (unsigned)(d - c->devices);

    if (mark[di] == 1) {
        return true;
    }
    if (mark[di] == 2) {
        return false;
    }
    mark[di] = 1;
    for (i = 0; i < CR_MAX_DEVICES; i++) {
        const CrDevice *child = &c->devices[i];

        if (cr_dev_live(child) && child->parent == d &&
            cr_cycle_from(c, child, mark)) {
            return true;
        }
    }
    for (i = 0; i < c->n_links; i++) {
        const CrLink *l = c->link_order[i];

        if (l->sup == d && !(l->flags & CR_DL_SYNC_STATE_ONLY) &&
            cr_cycle_from(c, l->con, mark)) {
            return true;
        }
    }
    mark[di] = 2;
    return false;
}

/* INV-12, 13, 14: links against their ends' binding, and no cycle. */
static void cr_check_links(CrCore *c)
{
    uint8_t mark[CR_MAX_DEVICES] = { 0 };
    unsigned i;

    for (i = 0; i < c->n_links; i++) {
        const CrLink *l = c->link_order[i];
        bool sb = cr_device_is_bound(l->sup), cb = cr_device_is_bound(l->con);

        if (!cr_link_managed(l)) {
            if (l->status != CR_LINK_NONE) {
                cr_violation(c, "INV-13: stateless %s--%s is %s",
                             l->sup->name, l->con->name,
                             cr_link_status_name(l->status));
            }
            continue;
        }
        if (l->flags & CR_DL_SYNC_STATE_ONLY) {
            continue;
        }
        if (cb && (!sb || l->status != CR_LINK_ACTIVE)) {
            cr_violation(c, "INV-12: %s bound, its supplier %s %s, link %s",
                         l->con->name, l->sup->name,
                         sb ? "bound" : "unbound",
                         cr_link_status_name(l->status));
        }
        if ((l->status == CR_LINK_DORMANT && sb) ||
            (l->status == CR_LINK_AVAILABLE && (!sb || cb)) ||
            ((l->status == CR_LINK_ACTIVE) != (sb && cb)) ||
            l->status == CR_LINK_CONSUMER_PROBE ||
            l->status == CR_LINK_SUPPLIER_UNBIND ||
            l->status == CR_LINK_NONE) {
            cr_violation(c, "INV-13: %s--%s %s with the supplier %s and the "
                         "consumer %s", l->sup->name, l->con->name,
                         cr_link_status_name(l->status),
                         sb ? "bound" : "unbound", cb ? "bound" : "unbound");
        }
    }
    for (i = 0; i < CR_MAX_DEVICES; i++) {
        if (cr_dev_live(&c->devices[i]) &&
            cr_cycle_from(c, &c->devices[i], mark)) {
            cr_violation(c, "INV-14: a cycle through %s",
                         c->devices[i].name);
            return;
        }
    }
}

/* Where @d is deferred, by the lists (a device on one at most, once) */
static CrDeferState cr_deferred_where(const CrCore *c, const CrDevice *d,
                                      unsigned *times)
{
    unsigned i, p = 0, a = 0;

    for (i = 0; i < c->n_pending; i++) {
        p += c->pending[i] == d;
    }
    for (i = 0; i < c->n_active; i++) {
        a += c->active[i] == d;
    }
    *times = p + a;
    return p ? CR_DEFER_PENDING : a ? CR_DEFER_ACTIVE : CR_DEFER_NONE;
}

/* INV-15, 16: what the deferred lists may hold, and that it was retried. */
static void cr_check_deferred(CrCore *c)
{
    unsigned i, times;

    for (i = 0; i < CR_MAX_DEVICES; i++) {
        const CrDevice *d = &c->devices[i];

        if (d->in_use && (cr_deferred_where(c, d, &times) != d->deferred ||
                          times > 1)) {
            cr_violation(c, "INV-15: %s's deferral state disagrees with the "
                         "lists (on them %u times)", d->name, times);
        }
    }
    for (i = 0; i < c->n_pending + c->n_active; i++) {
        const CrDevice *d = i < c->n_pending ? c->pending[i]
                                             : c->active[i - c->n_pending];

        if (!d->registered || d->dead || cr_device_is_bound(d) ||
            !d->can_match) {
            cr_violation(c, "INV-15: %s deferred while %s", d->name,
                         cr_device_is_bound(d) ? "bound" : "not probeable");
        }
        if (i < c->n_pending && !c->manual_defer &&
            d->tried_at_bind != c->bind_count) {
            cr_violation(c, "INV-16: %s pending, not retried after a bind",
                         d->name);
        }
    }
    if (c->n_active && !c->manual_defer) {
        cr_violation(c, "INV-15: %u devices on the active list at "
                     "quiescence", c->n_active);
    }
}

/* INV-19: one ops, installed on the buses iff an instance is registered. */
static void cr_check_single_ops(CrCore *c)
{
    unsigned i;

    if (!(c->flags & CR_F_SINGLE_OPS)) {
        return;
    }
    for (i = 1; i < c->n_iommu_list; i++) {
        if (c->iommu_list[i]->ops != c->iommu_list[0]->ops) {
            cr_violation(c, "INV-19: %s and %s have different ops",
                         c->iommu_list[0]->name, c->iommu_list[i]->name);
        }
    }
    for (i = 0; i < c->n_buses; i++) {
        if (!c->bus_order[i]->iommu_ops != !c->n_iommu_list) {
            cr_violation(c, "INV-19: bus %s has %s with %u instances",
                         c->bus_order[i]->name,
                         c->bus_order[i]->iommu_ops ? "ops" : "no ops",
                         c->n_iommu_list);
        }
    }
}

/* INV-20, 21: bound devices are live; unbound ones balanced their DMA use. */
static void cr_check_bound(CrCore *c)
{
    unsigned i;

    for (i = 0; i < CR_MAX_DEVICES; i++) {
        const CrDevice *d = &c->devices[i];

        if (!d->in_use) {
            continue;
        }
        if (d->driver && (!d->registered || d->dead ||
                          !cr_device_is_bound(d))) {
            cr_violation(c, "INV-20: %s has driver %s but is not live and "
                         "bound", d->name, d->driver->name);
        }
        if (!d->driver && d->dma_uses != d->dma_unuses) {
            cr_violation(c, "INV-21: %s unbound after %u uses of its default "
                         "domain and %u cleanups", d->name, d->dma_uses,
                         d->dma_unuses);
        }
    }
}

/* INV-24: one sysfs mirror entry of each kind per attachment and link. */
static void cr_check_mirrors(CrCore *c)
{
    unsigned i, expected = 0;

    for (i = 0; i < CR_MAX_DEVICES; i++) {
        const CrDevice *d = &c->devices[i];

        if (!d->in_use || !d->iommu || !d->group) {
            continue;
        }
        expected += 4;
        if (cr_mirror_count(c, CR_MIR_DEV_GROUP, d, d->group) != 1 ||
            cr_mirror_count(c, CR_MIR_GROUP_DEV, d->group, d) != 1 ||
            cr_mirror_count(c, CR_MIR_DEV_INST, d, d->iommu->inst) != 1 ||
            cr_mirror_count(c, CR_MIR_INST_DEV, d->iommu->inst, d) != 1) {
            cr_violation(c, "INV-24: %s's group and instance entries",
                         d->name);
        }
    }
    for (i = 0; i < c->n_links; i++) {
        const CrLink *l = c->link_order[i];

        expected += 3;
        if (cr_mirror_count(c, CR_MIR_SUPPLIER, l->con, l->sup) != 1 ||
            cr_mirror_count(c, CR_MIR_CONSUMER, l->sup, l->con) != 1 ||
            cr_mirror_count(c, CR_MIR_DEVLINK, l, NULL) != 1) {
            cr_violation(c, "INV-24: the entries of %s--%s", l->sup->name,
                         l->con->name);
        }
    }
    if (c->alloc.live_mirrors != expected) {
        cr_violation(c, "INV-24: %u mirror entries for %u expected",
                     c->alloc.live_mirrors, expected);
    }
}

/* Every live domain belongs to a group: nothing leaks (INV-25's pools) */
static void cr_check_domains(CrCore *c)
{
    unsigned i, used = 0;

    for (i = 0; i < CR_MAX_GROUPS; i++) {
        const CrGroup *g = &c->groups[i];

        if (!g->in_use) {
            continue;
        }
        used += (g->default_domain != NULL) + (g->blocking_domain != NULL) +
                (g->domain && g->domain != g->default_domain &&
                 g->domain != g->blocking_domain);
    }
    if (used != c->alloc.live_domains) {
        cr_violation(c, "INV-25: %u live domains, %u held by groups",
                     c->alloc.live_domains, used);
    }
}

unsigned cr_check(CrCore *c)
{
    unsigned before = c->n_viol;

    cr_check_refcnt(c);
    cr_check_attach(c);
    cr_check_groups(c);
    cr_check_links(c);
    cr_check_deferred(c);
    cr_check_single_ops(c);
    cr_check_bound(c);
    cr_check_mirrors(c);
    cr_check_domains(c);
    return c->n_viol - before;
}

CrCounts cr_counts(const CrCore *c)
{
    CrCounts n = { 0 };
    unsigned i;

    n.groups = c->alloc.live_groups;
    n.domains = c->alloc.live_domains;
    n.links = c->alloc.live_links;
    n.iommu_devs = c->alloc.live_iommu_devs;
    n.deferred = c->n_pending + c->n_active;
    for (i = 0; i < CR_MAX_MODULES; i++) {
        if (c->modules[i].in_use && c->modules[i].state != CR_MOD_UNLOADED) {
            n.refcnt_total += c->modules[i].refcnt;
        }
    }
    for (i = 0; i < CR_MAX_GROUPS; i++) {
        if (c->groups[i].in_use &&
            (unsigned)c->groups[i].id + 1 > n.max_group_id_plus1) {
            n.max_group_id_plus1 = (unsigned)c->groups[i].id + 1;
        }
    }
    return n;
}
