/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The cross-check of core-ref against Linux (issue 11, spec 5.3): the
 * bring-up kit's guest scenarios (guest-images/linux/tests/7x-*.sh, run
 * by tests/test_bringup.py on Linux 6.1 and 6.12 behind arm-smmuv3-ext
 * and arm-smmuv2-ext) replayed on core-ref, with the guest's topology,
 * names and the kernel's profile flags, and each canonical state dump
 * compared with the one Linux printed at the same point.  Linux's dumps
 * are kept in core-ref/linux-states/<boot>/<point>.txt (the files
 * test_bringup writes to build/bringup-state/, which test_bringup also
 * compares with these, so they stay what Linux prints).
 */
#include <glib.h>
#include <string.h>

#include "cr.h"

/* ---- The guest: QEMU virt, DT, as tests/smmuext/guest.py builds it ----- */

typedef struct Guest {
    CrCore *c;
    bool v2;                         /* arm-smmuv2-ext: arm-smmu */
    const char *boot;                /* directory of Linux's dumps */
    CrBus *plat, *pci;
    CrModule *smmu_mod, *virtio_mod, *vfio_mod;
    CrIommuOps *ops;
    CrDriver *smmu_drv, *virtio, *vfio, *pcieport, *host_drv;
    CrDevice *smmu[2];
    CrIommu *inst[2];
    GPtrArray *points;               /* the points dumped, in order */
} Guest;

static int smmu_probe(CrCore *c, CrDevice *dev)
{
    return cr_iommu_register(c, cr_iommu_of_hw(c, dev));
}

static void smmu_remove(CrCore *c, CrDevice *dev)
{
    cr_iommu_unregister(c, cr_iommu_of_hw(c, dev));
}

/* SMMU n (0, 1) at 0x9100000 + n * 0x20000, as the guest sees it */
static void guest_smmu(Guest *g, unsigned n)
{
    unsigned base = 0x9100000 + n * 0x20000;
    char dev[CR_NAME], inst[CR_NAME], fw[CR_NAME];

    g_snprintf(dev, sizeof(dev), "%x.%s", base, g->v2 ? "iommu" : "smmuv3");
    g_snprintf(inst, sizeof(inst), "%s.0x%016x", g->v2 ? "smmu" : "smmu3",
               base);
    g_snprintf(fw, sizeof(fw), "smmu@%x", base);
    g->smmu[n] = cr_device_new(g->c, g->plat, dev, "smmu", NULL);
    g->inst[n] = cr_iommu_new(g->c, inst, fw, g->ops, g->smmu[n]);
    g_assert_cmpint(cr_device_add(g->c, g->smmu[n]), ==, 0);
}

/* A PCI function behind SMMU @n; @alias: its DMA alias (no ACS) */
static CrDevice *guest_pci(Guest *g, const char *bdf, unsigned n,
                           const char *compat, const char *alias,
                           CrDevice *host)
{
    CrDevice *d = cr_device_new(g->c, g->pci, bdf, compat, host);

    cr_device_set_fw(d, g->inst[n]->fwnode, 0);
    g_strlcpy(d->alias, alias ? alias : bdf, sizeof(d->alias));
    g_assert_cmpint(cr_device_add(g->c, d), ==, 0);
    return d;
}

static CrDevice *guest_host(Guest *g, const char *name)
{
    CrDevice *h = cr_device_new(g->c, g->plat, name, "pci-host", NULL);

    g_assert_cmpint(cr_device_add(g->c, h), ==, 0);
    return h;
}

/*
 * Up to /init: the built-in drivers (pcieport, pci-host-generic), the
 * SMMU device(s) from the device tree, the host bridge.  The PCI
 * functions come next (guest_boot_modules() after them).
 */
static Guest *guest_new(bool v2, const char *kernel, const char *boot)
{
    Guest *g = g_new0(Guest, 1);
    CrCore *c = g->c = g_malloc0(sizeof(CrCore));

    cr_core_init(c, g_str_equal(kernel, "6.1") ? CR_PROFILE_LINUX_6_1
                                                : CR_PROFILE_LINUX_6_12);
    g->v2 = v2;
    g->boot = boot;
    g->points = g_ptr_array_new_with_free_func(g_free);
    g->plat = cr_bus_new(c, "platform");
    g->pci = cr_bus_new(c, "pci");
    g->smmu_mod = cr_module_new(c, v2 ? "arm_smmu" : "arm_smmu_v3");
    g->ops = cr_ops_new(c, v2 ? "arm_smmu_ops" : "arm_smmu_v3_ops",
                        g->smmu_mod, CR_GROUP_PCI_TOPOLOGY, CR_DOM_DMA);
    g->ops->add_links = v2;
    g->smmu_drv = cr_driver_new(c, g->plat, v2 ? "arm-smmu" : "arm-smmu-v3",
                                "smmu", g->smmu_mod);
    g->smmu_drv->suppress_bind_attrs = true;
    g->smmu_drv->probe = smmu_probe;
    g->smmu_drv->remove = smmu_remove;
    g->virtio_mod = cr_module_new(c, "virtio_pci");
    g->virtio = cr_driver_new(c, g->pci, "virtio-pci", "virtio",
                              g->virtio_mod);
    g->vfio_mod = cr_module_new(c, "vfio_pci");
    g->vfio = cr_driver_new(c, g->pci, "vfio-pci", NULL, g->vfio_mod);
    g->vfio->driver_managed_dma = true;
    /* built in; drivers/pci/pcie/ links before drivers/pci/controller/ */
    g->pcieport = cr_driver_new(c, g->pci, "pcieport", "pcieport", NULL);
    g->pcieport->driver_managed_dma = true;
    g->host_drv = cr_driver_new(c, g->plat, "pci-host-generic", "pci-host",
                                NULL);
    g_assert_cmpint(cr_driver_register(c, g->pcieport), ==, 0);
    g_assert_cmpint(cr_driver_register(c, g->host_drv), ==, 0);
    return g;
}

static void guest_free(Guest *g)
{
    g_ptr_array_unref(g->points);
    g_free(g->c);
    g_free(g);
}

/* /init: the SMMU module first unless left for the test, then the rest */
static void guest_boot_modules(Guest *g, bool smmu)
{
    if (smmu) {
        g_assert_cmpint(cr_module_load(g->c, g->smmu_mod), ==, 0);
    }
    g_assert_cmpint(cr_module_load(g->c, g->virtio_mod), ==, 0);
    g_assert_cmpint(cr_module_load(g->c, g->vfio_mod), ==, 0);
}

/* state_dump <point>: the dump must be Linux's at the same point. */
static void point(Guest *g, const char *name)
{
    g_autofree char *file = g_strconcat(name, ".txt", NULL);
    g_autofree char *path = g_test_build_filename(
        G_TEST_DIST, "linux-states", g->boot, file, NULL);
    g_autofree char *want = NULL;
    char got[8192];

    cr_dump_state(g->c, g->smmu_mod->name, got, sizeof(got));
    g_ptr_array_add(g->points, g_strdup(name));
    if (!g_file_get_contents(path, &want, NULL, NULL)) {
        g_printerr("no Linux dump %s; core-ref dumps:\n%s", path, got);
        g_test_fail();
        return;
    }
    if (strcmp(got, want)) {
        g_printerr("%s/%s: core-ref differs from Linux\n--- Linux\n%s"
                   "--- core-ref\n%s", g->boot, name, want, got);
        g_test_fail();
    }
    g_assert_cmpstr(cr_violations(g->c), ==, "");
}

/* Every dump Linux printed in that boot was compared. */
static void all_points_seen(Guest *g)
{
    g_autofree char *dir = g_test_build_filename(G_TEST_DIST, "linux-states",
                                                 g->boot, NULL);
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *f;
    unsigned n = 0, i;

    g_assert_nonnull(d);
    while ((f = g_dir_read_name(d))) {
        g_autofree char *pt = g_strndup(f, strlen(f) - strlen(".txt"));
        bool seen = false;

        for (i = 0; i < g->points->len; i++) {
            seen |= g_str_equal(g->points->pdata[i], pt);
        }
        if (!seen) {
            g_printerr("%s: Linux dumped %s, core-ref did not\n", g->boot, pt);
            g_test_fail();
        }
        n++;
    }
    g_dir_close(d);
    g_assert_cmpuint(n, ==, g->points->len);
}

static char *boot_name(const char *scenario, bool v2, bool per_smmu,
                       const char *kernel)
{
    return g_strdup_printf("bringup-%s%s%s", scenario,
                           per_smmu ? (v2 ? "-smmuv2-ext" : "-smmuv3-ext")
                                    : "",
                           g_str_equal(kernel, "6.1") ? "" : "-linux6.12");
}

/* The one-SMMU guest: host bridge 00:00.0, disk 00:01.0, NIC 00:02.0 */
static CrDevice *one_smmu_guest(Guest *g, bool smmu_loaded, CrDevice **nic)
{
    CrDevice *host, *disk;

    guest_smmu(g, 0);
    host = guest_host(g, "4010000000.pcie");
    guest_pci(g, "0000:00:00.0", 0, "", NULL, host);
    disk = guest_pci(g, "0000:00:01.0", 0, "virtio", NULL, host);
    *nic = guest_pci(g, "0000:00:02.0", 0, "virtio", NULL, host);
    guest_boot_modules(g, smmu_loaded);
    return disk;
}

/* ---- 70-module-lifecycle.sh --------------------------------------------- */

static void lifecycle(gconstpointer data)
{
    const char *const *p = data;
    bool v2 = g_str_equal(p[0], "v2");
    g_autofree char *boot = boot_name("lifecycle", v2, true, p[1]);
    Guest *g = guest_new(v2, p[1], boot);
    CrCore *c = g->c;
    CrDevice *nic, *disk = one_smmu_guest(g, false, &nic);
    CrGroup *dg;
    int busy = g_str_equal(p[1], "6.1") ? -CR_EBUSY : -CR_EPERM;

    point(g, "before-load");
    g_assert_cmpint(cr_module_load(c, g->smmu_mod), ==, 0);
    point(g, "loaded");
    dg = disk->group;
    g_assert_cmpint(cr_store_type(c, dg, CR_DOM_IDENTITY), ==, busy);
    g_assert_cmpint(cr_module_unload(c, g->smmu_mod, 0), ==,
                    -CR_EWOULDBLOCK);
    point(g, "rmmod-refused");
    g_assert_cmpint(cr_user_unbind(c, disk), ==, 0);
    g_assert_cmpint(cr_user_unbind(c, nic), ==, 0);
    point(g, "drivers-unbound");
    g_assert_cmpint(cr_store_type(c, dg, CR_DOM_IDENTITY), ==, 0);
    cr_device_remove(c, disk);
    cr_device_remove(c, nic);
    g_assert_cmpint(g->smmu_mod->refcnt, ==, 0);
    g_assert_cmpint(cr_module_unload(c, g->smmu_mod, 0), ==, 0);
    point(g, "unloaded");
    g_assert_cmpint(cr_module_load(c, g->smmu_mod), ==, 0);
    g_assert_cmpint(cr_device_add(c, disk), ==, 0);      /* the rescan */
    g_assert_cmpint(cr_device_add(c, nic), ==, 0);
    point(g, "reloaded");
    all_points_seen(g);
    guest_free(g);
}

/* ---- 72-forced-unload.sh and 76-supplier-unbind.sh ---------------------- */

static void forced_unload(gconstpointer data)
{
    const char *const *p = data;
    bool v2 = g_str_equal(p[0], "v2");
    g_autofree char *boot = boot_name(v2 ? "supplier-unbind"
                                         : "forced-unload", v2, false, p[1]);
    Guest *g = guest_new(v2, p[1], boot);
    CrDevice *nic, *disk = one_smmu_guest(g, true, &nic);

    point(g, "before");
    g_assert_cmpint(cr_module_unload(g->c, g->smmu_mod, CR_UNLOAD_FORCE), ==,
                    0);
    point(g, "after");
    /* v3: the endpoints keep their driver; v2: the links unbound them */
    g_assert_true(v2 ? !disk->driver && !nic->driver
                     : disk->driver == g->virtio && nic->driver == g->virtio);
    all_points_seen(g);
    guest_free(g);
}

/* ---- 74-two-instances.sh ------------------------------------------------ */

static void two_instances(gconstpointer data)
{
    const char *const *p = data;
    bool v2 = g_str_equal(p[0], "v2");
    g_autofree char *boot = boot_name("two-instances", v2, true, p[1]);
    Guest *g = guest_new(v2, p[1], boot);
    CrCore *c = g->c;
    CrDevice *host0, *host1, *disk0, *port, *disk1;

    guest_smmu(g, 0);
    guest_smmu(g, 1);
    host0 = guest_host(g, "4010000000.pcie");
    host1 = guest_host(g, "4018000000.pcie");
    guest_pci(g, "0000:00:00.0", 0, "", NULL, host0);
    disk0 = guest_pci(g, "0000:00:01.0", 0, "virtio", NULL, host0);
    guest_pci(g, "0000:00:02.0", 0, "", NULL, host0);   /* the pxb-pcie */
    port = guest_pci(g, "0001:80:00.0", 1, "pcieport", "0001:80", host1);
    disk1 = guest_pci(g, "0001:81:00.0", 1, "virtio", "0001:80", port);
    guest_boot_modules(g, false);
    g_assert_cmpint(cr_module_load(c, g->smmu_mod), ==, 0);
    point(g, "loaded");
    g_assert_cmpint(cr_user_unbind(c, g->smmu[1]), ==, -CR_EINVAL);
    cr_device_remove(c, disk1);      /* the bridge's subordinates first */
    cr_device_remove(c, port);
    cr_device_remove(c, disk0);
    g_assert_cmpint(cr_module_unload(c, g->smmu_mod, 0), ==, 0);
    point(g, "after-rmmod");
    all_points_seen(g);
    guest_free(g);
}

/* ---- 77-dma-ownership.sh ------------------------------------------------ */

static void dma_ownership(gconstpointer data)
{
    const char *const *p = data;
    bool v2 = g_str_equal(p[0], "v2");
    g_autofree char *boot = boot_name("dma-ownership", v2, true, p[1]);
    Guest *g = guest_new(v2, p[1], boot);
    CrCore *c = g->c;
    CrDevice *host, *td, *disk;
    int type_err = g_str_equal(p[1], "6.1") ? -CR_EINVAL : -CR_EPERM;

    guest_smmu(g, 0);
    host = guest_host(g, "4010000000.pcie");
    guest_pci(g, "0000:00:00.0", 0, "", NULL, host);
    td = guest_pci(g, "0000:00:03.0", 0, "testdev", "0000:00:03", host);
    disk = guest_pci(g, "0000:00:03.1", 0, "virtio", "0000:00:03", host);
    guest_boot_modules(g, true);
    g_strlcpy(td->override, "vfio-pci", sizeof(td->override));
    g_assert_cmpint(cr_user_bind(c, g->vfio, td), ==, 0);
    g_assert_true(td->group && td->group == disk->group);
    g_assert_cmpint(cr_group_claim(c, td->group, "vfio-dma"), ==, -CR_EPERM);
    point(g, "not-viable");
    g_assert_cmpint(cr_user_unbind(c, disk), ==, 0);
    g_strlcpy(disk->override, "vfio-pci", sizeof(disk->override));
    g_assert_cmpint(cr_user_bind(c, g->vfio, disk), ==, 0);
    g_assert_cmpint(cr_group_claim(c, td->group, "vfio-dma"), ==, 0);
    point(g, "owned");
    g_assert_cmpint(cr_store_type(c, td->group, CR_DOM_IDENTITY), ==,
                    type_err);
    g_assert_cmpint(cr_user_unbind(c, disk), ==, 0);
    disk->override[0] = '\0';
    g_assert_cmpint(cr_user_bind(c, g->virtio, disk), ==, -CR_EBUSY);
    cr_group_release(c, td->group);
    g_assert_cmpint(cr_user_bind(c, g->virtio, disk), ==, 0);
    point(g, "released");
    g_assert_cmpint(cr_store_type(c, td->group, CR_DOM_IDENTITY), ==,
                    type_err);
    all_points_seen(g);
    guest_free(g);
}

int main(int argc, char **argv)
{
    static const char *const params[][2] = {
        { "v3", "6.1" }, { "v3", "6.12" }, { "v2", "6.1" }, { "v2", "6.12" },
    };
    static const struct {
        const char *name;
        GTestDataFunc fn;
        const char *smmus;           /* which SMMUs Linux ran it on */
    } scenarios[] = {
        { "lifecycle", lifecycle, "v3 v2" },
        { "forced-unload", forced_unload, "v3" },
        { "supplier-unbind", forced_unload, "v2" },
        { "two-instances", two_instances, "v3 v2" },
        { "dma-ownership", dma_ownership, "v3 v2" },
    };
    size_t s, i;

    g_test_init(&argc, &argv, NULL);
    for (s = 0; s < G_N_ELEMENTS(scenarios); s++) {
        for (i = 0; i < G_N_ELEMENTS(params); i++) {
            g_autofree char *path = NULL;

            if (!strstr(scenarios[s].smmus, params[i][0])) {
                continue;
            }
            path = g_strdup_printf("/core-ref/linux/%s/smmu%s/linux-%s",
                                   scenarios[s].name, params[i][0],
                                   params[i][1]);
            g_test_add_data_func(path, params[i], scenarios[s].fn);
        }
    }
    return g_test_run();
}
