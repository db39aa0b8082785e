/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The driver core (spec 2.4 - 2.8): driver and device registration, the
 * probe pipeline with its two failure paths, deferred probing and its
 * triggers, unbinding with the consumer cascade, and what makes a public
 * call a top-level operation (spec 0.4).
 */
#include "cr-internal.h"

/* The worker's bound on retries per operation: only a bug reaches it. */
#define CR_WORKER_MAX_STEPS 100000u

/* ---- Set-up ------------------------------------------------------------ */

void cr_core_init(CrCore *c, unsigned flags)
{
    cr_memzero(c, sizeof(*c));
    c->flags = flags;
    c->check = true;
    cr_core_exports_init(c);
}

CrBus *cr_bus_new(CrCore *c, const char *name)
{
    CrBus *b;

    if (c->n_buses == CR_MAX_BUSES) {
        return NULL;
    }
    b = &c->buses[c->n_buses];
    c->bus_order[c->n_buses++] = b;
    cr_strlcpy(b->name, name, sizeof(b->name));
    b->autoprobe = true;
    b->in_use = true;
    return b;
}

CrBus *cr_bus_find(CrCore *c, const char *name)
{
    unsigned i;

    for (i = 0; i < c->n_buses; i++) {
        if (cr_streq(c->buses[i].name, name)) {
            return &c->buses[i];
        }
    }
    return NULL;
}

CrDriver *cr_driver_new(CrCore *c, CrBus *bus, const char *name,
                        const char *compat, CrModule *owner)
{
    unsigned i;

    for (i = 0; i < CR_MAX_DRIVERS; i++) {
        CrDriver *d = &c->drivers[i];

        if (!d->in_use) {
            d->in_use = true;
            d->bus = bus;
            d->owner = owner;
            cr_strlcpy(d->name, name, sizeof(d->name));
            cr_strlcpy(d->compat, compat ? compat : "", sizeof(d->compat));
            if (owner) {
                if (owner->n_drivers == CR_MAX_MOD_DRIVERS) {
                    d->in_use = false;
                    return NULL;
                }
                owner->drivers[owner->n_drivers++] = d;
            }
            return d;
        }
    }
    return NULL;
}

CrDevice *cr_device_new(CrCore *c, CrBus *bus, const char *name,
                        const char *compat, CrDevice *parent)
{
    unsigned i;

    for (i = 0; i < CR_MAX_DEVICES; i++) {
        CrDevice *d = &c->devices[i];

        if (!d->in_use) {
            d->in_use = true;
            d->bus = bus;
            d->parent = parent;
            cr_strlcpy(d->name, name, sizeof(d->name));
            cr_strlcpy(d->compat, compat ? compat : "", sizeof(d->compat));
            return d;
        }
    }
    return NULL;
}

void cr_device_set_fw(CrDevice *dev, const char *fwnode, uint32_t sid)
{
    dev->fw.present = true;
    dev->fw.disabled = false;
    cr_strlcpy(dev->fw.fwnode, fwnode, sizeof(dev->fw.fwnode));
    dev->fw.sid = sid;
}

CrDevice *cr_device_find(CrCore *c, const char *name)
{
    unsigned i;

    for (i = 0; i < CR_MAX_DEVICES; i++) {
        if (c->devices[i].in_use && cr_streq(c->devices[i].name, name)) {
            return &c->devices[i];
        }
    }
    return NULL;
}

/* ---- Top-level operations (0.4) ---------------------------------------- */

static void cr_deferred_worker(CrCore *c);

void cr_op_enter(CrCore *c)
{
    c->depth++;
}

/* The outermost operation ends: worker to quiescence, then the checker. */
void cr_op_leave(CrCore *c)
{
    if (c->depth == 1) {
        if (!c->manual_defer) {
            cr_deferred_worker(c);
        }
        if (c->check) {
            cr_check(c);
        }
    }
    c->depth--;
}

/* ---- Deferred probing (2.7) -------------------------------------------- */

void cr_deferred_add(CrCore *c, CrDevice *dev)
{
    if (!dev->can_match || dev->deferred != CR_DEFER_NONE) {
        return;
    }
    c->pending[c->n_pending++] = dev;
    dev->deferred = CR_DEFER_PENDING;
}

void cr_deferred_del(CrCore *c, CrDevice *dev)
{
    if (dev->deferred == CR_DEFER_PENDING) {
        cr_list_remove((void **)c->pending, &c->n_pending, dev);
    } else if (dev->deferred == CR_DEFER_ACTIVE) {
        cr_list_remove((void **)c->active, &c->n_active, dev);
    }
    dev->deferred = CR_DEFER_NONE;
}

/* driver_deferred_probe_trigger: pending goes to the tail of active. */
void cr_trigger(CrCore *c)
{
    unsigned i;

    c->trigger_count++;
    for (i = 0; i < c->n_pending; i++) {
        c->pending[i]->deferred = CR_DEFER_ACTIVE;
        c->active[c->n_active++] = c->pending[i];
    }
    c->n_pending = 0;
    cr_log(c, "TRIGGER");
}

/* ---- Matching and the probe pipeline (2.6) ----------------------------- */

static bool cr_match(const CrDriver *drv, const CrDevice *dev)
{
    if (dev->override[0]) {
        return cr_streq(dev->override, drv->name);
    }
    return drv->compat[0] && cr_streq(drv->compat, dev->compat);
}

bool cr_device_is_bound(const CrDevice *dev)
{
    return dev->driver &&
           cr_list_has((void *const *)dev->driver->bound,
                       dev->driver->n_bound, dev);
}

/* The driver's probe, or an injected result in its place. */
static int cr_call_probe(CrCore *c, CrDriver *drv, CrDevice *dev)
{
    if (dev->inject_probe_times) {
        if (dev->inject_probe_times > 0) {
            dev->inject_probe_times--;
        }
        return dev->inject_probe_ret;
    }
    return drv->probe ? drv->probe(c, dev) : 0;
}

static void cr_bind(CrCore *c, CrDriver *drv, CrDevice *dev)
{
    cr_list_append((void **)drv->bound, &drv->n_bound, CR_MAX_DEVICES, dev);
    cr_log(c, "BOUND %s %s", dev->name, drv->name);
    cr_links_driver_bound(c, dev);
    cr_deferred_del(c, dev);
    c->bind_count++;
    cr_trigger(c);
}

/* The log line of a failed probe: DEFER with its cause, or PROBE_FAIL. */
static void cr_log_probe_failure(CrCore *c, CrDriver *drv, CrDevice *dev,
                                 int r, bool from_dma_configure)
{
    if (r == -CR_EPROBE_DEFER || r == CR_EPROBE_DEFER) {
        if (from_dma_configure) {
            cr_log(c, "DEFER %s iommu:%s", dev->name, dev->fw.fwnode);
        } else {
            cr_log(c, "DEFER %s driver", dev->name);
        }
    } else {
        cr_log(c, "PROBE_FAIL %s %s %d", dev->name, drv->name, r);
    }
}

/*
 * really_probe: 0 when bound, negative for a failure before the driver's
 * probe, positive when the driver's probe failed.
 */
static int cr_really_probe(CrCore *c, CrDriver *drv, CrDevice *dev)
{
    bool test_remove = c->flags & CR_F_TEST_REMOVE;
    int r;

    if (dev->dead || !dev->registered) {
        return -CR_ENODEV;
    }
    if (dev->driver) {
        return -CR_EBUSY;
    }
    dev->can_match = true;
    cr_log(c, "PROBE %s %s", dev->name, drv->name);
    if (c->defer_all) {
        cr_log(c, "DEFER %s driver", dev->name);
        return -CR_EPROBE_DEFER;
    }
    r = cr_links_check_suppliers(c, dev);
    if (r) {
        return r;
    }
again:
    dev->driver = drv;                   /* tentatively */
    r = cr_dma_configure(c, dev, drv);
    if (r) {
        cr_log_probe_failure(c, drv, dev, r, true);
        goto fail_early;                 /* no dma_cleanup: asymmetric */
    }
    if (c->inject.sysfs_fail) {
        r = -CR_ENOMEM;
        cr_log_probe_failure(c, drv, dev, r, false);
        goto fail_late;
    }
    r = cr_call_probe(c, drv, dev);
    if (r) {
        r = r < 0 ? -r : r;
        cr_log_probe_failure(c, drv, dev, r, false);
        goto fail_late;
    }
    if (test_remove) {
        test_remove = false;
        if (drv->remove) {
            drv->remove(c, dev);
        }
        cr_dma_cleanup(c, dev);
        dev->driver = NULL;
        goto again;
    }
    cr_bind(c, drv, dev);
    return 0;

fail_late:
    cr_dma_cleanup(c, dev);
fail_early:
    cr_links_no_driver(c, dev);
    dev->driver = NULL;
    return r;
}

/* driver_probe_device: really_probe, then the deferral bookkeeping. */
static int cr_driver_probe_device(CrCore *c, CrDriver *drv, CrDevice *dev)
{
    uint64_t triggers = c->trigger_count;
    int r = cr_really_probe(c, drv, dev);

    if (r == -CR_EPROBE_DEFER || r == CR_EPROBE_DEFER) {
        cr_deferred_add(c, dev);
        /* T5: a trigger while probing must not be lost */
        if (c->trigger_count != triggers && !c->defer_all) {
            cr_trigger(c);
        }
    }
    dev->tried_at_bind = c->bind_count;
    return r;
}

/*
 * The initial attach of a device (__device_attach): the bus's drivers in
 * order; a bind or a negative result ends it, a failed probe of one
 * driver lets the next try.
 */
static void cr_device_initial_attach(CrCore *c, CrDevice *dev)
{
    CrBus *bus = dev->bus;
    unsigned i;

    for (i = 0; i < bus->n_drvs; i++) {
        CrDriver *drv = bus->drvs[i];
        int r;

        if (dev->driver || dev->dead || !dev->registered) {
            return;
        }
        if (!cr_match(drv, dev)) {
            continue;
        }
        r = cr_driver_probe_device(c, drv, dev);
        if (r <= 0) {
            return;
        }
    }
}

static void cr_deferred_worker(CrCore *c)
{
    unsigned steps = 0;

    while (c->n_active) {
        CrDevice *dev = c->active[0];

        if (++steps > CR_WORKER_MAX_STEPS) {
            cr_violation(c, "INV-16: the deferred-probe worker does not end");
            return;
        }
        cr_list_remove((void **)c->active, &c->n_active, dev);
        dev->deferred = CR_DEFER_NONE;
        if (dev->bus->autoprobe) {
            cr_device_initial_attach(c, dev);
        }
    }
}

void cr_run_deferred(CrCore *c)
{
    cr_op_enter(c);
    cr_deferred_worker(c);
    cr_op_leave(c);
}

void cr_boot_complete(CrCore *c)
{
    cr_op_enter(c);
    cr_trigger(c);
    cr_deferred_worker(c);
    c->initcalls_done = true;
    cr_trigger(c);
    cr_op_leave(c);
}

void cr_defer_timeout_fire(CrCore *c)
{
    cr_op_enter(c);
    c->defer_timeout_expired = true;
    cr_trigger(c);
    cr_op_leave(c);
}

void cr_set_defer_all(CrCore *c, bool on)
{
    cr_op_enter(c);
    c->defer_all = on;
    if (!on) {
        cr_trigger(c);
    }
    cr_op_leave(c);
}

/* ---- Drivers (2.4) ----------------------------------------------------- */

int cr_driver_register_inner(CrCore *c, CrDriver *drv)
{
    CrBus *bus = drv->bus;
    CrDevice *snapshot[CR_MAX_DEVICES];
    unsigned i, n;

    if (!bus || !bus->in_use) {
        return -CR_EINVAL;
    }
    for (i = 0; i < bus->n_drvs; i++) {
        if (cr_streq(bus->drvs[i]->name, drv->name)) {
            return -CR_EBUSY;
        }
    }
    cr_list_append((void **)bus->drvs, &bus->n_drvs, CR_MAX_DRIVERS, drv);
    drv->registered = true;
    cr_log(c, "DRV_REG %s", drv->name);
    if (!bus->autoprobe) {
        return 0;
    }
    /* Devices a probe adds attach by themselves (device_add) */
    n = bus->n_devs;
    for (i = 0; i < n; i++) {
        snapshot[i] = bus->devs[i];
    }
    for (i = 0; i < n; i++) {
        CrDevice *dev = snapshot[i];

        if (dev->registered && !dev->dead && !dev->driver &&
            cr_match(drv, dev)) {
            cr_driver_probe_device(c, drv, dev);
        }
    }
    return 0;
}

void cr_driver_unregister_inner(CrCore *c, CrDriver *drv)
{
    while (drv->n_bound) {
        cr_release_driver(c, drv->bound[drv->n_bound - 1]);
    }
    cr_list_remove((void **)drv->bus->drvs, &drv->bus->n_drvs, drv);
    drv->registered = false;
    cr_log(c, "DRV_UNREG %s", drv->name);
}

int cr_driver_register(CrCore *c, CrDriver *drv)
{
    int r;

    cr_op_enter(c);
    r = cr_driver_register_inner(c, drv);
    cr_op_leave(c);
    return r;
}

void cr_driver_unregister(CrCore *c, CrDriver *drv)
{
    cr_op_enter(c);
    if (drv->registered) {
        cr_driver_unregister_inner(c, drv);
    }
    cr_op_leave(c);
}

/* ---- Unbind (2.8) ------------------------------------------------------ */

void cr_release_driver(CrCore *c, CrDevice *dev)
{
    CrDriver *drv = dev->driver;
    CrIommuDev *iommu = dev->iommu;
    CrGroup *group = dev->group;
    unsigned rounds = 0;

    if (!drv) {
        return;
    }
    while (cr_links_busy(c, dev)) {
        if (++rounds > CR_MAX_LINKS + 1) {
            cr_violation(c, "INV-12: %s stays busy with consumers", dev->name);
            break;
        }
        cr_links_unbind_consumers(c, dev);
    }
    cr_log(c, "UNBIND %s %s", dev->name, drv->name);
    if (drv->remove) {
        drv->remove(c, dev);
    }
    cr_dma_cleanup(c, dev);
    cr_links_driver_cleanup(c, dev);
    cr_list_remove((void **)drv->bound, &drv->n_bound, dev);
    dev->driver = NULL;
    if (dev->iommu != iommu || dev->group != group) {
        cr_violation(c, "INV-17: unbinding %s changed its IOMMU attachment",
                     dev->name);
    }
}

int cr_user_bind(CrCore *c, CrDriver *drv, CrDevice *dev)
{
    int r;

    cr_op_enter(c);
    if (!drv || !dev) {
        r = -CR_EINVAL;
    } else if (drv->suppress_bind_attrs) {
        r = -CR_EINVAL;              /* no bind file */
    } else if (!drv->registered || drv->bus != dev->bus || !dev->registered ||
               !cr_match(drv, dev)) {
        r = -CR_ENODEV;
    } else if (dev->driver) {
        r = -CR_EBUSY;
    } else {
        r = cr_really_probe(c, drv, dev);
        dev->tried_at_bind = c->bind_count;
        if (r > 0) {
            r = -r;
        }
        if (r == -CR_EPROBE_DEFER) {
            r = -CR_EAGAIN;
        }
    }
    cr_op_leave(c);
    return r;
}

int cr_user_unbind(CrCore *c, CrDevice *dev)
{
    int r = 0;

    cr_op_enter(c);
    if (!dev || !dev->driver) {
        r = -CR_ENODEV;
    } else if (dev->driver->suppress_bind_attrs) {
        r = -CR_EINVAL;              /* no unbind file (INV-22) */
    } else {
        cr_release_driver(c, dev);
    }
    cr_op_leave(c);
    return r;
}

/* ---- Devices (2.5) ----------------------------------------------------- */

int cr_device_add(CrCore *c, CrDevice *dev)
{
    CrBus *bus = dev ? dev->bus : NULL;

    if (!bus) {
        return -CR_EINVAL;
    }
    if (dev->registered) {
        return -CR_EEXIST;
    }
    cr_op_enter(c);
    dev->registered = true;
    dev->dead = false;
    dev->driver = NULL;
    dev->links_status = CR_DEV_NO_DRIVER;
    dev->can_match = false;
    dev->deferred = CR_DEFER_NONE;
    dev->dma_claimed = false;
    dev->tried_at_bind = c->bind_count;
    cr_list_append((void **)bus->devs, &bus->n_devs, CR_MAX_DEVICES, dev);
    cr_list_append((void **)c->dpm, &c->n_dpm, CR_MAX_DEVICES, dev);
    cr_log(c, "DEV_ADD %s", dev->name);
    cr_iommu_notify_add(c, dev);
    if (bus->autoprobe) {
        cr_device_initial_attach(c, dev);
    }
    cr_op_leave(c);
    return 0;
}

void cr_device_remove(CrCore *c, CrDevice *dev)
{
    if (!dev || !dev->registered) {
        return;
    }
    cr_op_enter(c);
    dev->dead = true;
    if (dev->driver) {
        cr_release_driver(c, dev);
    }
    cr_deferred_del(c, dev);
    cr_links_purge(c, dev);
    cr_iommu_release_device(c, dev);
    cr_list_remove((void **)dev->bus->devs, &dev->bus->n_devs, dev);
    cr_list_remove((void **)c->dpm, &c->n_dpm, dev);
    dev->registered = false;
    cr_log(c, "DEV_DEL %s", dev->name);
    cr_op_leave(c);
}
