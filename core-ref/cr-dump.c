/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The canonical state dump (spec 5.3): the lines the guest script
 * dump-iommu-state.sh prints from sysfs, here from core-ref's state, so
 * that a scenario run by core-ref and by a Linux guest (the bring-up
 * kit's state_dump, guest-images/linux/testlib.sh) can be diffed.  The
 * bring-up kit's filter of platform devices also takes "iommu" (an
 * SMMUv2's device is 9100000.iommu); so does this one.
 */
#include "cr-internal.h"

#define CR_DUMP_LINE 512

/* Sort @n strings in place (strcmp order, as sort(1) in the C locale). */
static void cr_sort(const char **s, unsigned n)
{
    unsigned i, j;

    for (i = 1; i < n; i++) {
        const char *v = s[i];

        for (j = i; j > 0 && cr_strcmp(s[j - 1], v) > 0; j--) {
            s[j] = s[j - 1];
        }
        s[j] = v;
    }
}

/* @names joined with ',' into @out, or "-" when there are none. */
static void cr_join(const char **names, unsigned n, char *out, size_t size)
{
    CrText t = { out, size, 0 };
    unsigned i;

    out[0] = '\0';
    cr_sort(names, n);
    for (i = 0; i < n; i++) {
        cr_text_add(&t, "%s%s", i ? "," : "", names[i]);
    }
    if (!n) {
        cr_text_add(&t, "-");
    }
}

static const char *cr_initstate(CrModState s)
{
    return s == CR_MOD_LIVE ? "live" : s == CR_MOD_COMING ? "coming"
                                                          : "going";
}

static const CrModule *cr_module_by_name(const CrCore *c, const char *name)
{
    unsigned i;

    for (i = 0; i < CR_MAX_MODULES; i++) {
        if (c->modules[i].in_use && cr_streq(c->modules[i].name, name)) {
            return &c->modules[i];
        }
    }
    return NULL;
}

static void cr_dump_module(const CrCore *c, const char *name, CrText *t)
{
    const CrModule *m = cr_module_by_name(c, name);
    const CrModule *holders[CR_MAX_MODULES];
    const char *names[CR_MAX_MODULES];
    char joined[CR_DUMP_LINE];
    unsigned i, n;

    if (!m || m->state == CR_MOD_UNLOADED) {
        cr_text_add(t, "MODULE %s state=unloaded\n", name);
        return;
    }
    n = cr_module_holders(c, m, holders, CR_MAX_MODULES);
    for (i = 0; i < n && i < CR_MAX_MODULES; i++) {
        names[i] = holders[i]->name;
    }
    cr_join(names, i, joined, sizeof(joined));
    cr_text_add(t, "MODULE %s state=%s refcnt=%d holders=%s\n", name,
                cr_initstate(m->state), m->refcnt, joined);
}

static void cr_dump_iommus(const CrCore *c, CrText *t)
{
    const char *order[CR_MAX_IOMMUS];
    const char *members[CR_MAX_DEVICES];
    char joined[CR_DUMP_LINE];
    unsigned i, k, n = 0, m;

    for (i = 0; i < c->n_iommu_list; i++) {
        order[n++] = c->iommu_list[i]->name;
    }
    cr_sort(order, n);
    for (i = 0; i < n; i++) {
        const CrIommu *inst = NULL;

        for (k = 0; k < c->n_iommu_list; k++) {
            if (c->iommu_list[k]->name == order[i]) {
                inst = c->iommu_list[k];
            }
        }
        for (k = 0, m = 0; k < CR_MAX_DEVICES; k++) {
            const CrDevice *d = &c->devices[k];

            if (d->in_use && d->iommu && d->iommu->inst == inst) {
                members[m++] = d->name;
            }
        }
        cr_join(members, m, joined, sizeof(joined));
        cr_text_add(t, "IOMMU %s hw=%s members=%s\n", inst->name,
                    inst->hwdev ? inst->hwdev->name : "-", joined);
    }
}

/* GROUP G<n> lines: "members type id" sorted, then numbered (5.3). */
static void cr_dump_groups(const CrCore *c, CrText *t)
{
    static char lines[CR_MAX_GROUPS][CR_DUMP_LINE];
    const char *order[CR_MAX_GROUPS];
    const char *members[CR_MAX_DEVICES];
    char joined[CR_DUMP_LINE];
    unsigned i, k, n = 0;

    for (i = 0; i < CR_MAX_GROUPS; i++) {
        const CrGroup *g = &c->groups[i];

        if (!g->in_use) {
            continue;
        }
        for (k = 0; k < g->n_devs; k++) {
            members[k] = g->devs[k]->name;
        }
        cr_join(members, g->n_devs, joined, sizeof(joined));
        cr_fmt(lines[n], sizeof(lines[n]), "%s %s %d",
               g->n_devs ? joined : "",
               g->default_domain ? cr_dom_type_name(g->type) : "unknown",
               g->id);
        order[n] = lines[n];
        n++;
    }
    cr_sort(order, n);
    for (i = 0; i < n; i++) {
        /* split "members type id" back into its fields */
        const char *p = order[i], *type, *id;
        char mem[CR_DUMP_LINE], ty[CR_NAME];
        size_t len;

        for (type = p; *type && *type != ' '; type++) {
        }
        len = (size_t)(type - p);
        cr_strlcpy(mem, p, len + 1 < sizeof(mem) ? len + 1 : sizeof(mem));
        type++;
        for (id = type; *id && *id != ' '; id++) {
        }
        len = (size_t)(id - type);
        cr_strlcpy(ty, type, len + 1 < sizeof(ty) ? len + 1 : sizeof(ty));
        cr_text_add(t, "GROUP G%u type=%s members=%s id=%s\n", i, ty, mem,
                    *id ? id + 1 : "");
    }
}

static bool cr_dump_takes(const CrBus *bus, const CrDevice *d)
{
    if (cr_streq(bus->name, "pci")) {
        return true;
    }
    return cr_strstr(d->name, "smmu") || cr_strstr(d->name, "pcie") ||
           cr_strstr(d->name, "iommu");
}

static void cr_dump_devices(const CrCore *c, const char *busname, CrText *t)
{
    const CrBus *bus = NULL;
    const char *order[CR_MAX_DEVICES];
    unsigned i, k, n = 0;

    for (i = 0; i < c->n_buses; i++) {
        if (cr_streq(c->buses[i].name, busname)) {
            bus = &c->buses[i];
        }
    }
    if (!bus) {
        return;
    }
    for (i = 0; i < bus->n_devs; i++) {
        order[n++] = bus->devs[i]->name;
    }
    cr_sort(order, n);
    for (i = 0; i < n; i++) {
        const CrDevice *d = NULL;
        const CrIommu *hw;
        char grp[16];

        for (k = 0; k < bus->n_devs; k++) {
            if (bus->devs[k]->name == order[i]) {
                d = bus->devs[k];
            }
        }
        if (!cr_dump_takes(bus, d)) {
            continue;
        }
        hw = cr_iommu_of_hw((CrCore *)c, d);
        if (d->group) {
            cr_fmt(grp, sizeof(grp), "%d", d->group->id);
        } else {
            cr_strlcpy(grp, "-", sizeof(grp));
        }
        cr_text_add(t, "DEV %s:%s driver=%s group_id=%s iommu=%s\n",
                    busname, d->name,
                    cr_device_is_bound(d) ? d->driver->name : "-", grp,
                    d->iommu ? d->iommu->inst->name
                    : hw && hw->registered ? "" : "-");
    }
}

static const char *cr_auto_remove_on(unsigned flags)
{
    if (flags & CR_DL_AUTOREMOVE_SUPPLIER) {
        return "supplier unbind";
    }
    return flags & CR_DL_AUTOREMOVE_CONSUMER ? "consumer unbind" : "never";
}

static void cr_dump_links(const CrCore *c, CrText *t)
{
    static char lines[CR_MAX_LINKS][CR_DUMP_LINE];
    const char *order[CR_MAX_LINKS];
    unsigned i, n = 0;

    for (i = 0; i < c->n_links; i++) {
        const CrLink *l = c->link_order[i];

        cr_fmt(lines[n], sizeof(lines[n]), "LINK %s:%s--%s:%s status=%s "
               "auto_remove_on=%s runtime_pm=%d sync_state_only=%d",
               l->sup->bus->name, l->sup->name, l->con->bus->name,
               l->con->name, cr_link_status_name(l->status),
               cr_auto_remove_on(l->flags), !!(l->flags & CR_DL_PM_RUNTIME),
               !!(l->flags & CR_DL_SYNC_STATE_ONLY));
        if (cr_strstr(lines[n], "smmu") || cr_strstr(lines[n], "pci")) {
            order[n] = lines[n];
            n++;
        }
    }
    cr_sort(order, n);
    for (i = 0; i < n; i++) {
        cr_text_add(t, "%s\n", order[i]);
    }
}

static void cr_dump_deferred(const CrCore *c, CrText *t)
{
    const char *order[CR_MAX_DEVICES];
    unsigned i;

    for (i = 0; i < c->n_pending; i++) {
        order[i] = c->pending[i]->name;
    }
    cr_sort(order, c->n_pending);
    for (i = 0; i < c->n_pending; i++) {
        cr_text_add(t, "DEFERRED %s\n", order[i]);
    }
}

size_t cr_dump_state(const CrCore *c, const char *module, char *buf,
                     size_t size)
{
    CrText t = { buf, size, 0 };
    unsigned i;

    if (size) {
        buf[0] = '\0';
    }
    for (i = 0; !module && i < CR_MAX_OPS; i++) {
        if (c->ops[i].in_use && c->ops[i].owner) {
            module = c->ops[i].owner->name;
        }
    }
    cr_dump_module(c, module ? module : "-", &t);
    cr_dump_iommus(c, &t);
    cr_dump_groups(c, &t);
    cr_dump_devices(c, "platform", &t);
    cr_dump_devices(c, "pci", &t);
    cr_dump_links(c, &t);
    cr_dump_deferred(c, &t);
    return t.len;
}
