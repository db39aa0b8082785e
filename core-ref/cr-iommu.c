/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The IOMMU core (spec 2.9 - 2.14): instance registration with the
 * per-bus replay and its exact-footprint undo, the per-device attach
 * (which takes the module reference) and release, groups and their
 * default and blocking domains, dma_configure / dma_cleanup, and DMA
 * ownership.
 */
#include "cr-internal.h"

/* ---- Set-up ------------------------------------------------------------ */

CrIommuOps *cr_ops_new(CrCore *c, const char *name, CrModule *owner,
                       CrGroupPolicy policy, CrDomType def_type)
{
    unsigned i;

    for (i = 0; i < CR_MAX_OPS; i++) {
        CrIommuOps *o = &c->ops[i];

        if (!o->in_use) {
            o->in_use = true;
            cr_strlcpy(o->name, name, sizeof(o->name));
            o->owner = owner;
            o->module_resident = owner != NULL;
            o->policy = policy;
            o->def_type = def_type;
            return o;
        }
    }
    return NULL;
}

CrIommu *cr_iommu_new(CrCore *c, const char *name, const char *fwnode,
                      const CrIommuOps *ops, CrDevice *hwdev)
{
    unsigned i;

    for (i = 0; i < CR_MAX_IOMMUS; i++) {
        CrIommu *m = &c->iommus[i];

        if (!m->in_use) {
            m->in_use = true;
            cr_strlcpy(m->name, name, sizeof(m->name));
            cr_strlcpy(m->fwnode, fwnode, sizeof(m->fwnode));
            m->ops = ops;
            m->hwdev = hwdev;
            return m;
        }
    }
    return NULL;
}

CrIommu *cr_iommu_of_hw(CrCore *c, const CrDevice *hwdev)
{
    unsigned i;

    /* a module's own instances live in its memory: registered ones first */
    for (i = 0; i < c->n_iommu_list; i++) {
        if (c->iommu_list[i]->hwdev == hwdev) {
            return c->iommu_list[i];
        }
    }
    for (i = 0; i < CR_MAX_IOMMUS; i++) {
        if (c->iommus[i].in_use && c->iommus[i].hwdev == hwdev) {
            return &c->iommus[i];
        }
    }
    return NULL;
}

/* The registered instance a firmware node names (1.5), or NULL. */
CrIommu *cr_iommu_by_fwnode(CrCore *c, const char *fwnode)
{
    unsigned i;

    for (i = 0; i < c->n_iommu_list; i++) {
        if (cr_streq(c->iommu_list[i]->fwnode, fwnode)) {
            return c->iommu_list[i];
        }
    }
    return NULL;
}

CrGroup *cr_group_by_id(CrCore *c, int id)
{
    unsigned i;

    for (i = 0; i < CR_MAX_GROUPS; i++) {
        if (c->groups[i].in_use && c->groups[i].id == id) {
            return &c->groups[i];
        }
    }
    return NULL;
}

/* ---- Groups and domains ------------------------------------------------ */

/* The lowest id no live group holds (Linux IDA). */
static int cr_group_id_alloc(const CrCore *c)
{
    int id;
    unsigned i;

    for (id = 0;; id++) {
        bool taken = false;

        for (i = 0; i < CR_MAX_GROUPS && !taken; i++) {
            taken = c->groups[i].in_use && c->groups[i].id == id;
        }
        if (!taken) {
            return id;
        }
    }
}

static CrGroup *cr_group_new(CrCore *c, CrIommu *inst, const char *alias)
{
    int id = cr_group_id_alloc(c);
    CrGroup *g = cr_alloc_group(c);

    if (!g) {
        return NULL;
    }
    g->id = id;
    g->inst = inst;
    g->type = inst->ops->def_type;
    cr_strlcpy(g->alias, alias, sizeof(g->alias));
    cr_log(c, "GRP_NEW %d", g->id);
    return g;
}

/* ops.device_group: an existing group or a new one (1.6 policies). */
static CrGroup *cr_device_group(CrCore *c, CrIommu *inst, CrDevice *dev)
{
    unsigned i;

    switch (inst->ops->policy) {
    case CR_GROUP_SINGLETON:
        if (!inst->singleton) {
            inst->singleton = cr_group_new(c, inst, "");
            if (inst->singleton) {
                inst->singleton->refs++;      /* the instance's reference */
            }
        }
        return inst->singleton;
    case CR_GROUP_PCI_TOPOLOGY:
        for (i = 0; i < CR_MAX_GROUPS && dev->alias[0]; i++) {
            CrGroup *g = &c->groups[i];

            if (g->in_use && g->inst == inst && cr_streq(g->alias, dev->alias)) {
                return g;
            }
        }
        return cr_group_new(c, inst, dev->alias);
    default:
        return cr_group_new(c, inst, "");
    }
}

/* A domain for @g: allocated, then made by the instance's driver. */
static CrDomain *cr_domain_new(CrCore *c, CrGroup *g, CrDomType t)
{
    CrDomain *d = cr_alloc_domain(c, t);
    const CrIommuOps *ops = g->inst->ops;

    if (d) {
        d->inst = g->inst;
        if (ops->domain_init && ops->domain_init(c, g->inst, d)) {
            cr_free_domain(c, d);
            return NULL;
        }
    }
    return d;
}

static void cr_domain_free(CrCore *c, CrDomain *d)
{
    if (!d) {
        return;
    }
    if (d->inst && d->inst->ops->domain_free) {
        d->inst->ops->domain_free(c, d->inst, d);
    }
    cr_free_domain(c, d);
}

/* The driver learns which domain @dev uses now (NULL: none). */
static void cr_attach_dev(CrCore *c, CrGroup *g, CrDevice *dev, CrDomain *d)
{
    const CrIommuOps *ops = g->inst->ops;

    if (ops->attach_dev && ops->attach_dev(c, g->inst, dev, d)) {
        cr_warn(c, "ATTACH_FAILED %s %d", dev->name, g->id);
    }
}

/* Every member of @g now uses g->domain. */
static void cr_group_attach_all(CrCore *c, CrGroup *g)
{
    unsigned i;

    for (i = 0; i < g->n_devs; i++) {
        cr_attach_dev(c, g, g->devs[i], g->domain);
    }
}

/* 2.13: the default domain of its type, else DMA, else none. */
static void cr_group_setup_domain(CrCore *c, CrGroup *g)
{
    CrDomain *d = cr_domain_new(c, g, g->type);

    if (!d && g->type != CR_DOM_DMA) {
        d = cr_domain_new(c, g, CR_DOM_DMA);
        if (d) {
            g->type = CR_DOM_DMA;
        }
    }
    g->queued = false;
    g->default_domain = d;
    g->domain = d;
    if (d) {
        cr_log(c, "DOM %d default", g->id);
        cr_group_attach_all(c, g);
    }
}

int cr_iommu_map(CrCore *c, CrDevice *dev, uint64_t iova, uint64_t pa,
                 uint64_t size)
{
    CrGroup *g = dev ? dev->group : NULL;
    const CrIommuOps *ops;

    if (!g || !g->domain) {
        return -CR_ENODEV;
    }
    ops = g->inst->ops;
    return ops->map ? ops->map(c, g->inst, g->domain, iova, pa, size) : 0;
}

static void cr_group_add_device(CrCore *c, CrGroup *g, CrDevice *dev)
{
    cr_list_append((void **)g->devs, &g->n_devs, CR_MAX_DEVICES, dev);
    g->refs++;
    dev->group = g;
    cr_mirror_add(c, CR_MIR_DEV_GROUP, dev, g);
    cr_mirror_add(c, CR_MIR_GROUP_DEV, g, dev);
    cr_log(c, "GRP_ADD %d %s", g->id, dev->name);
}

static void cr_group_put(CrCore *c, CrGroup *g)
{
    if (--g->refs > 0) {
        return;
    }
    cr_log(c, "GRP_FREE %d", g->id);
    if (g->inst && g->inst->singleton == g) {
        g->inst->singleton = NULL;
    }
    cr_free_group(c, g);
}

/* The group's last member left: its domains go (2.12 step 4). */
static void cr_group_emptied(CrCore *c, CrGroup *g)
{
    bool had = g->default_domain || g->domain;

    if (g->owner_cnt || g->domain != g->default_domain) {
        cr_warn(c, "OWNER_LEAK %d", g->id);
    }
    if (g->domain && g->domain != g->default_domain &&
        g->domain != g->blocking_domain) {
        cr_domain_free(c, g->domain);          /* a user's, left attached */
    }
    cr_domain_free(c, g->default_domain);
    cr_domain_free(c, g->blocking_domain);
    g->default_domain = g->blocking_domain = g->domain = NULL;
    g->owner = NULL;
    g->owner_cnt = 0;
    if (had) {
        cr_log(c, "DOM %d none", g->id);
    }
}

/* ---- Attach and release (2.11, 2.12) ----------------------------------- */

/* The ops a device's attach uses (2.11 step 1), or NULL. */
static const CrIommuOps *cr_ops_for(CrCore *c, const CrDevice *dev)
{
    CrIommu *inst;

    if (c->flags & CR_F_SINGLE_OPS) {
        return dev->bus->iommu_ops;
    }
    if (!dev->fw.present || dev->fw.disabled) {
        return NULL;
    }
    inst = cr_iommu_by_fwnode(c, dev->fw.fwnode);
    return inst ? inst->ops : NULL;
}

/*
 * ops.probe_device: the instance of @ops the device's binding names.
 * Without F_ATTACH_AT_ADD the binding is known only once the device's
 * own dma_configure ran (@configured); before that it is -ENODEV, as for
 * Linux 6.1's deferred devices (a fwspec with no ops).
 */
static int cr_ops_probe_device(CrCore *c, const CrIommuOps *ops,
                               CrDevice *dev, bool configured,
                               CrIommu **out)
{
    CrIommu *inst;

    if (!configured && !(c->flags & CR_F_ATTACH_AT_ADD)) {
        return -CR_ENODEV;
    }
    if (!dev->fw.present || dev->fw.disabled) {
        return -CR_ENODEV;
    }
    inst = cr_iommu_by_fwnode(c, dev->fw.fwnode);
    if (!inst || inst->ops != ops) {
        return -CR_ENODEV;
    }
    if (inst->fail_dev[0] && cr_streq(inst->fail_dev, dev->name)) {
        return inst->fail_ret;
    }
    if (ops->probe_device) {
        int r = ops->probe_device(c, inst, dev);

        if (r) {
            return r;
        }
    }
    *out = inst;
    return 0;
}

/* A replay's groups, set up once its bus walk is over (2.9 step 4b) */
typedef struct CrGroupList {
    CrGroup *g[CR_MAX_GROUPS];
    unsigned n;
} CrGroupList;

/*
 * __iommu_probe_device: attach @dev (2.11).  @list: the replay's group
 * list, or NULL for the single-device path.
 */
static int cr_iommu_probe(CrCore *c, CrDevice *dev, CrGroupList *list,
                          bool configured)
{
    const CrIommuOps *ops = cr_ops_for(c, dev);
    CrIommu *inst = NULL;
    CrGroup *g;
    int r;

    if (!ops) {
        return -CR_ENODEV;
    }
    if (dev->group) {
        return 0;
    }
    if (cr_device_is_bound(dev)) {
        cr_violation(c, "INV-26: attaching %s, which is bound", dev->name);
        return -CR_ENODEV;
    }
    dev->iommu = c->inject.iommu_dev_nomem ? NULL : cr_alloc_iommu_dev(c);
    if (!dev->iommu) {
        return -CR_ENOMEM;
    }
    if (!cr_try_module_get(c, ops->owner)) {
        cr_free_iommu_dev(c, dev->iommu);
        dev->iommu = NULL;
        return -CR_EINVAL;
    }
    r = cr_ops_probe_device(c, ops, dev, configured, &inst);
    if (r) {
        goto undo_module;
    }
    cr_log(c, "IOMMU_PROBE %s %s", dev->name, inst->name);
    dev->iommu->inst = inst;
    cr_mirror_add(c, CR_MIR_DEV_INST, dev, inst);
    cr_mirror_add(c, CR_MIR_INST_DEV, inst, dev);
    if (ops->add_links) {
        cr_link_add(c, dev, inst->hwdev,
                    CR_DL_PM_RUNTIME | CR_DL_AUTOREMOVE_SUPPLIER);
    }
    g = cr_device_group(c, inst, dev);
    if (!g) {
        r = -CR_ENOMEM;
        cr_log(c, "IOMMU_RELEASE %s %s", dev->name, inst->name);
        cr_mirror_del(c, CR_MIR_DEV_INST, dev, inst);
        cr_mirror_del(c, CR_MIR_INST_DEV, inst, dev);
        goto undo_module;
    }
    cr_group_add_device(c, g, dev);
    if (g->domain) {
        cr_attach_dev(c, g, dev, g->domain);
    } else if (!g->queued) {
        if (!list) {
            cr_group_setup_domain(c, g);
        } else {
            g->queued = true;
            list->g[list->n++] = g;
        }
    }
    return 0;

undo_module:
    cr_module_put(c, ops->owner);
    cr_free_iommu_dev(c, dev->iommu);
    dev->iommu = NULL;
    return r;
}

void cr_iommu_release_device(CrCore *c, CrDevice *dev)
{
    CrIommuDev *id = dev->iommu;
    CrIommu *inst;
    CrGroup *g = dev->group;

    if (!id) {
        return;
    }
    inst = id->inst;
    cr_log(c, "IOMMU_RELEASE %s %s", dev->name, inst->name);
    if (g) {
        cr_attach_dev(c, g, dev, NULL);
    }
    cr_mirror_del(c, CR_MIR_DEV_INST, dev, inst);
    cr_mirror_del(c, CR_MIR_INST_DEV, inst, dev);
    if (g) {
        cr_list_remove((void **)g->devs, &g->n_devs, dev);
        cr_mirror_del(c, CR_MIR_DEV_GROUP, dev, g);
        cr_mirror_del(c, CR_MIR_GROUP_DEV, g, dev);
        cr_log(c, "GRP_DEL %d %s", g->id, dev->name);
        if (!g->n_devs) {
            cr_group_emptied(c, g);
        }
    }
    dev->group = NULL;
    cr_module_put(c, inst->ops->owner);
    cr_free_iommu_dev(c, id);
    dev->iommu = NULL;
    if (g) {
        cr_group_put(c, g);
    }
    /* Only a forced unload gets here with the driver still bound (2.2 c) */
    if (cr_device_is_bound(dev)) {
        cr_warn(c, "BOUND_DEVICE_LOST_IOMMU %s", dev->name);
        if (dev->dma_claimed) {
            dev->dma_claimed = false;
            dev->dma_unuses++;
        }
    }
}

/* The ADD_DEVICE notifier (2.5 add step 2). */
void cr_iommu_notify_add(CrCore *c, CrDevice *dev)
{
    int r = cr_iommu_probe(c, dev, NULL, false);

    if (r && r != -CR_ENODEV) {
        cr_warn(c, "IOMMU_CONFIG_FAILED %s %d", dev->name, r);
    }
}

/* ---- Registration (2.9, 2.10) ------------------------------------------ */

/* The state INV-18 compares a failed registration against */
typedef struct CrRegSnapshot {
    const CrIommu *inst[CR_MAX_DEVICES];
    const CrGroup *group[CR_MAX_DEVICES];
    int refcnt[CR_MAX_MODULES];
    unsigned links;
} CrRegSnapshot;

static void cr_reg_snapshot(const CrCore *c, const CrIommu *failing,
                            CrRegSnapshot *s)
{
    unsigned i;

    for (i = 0; i < CR_MAX_DEVICES; i++) {
        const CrDevice *d = &c->devices[i];
        bool other = d->iommu && d->iommu->inst != failing;

        s->inst[i] = other ? d->iommu->inst : NULL;
        s->group[i] = other ? d->group : NULL;
    }
    for (i = 0; i < CR_MAX_MODULES; i++) {
        s->refcnt[i] = c->modules[i].refcnt;
    }
    s->links = c->n_links;
}

/* INV-18 after a failed registration of @failing. */
static void cr_reg_check(CrCore *c, const CrIommu *failing,
                         const CrRegSnapshot *before)
{
    CrRegSnapshot now;
    unsigned i;

    cr_reg_snapshot(c, failing, &now);
    for (i = 0; i < CR_MAX_DEVICES; i++) {
        const CrDevice *d = &c->devices[i];

        if (now.inst[i] != before->inst[i] ||
            now.group[i] != before->group[i]) {
            cr_violation(c, "INV-18: the failed registration of %s changed "
                         "the attachment of %s", failing->name, d->name);
        }
        if (d->iommu && d->iommu->inst == failing) {
            cr_violation(c, "INV-18: %s still attached to %s, which failed "
                         "to register", d->name, failing->name);
        }
    }
    if (now.links != before->links) {
        cr_violation(c, "INV-18: the failed registration of %s left %d "
                     "links", failing->name,
                     (int)now.links - (int)before->links);
    }
    for (i = 0; i < CR_MAX_MODULES; i++) {
        if (now.refcnt[i] != before->refcnt[i]) {
            cr_violation(c, "INV-18: the failed registration of %s changed "
                         "the refcnt of %s", failing->name,
                         c->modules[i].name);
        }
    }
}

/* Release every device attached to @inst, bus by bus. */
static void cr_iommu_release_members(CrCore *c, CrIommu *inst)
{
    unsigned b, i;

    for (b = 0; b < c->n_buses; b++) {
        CrBus *bus = c->bus_order[b];
        CrDevice *devs[CR_MAX_DEVICES];
        unsigned n = bus->n_devs;

        for (i = 0; i < n; i++) {
            devs[i] = bus->devs[i];
        }
        for (i = 0; i < n; i++) {
            if (devs[i]->iommu && devs[i]->iommu->inst == inst) {
                cr_iommu_release_device(c, devs[i]);
            }
        }
    }
}

static bool cr_ops_registered(const CrCore *c, const CrIommuOps *ops)
{
    unsigned i;

    for (i = 0; i < c->n_iommu_list; i++) {
        if (c->iommu_list[i]->ops == ops) {
            return true;
        }
    }
    return false;
}

/* 2.10 step 2 and 3: off the list; the bus ops go with the last user. */
static void cr_iommu_unlink(CrCore *c, CrIommu *inst)
{
    unsigned b;

    inst->registered = false;
    cr_list_remove((void **)c->iommu_list, &c->n_iommu_list, inst);
    if (inst->singleton) {
        cr_group_put(c, inst->singleton);
    }
    cr_log(c, "IOMMU_UNREG %s", inst->name);
    if ((c->flags & CR_F_SINGLE_OPS) && !cr_ops_registered(c, inst->ops)) {
        for (b = 0; b < c->n_buses; b++) {
            if (c->bus_order[b]->iommu_ops == inst->ops) {
                c->bus_order[b]->iommu_ops = NULL;
            }
        }
    }
}

/* The [<= 6.0] cleanup (F_LEGACY_BUS_CLEANUP): the whole failing bus. */
static void cr_iommu_legacy_cleanup(CrCore *c, CrIommu *inst, CrBus *bus)
{
    CrDevice *devs[CR_MAX_DEVICES];
    unsigned i, n = bus->n_devs;

    for (i = 0; i < n; i++) {
        devs[i] = bus->devs[i];
    }
    for (i = 0; i < n; i++) {
        cr_iommu_release_device(c, devs[i]);
    }
    bus->iommu_ops = NULL;
    inst->registered = false;
    cr_list_remove((void **)c->iommu_list, &c->n_iommu_list, inst);
}

/* 2.9 step 4 for one bus: 0, or the error that stops the replay. */
static int cr_replay_bus(CrCore *c, CrBus *bus)
{
    CrDevice *devs[CR_MAX_DEVICES];
    CrGroupList list = { .n = 0 };
    unsigned i, n = bus->n_devs;
    int r = 0;

    for (i = 0; i < n; i++) {
        devs[i] = bus->devs[i];
    }
    for (i = 0; i < n && !r; i++) {
        CrDevice *dev = devs[i];

        if (dev->group || !dev->registered || dev->dead) {
            continue;
        }
        if (cr_device_is_bound(dev)) {
            continue;            /* its dma_configure already ran */
        }
        r = cr_iommu_probe(c, dev, &list, false);
        if (r == -CR_ENODEV) {
            r = 0;
        }
    }
    /* 4b only after a whole bus: a failed walk returns first */
    for (i = 0; i < list.n && !r; i++) {
        if (list.g[i]->in_use && list.g[i]->queued) {
            cr_group_setup_domain(c, list.g[i]);
        }
    }
    return r;
}

int cr_iommu_register(CrCore *c, CrIommu *inst)
{
    const CrIommuOps *ops = inst ? inst->ops : NULL;
    CrRegSnapshot *before = &(CrRegSnapshot){ 0 };
    unsigned b;
    int r = 0;

    cr_op_enter(c);
    if (!inst || !ops) {
        r = -CR_EINVAL;
        goto out;
    }
    if (inst->registered) {
        r = -CR_EEXIST;
        goto out;
    }
    if (c->n_iommu_list == CR_MAX_IOMMUS) {
        r = -CR_ENOMEM;
        goto out;
    }
    if (ops->module_resident && !ops->owner) {
        cr_warn(c, "OPS_NO_OWNER %s", ops->name);
        r = -CR_EINVAL;
        goto out;
    }
    if ((c->flags & CR_F_SINGLE_OPS) && c->n_buses &&
        c->bus_order[0]->iommu_ops && c->bus_order[0]->iommu_ops != ops) {
        r = -CR_EBUSY;
        cr_log(c, "IOMMU_REG_FAIL %s %d", inst->name, r);
        goto out;
    }
    cr_reg_snapshot(c, inst, before);
    inst->registered = true;
    c->iommu_list[c->n_iommu_list++] = inst;
    cr_log(c, "IOMMU_REG %s", inst->name);
    for (b = 0; b < c->n_buses && !r; b++) {
        CrBus *bus = c->bus_order[b];

        if (c->flags & CR_F_SINGLE_OPS) {
            bus->iommu_ops = ops;
        }
        r = cr_replay_bus(c, bus);
        if (r && (c->flags & CR_F_LEGACY_BUS_CLEANUP)) {
            cr_iommu_legacy_cleanup(c, inst, bus);
            cr_log(c, "IOMMU_REG_FAIL %s %d", inst->name, r);
            cr_log(c, "IOMMU_UNREG %s", inst->name);
            cr_reg_check(c, inst, before);
            goto out;
        }
    }
    if (r) {
        cr_iommu_release_members(c, inst);
        if (inst->hwdev) {
            cr_links_undo_supplier(c, inst->hwdev);
        }
        cr_log(c, "IOMMU_REG_FAIL %s %d", inst->name, r);
        cr_iommu_unlink(c, inst);
        cr_reg_check(c, inst, before);
    }
out:
    cr_op_leave(c);
    return r;
}

void cr_iommu_unregister(CrCore *c, CrIommu *inst)
{
    cr_op_enter(c);
    if (inst && inst->registered) {
        cr_iommu_release_members(c, inst);
        cr_iommu_unlink(c, inst);
    }
    cr_op_leave(c);
}

/* ---- dma_configure and dma_cleanup (2.6 step 5) ------------------------- */

/* iommu_device_use_default_domain (2.14) */
static int cr_use_default_domain(CrCore *c, CrDevice *dev)
{
    CrGroup *g = dev->group;

    if (!g) {
        return 0;
    }
    if (!g->default_domain) {
        return -CR_EPROBE_DEFER;
    }
    if (g->owner_cnt > 0 && (g->owner || g->domain != g->default_domain)) {
        return -CR_EBUSY;
    }
    g->owner_cnt++;
    dev->dma_claimed = true;
    dev->dma_uses++;
    cr_log(c, "OWN %d cnt=%d owner=-", g->id, g->owner_cnt);
    return 0;
}

/* The firmware step: 0 (attached or no IOMMU) or -EPROBE_DEFER. */
static int cr_dma_configure_fw(CrCore *c, CrDevice *dev)
{
    int r;

    if (!dev->fw.present || dev->fw.disabled) {
        return 0;
    }
    if (!cr_iommu_by_fwnode(c, dev->fw.fwnode)) {
        if ((c->flags & CR_F_DEFER_TIMEOUT) && c->defer_timeout_expired) {
            cr_warn(c, "DEFER_TIMEOUT %s", dev->name);
            return 0;                /* on without translation */
        }
        return -CR_EPROBE_DEFER;
    }
    if (dev->iommu) {
        return 0;
    }
    if (c->flags & CR_F_ATTACH_AT_ADD) {
        cr_warn(c, "LATE_IOMMU_PROBE %s", dev->name);
    }
    r = cr_iommu_probe(c, dev, NULL, true);
    if (r == -CR_EPROBE_DEFER) {
        return r;
    }
    if (r && r != -CR_ENODEV) {
        cr_warn(c, "IOMMU_CONFIG_FAILED %s %d", dev->name, r);
    }
    return 0;
}

int cr_dma_configure(CrCore *c, CrDevice *dev, CrDriver *drv)
{
    int r = cr_dma_configure_fw(c, dev);

    if (r || drv->driver_managed_dma) {
        return r;
    }
    return cr_use_default_domain(c, dev);
}

void cr_dma_cleanup(CrCore *c, CrDevice *dev)
{
    CrGroup *g = dev->group;

    if (!dev->dma_claimed) {
        return;
    }
    dev->dma_claimed = false;
    dev->dma_unuses++;
    if (!g) {
        return;
    }
    if (g->owner_cnt == 0) {
        cr_warn(c, "OWNER_UNDERFLOW %d", g->id);
        cr_violation(c, "INV-21: owner_cnt of group %d would go below 0 "
                     "(%s)", g->id, dev->name);
        return;
    }
    g->owner_cnt--;
    cr_log(c, "OWN %d cnt=%d owner=-", g->id, g->owner_cnt);
}

/* ---- DMA ownership (2.14) ----------------------------------------------- */

static void cr_log_own(CrCore *c, const CrGroup *g)
{
    cr_log(c, "OWN %d cnt=%d owner=%s", g->id, g->owner_cnt,
           g->owner ? g->owner : "-");
}

/* group_claim steps 3 and 4, shared with a device's first claim. */
static int cr_claim_blocking(CrCore *c, CrGroup *g, const char *owner)
{
    if (g->domain && g->domain != g->default_domain) {
        return -CR_EBUSY;
    }
    if (!g->blocking_domain) {
        g->blocking_domain = cr_domain_new(c, g, CR_DOM_BLOCKED);
        if (!g->blocking_domain) {
            return -CR_ENOMEM;
        }
    }
    g->domain = g->blocking_domain;
    g->owner = owner;
    g->owner_cnt = 1;
    cr_log(c, "DOM %d blocking", g->id);
    cr_group_attach_all(c, g);
    cr_log_own(c, g);
    return 0;
}

int cr_group_claim(CrCore *c, CrGroup *g, const char *owner)
{
    int r;

    cr_op_enter(c);
    if (!owner || !g) {
        r = -CR_EINVAL;
    } else if (g->owner_cnt > 0) {
        r = -CR_EPERM;
    } else {
        r = cr_claim_blocking(c, g, owner);
    }
    cr_op_leave(c);
    return r;
}

static void cr_group_release_inner(CrCore *c, CrGroup *g)
{
    if (g->owner_cnt == 0 || !g->owner) {
        cr_warn(c, "RELEASE_UNOWNED %d", g->id);
        return;
    }
    g->owner_cnt = 0;
    g->owner = NULL;
    if (g->domain != g->default_domain && g->domain != g->blocking_domain) {
        cr_domain_free(c, g->domain);          /* the owner's user domain */
    }
    g->domain = g->default_domain;
    cr_log(c, "DOM %d default", g->id);
    cr_group_attach_all(c, g);
    cr_log_own(c, g);
}

void cr_group_release(CrCore *c, CrGroup *g)
{
    if (!g) {
        return;
    }
    cr_op_enter(c);
    cr_group_release_inner(c, g);
    cr_op_leave(c);
}

int cr_device_claim(CrCore *c, CrDevice *dev, const char *owner)
{
    CrGroup *g = dev ? dev->group : NULL;
    int r = 0;

    cr_op_enter(c);
    if (!owner) {
        r = -CR_EINVAL;
    } else if (!g) {
        r = -CR_ENODEV;
    } else if (g->owner_cnt > 0) {
        if (!g->owner || !cr_streq(g->owner, owner)) {
            r = -CR_EPERM;
        } else {
            g->owner_cnt++;
            cr_log_own(c, g);
        }
    } else {
        r = cr_claim_blocking(c, g, owner);
    }
    cr_op_leave(c);
    return r;
}

void cr_device_release_owner(CrCore *c, CrDevice *dev)
{
    CrGroup *g = dev ? dev->group : NULL;

    cr_op_enter(c);
    if (g && g->owner_cnt > 1) {
        g->owner_cnt--;
        cr_log_own(c, g);
    } else if (g) {
        cr_group_release_inner(c, g);
    }
    cr_op_leave(c);
}

int cr_attach_group(CrCore *c, CrGroup *g)
{
    CrDomain *d;
    int r = 0;

    cr_op_enter(c);
    if (!g || !g->n_devs) {
        r = -CR_EINVAL;
    } else if (g->domain != g->default_domain &&
               g->domain != g->blocking_domain) {
        r = -CR_EBUSY;
    } else if (!(d = cr_domain_new(c, g, CR_DOM_UNMANAGED))) {
        r = -CR_ENOMEM;
    } else {
        g->domain = d;
        cr_log(c, "DOM %d unmanaged", g->id);
        cr_group_attach_all(c, g);
    }
    cr_op_leave(c);
    return r;
}

void cr_detach_group(CrCore *c, CrGroup *g)
{
    if (!g) {
        return;
    }
    cr_op_enter(c);
    if (g->domain && g->domain != g->default_domain &&
        g->domain != g->blocking_domain) {
        cr_domain_free(c, g->domain);
        g->domain = g->owner ? g->blocking_domain : g->default_domain;
        cr_log(c, "DOM %d %s", g->id, g->owner ? "blocking" : "default");
        cr_group_attach_all(c, g);
    }
    cr_op_leave(c);
}

/* Why the sysfs type file refuses a change, or 0 (2.14 store_type). */
static int cr_type_refusal(const CrCore *c, const CrGroup *g)
{
    unsigned i;

    if (c->flags & CR_F_OLD_TYPE_STORE) {
        if (g->n_devs != 1) {
            return -CR_EINVAL;
        }
        for (i = 0; i < g->n_devs; i++) {
            if (cr_device_is_bound(g->devs[i])) {
                return -CR_EBUSY;
            }
        }
        return 0;
    }
    return g->n_devs == 0 || g->owner_cnt > 0 ? -CR_EPERM : 0;
}

int cr_store_type(CrCore *c, CrGroup *g, CrDomType t)
{
    CrDomain *d;
    int r = 0;

    cr_op_enter(c);
    if (!g || (t != CR_DOM_DMA && t != CR_DOM_DMA_FQ &&
               t != CR_DOM_IDENTITY)) {
        r = -CR_EINVAL;              /* what the sysfs file accepts */
    } else if (t == CR_DOM_DMA_FQ && g->type == CR_DOM_DMA &&
               g->default_domain) {
        /* a flush queue comes up without a new domain */
        g->type = CR_DOM_DMA_FQ;
        g->default_domain->type = CR_DOM_DMA_FQ;
    } else if ((r = cr_type_refusal(c, g)) != 0) {
        /* refused */
    } else if (!(d = cr_domain_new(c, g, t))) {
        r = -CR_ENOMEM;
    } else {
        CrDomain *old = g->default_domain;

        if (g->domain == old) {
            g->domain = d;
            cr_group_attach_all(c, g);
        }
        cr_domain_free(c, old);
        g->default_domain = d;
        g->type = t;
        cr_log(c, "DOM %d default", g->id);
    }
    cr_op_leave(c);
    return r;
}
