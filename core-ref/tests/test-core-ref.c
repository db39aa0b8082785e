/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The scenarios of ../shared/spec/core-ref.md section 4 (SCN-1..39) on
 * the host build of core-ref, each a test case.  Expected log lines,
 * counts and errors are the spec's, written out; the invariant checker
 * runs after every operation and a scenario passes only with no
 * violation (except SCN-8, which exists to show the checker catching
 * F_LEGACY_BUS_CLEANUP).
 */
#include <glib.h>
#include <string.h>

#include "cr.h"

/* ---- The common fixture (spec section 4) ------------------------------- */

typedef struct Fx {
    CrCore *c;
    CrBus *plat, *pci;
    CrModule *smmu3, *epmod, *vfiomod;
    CrDriver *smmu_drv, *epdrv, *vfiodrv;
    CrIommuOps *s3ops;
    CrDevice *smmuA, *smmuB;
    CrIommu *A, *B;
    CrDevice *e[10];                 /* e[1] .. e[9] */
    unsigned warnings;               /* WARN lines the scenario expects */
} Fx;

/* arm-smmu-v3's probe and remove: register / unregister the instance. */
static int smmu_probe(CrCore *c, CrDevice *dev)
{
    CrIommu *inst = cr_iommu_of_hw(c, dev);

    return inst ? cr_iommu_register(c, inst) : -CR_ENODEV;
}

static void smmu_remove(CrCore *c, CrDevice *dev)
{
    CrIommu *inst = cr_iommu_of_hw(c, dev);

    if (inst) {
        cr_iommu_unregister(c, inst);
    }
}

static CrDevice *fx_endpoint(Fx *f, unsigned n, const char *fwnode)
{
    char name[8];
    CrDevice *d;

    g_snprintf(name, sizeof(name), "e%u", n);
    d = cr_device_new(f->c, f->pci, name, "ep", NULL);
    if (fwnode) {
        cr_device_set_fw(d, fwnode, n);
    }
    g_strlcpy(d->alias, name, sizeof(d->alias));   /* own alias key */
    f->e[n] = d;
    return d;
}

static Fx *fx_new(unsigned flags)
{
    Fx *f = g_new0(Fx, 1);
    CrCore *c = f->c = g_malloc0(sizeof(CrCore));
    unsigned n;

    cr_core_init(c, flags);
    f->plat = cr_bus_new(c, "platform");
    f->pci = cr_bus_new(c, "pci");
    f->smmu3 = cr_module_new(c, "smmu3");
    f->s3ops = cr_ops_new(c, "S3ops", f->smmu3, CR_GROUP_PCI_TOPOLOGY,
                          CR_DOM_DMA);
    f->smmu_drv = cr_driver_new(c, f->plat, "arm-smmu-v3", "arm,smmu-v3",
                                f->smmu3);
    f->smmu_drv->suppress_bind_attrs = true;
    f->smmu_drv->probe = smmu_probe;
    f->smmu_drv->remove = smmu_remove;
    f->epmod = cr_module_new(c, "epmod");
    f->epdrv = cr_driver_new(c, f->pci, "epdrv", "ep", f->epmod);
    f->vfiomod = cr_module_new(c, "vfiomod");
    f->vfiodrv = cr_driver_new(c, f->pci, "vfiodrv", NULL, f->vfiomod);
    f->vfiodrv->driver_managed_dma = true;
    f->smmuA = cr_device_new(c, f->plat, "smmuA", "arm,smmu-v3", NULL);
    f->smmuB = cr_device_new(c, f->plat, "smmuB", "arm,smmu-v3", NULL);
    f->A = cr_iommu_new(c, "A", "FA", f->s3ops, f->smmuA);
    f->B = cr_iommu_new(c, "B", "FB", f->s3ops, f->smmuB);
    for (n = 1; n <= 6; n++) {
        fx_endpoint(f, n, n <= 3 ? "FA" : "FB");
    }
    return f;
}

/* CORE_REF_LOG=1: print each scenario's event log (docs/core-ref.md) */
static void fx_free(Fx *f)
{
    if (g_getenv("CORE_REF_LOG")) {
        g_printerr("---- %s\n%s", g_test_get_path(), cr_log_text(f->c));
    }
    g_free(f->c);
    g_free(f);
}

static void fx_clear_log(Fx *f)
{
    if (g_getenv("CORE_REF_WARNINGS")) {
        const char *p = strstr(cr_log_text(f->c), "WARN ");

        for (; p; p = strstr(p + 1, "\nWARN ")) {
            g_printerr("%.60s\n", p);
        }
    }
    cr_log_clear(f->c);
}

/* The log holds @lines, in this order (other lines may come between). */
static void expect_seq_(Fx *f, const char *const *lines, const char *where)
{
    unsigned i;

    if (cr_log_has_seq(f->c, lines)) {
        return;
    }
    g_printerr("%s: the log lacks this sequence:\n", where);
    for (i = 0; lines[i]; i++) {
        g_printerr("  %s\n", lines[i]);
    }
    g_printerr("log:\n%s", cr_log_text(f->c));
    g_test_fail();
}
#define EXPECT_SEQ(f, ...) \
    expect_seq_((f), (const char *const[]){ __VA_ARGS__, NULL }, G_STRLOC)

static void expect_no_line(Fx *f, const char *line)
{
    if (cr_log_count(f->c, line)) {
        g_printerr("unexpected log line \"%s\":\n%s", line,
                   cr_log_text(f->c));
        g_test_fail();
    }
}

/* @n more WARN lines are expected (each checked by EXPECT_SEQ too) */
static void expect_warnings(Fx *f, unsigned n)
{
    f->warnings += n;
}

/* No invariant was violated so far, and no WARN came unexpected. */
static void expect_clean(Fx *f)
{
    g_assert_cmpstr(cr_violations(f->c), ==, "");
    g_assert_cmpuint(f->c->warnings, ==, f->warnings);
}

static int group_of(const CrDevice *d)
{
    return d->group ? d->group->id : -1;
}

static void load(Fx *f, CrModule *m)
{
    g_assert_cmpint(cr_module_load(f->c, m), ==, 0);
}

static void add(Fx *f, CrDevice *d)
{
    g_assert_cmpint(cr_device_add(f->c, d), ==, 0);
}

/* SCN-1's final state: smmuA bound, e1 and e2 attached and bound. */
static void fx_scn1(Fx *f)
{
    add(f, f->smmuA);
    load(f, f->smmu3);
    load(f, f->epmod);
    add(f, f->e[1]);
    add(f, f->e[2]);
}

/* ---- Registration and replay ------------------------------------------- */

static void scn1_run(unsigned flags)
{
    Fx *f = fx_new(flags);

    add(f, f->smmuA);
    load(f, f->smmu3);
    EXPECT_SEQ(f, "IOMMU_REG A", "BOUND smmuA arm-smmu-v3", "MOD smmu3 LIVE");
    g_assert_cmpint(f->smmu3->refcnt, ==, 0);
    load(f, f->epmod);
    fx_clear_log(f);
    add(f, f->e[1]);
    if (flags & CR_F_ATTACH_AT_ADD) {
        EXPECT_SEQ(f, "MODREF smmu3 +1 =1", "IOMMU_PROBE e1 A", "GRP_NEW 0",
                   "GRP_ADD 0 e1", "DOM 0 default", "PROBE e1 epdrv",
                   "OWN 0 cnt=1 owner=-", "BOUND e1 epdrv", "TRIGGER");
    } else {
        EXPECT_SEQ(f, "PROBE e1 epdrv", "MODREF smmu3 +1 =1",
                   "IOMMU_PROBE e1 A", "GRP_NEW 0", "GRP_ADD 0 e1",
                   "DOM 0 default", "OWN 0 cnt=1 owner=-", "BOUND e1 epdrv",
                   "TRIGGER");
    }
    fx_clear_log(f);
    add(f, f->e[2]);
    EXPECT_SEQ(f, "IOMMU_PROBE e2 A", "GRP_NEW 1", "GRP_ADD 1 e2",
               "OWN 1 cnt=1 owner=-", "BOUND e2 epdrv");
    g_assert_cmpint(f->smmu3->refcnt, ==, 2);
    g_assert_cmpint(group_of(f->e[1]), ==, 0);
    g_assert_cmpint(group_of(f->e[2]), ==, 1);
    g_assert_cmpint(f->e[1]->group->owner_cnt, ==, 1);
    g_assert_cmpint(f->e[2]->group->owner_cnt, ==, 1);
    expect_clean(f);
    fx_free(f);
}

static void test_scn1(void)
{
    scn1_run(CR_FLAGS_DEFAULT);
}

static void test_scn1_no_attach_at_add(void)
{
    scn1_run(CR_FLAGS_DEFAULT & ~CR_F_ATTACH_AT_ADD);
}

/* SCN-2's set-up: the endpoints and their driver before the IOMMU. */
static void fx_scn2_setup(Fx *f)
{
    add(f, f->smmuA);
    load(f, f->epmod);
    add(f, f->e[1]);
    add(f, f->e[2]);
    add(f, f->e[3]);
}

static void scn2_run(unsigned flags)
{
    Fx *f = fx_new(flags);
    CrCore *c = f->c;

    fx_scn2_setup(f);
    EXPECT_SEQ(f, "DEFER e1 iommu:FA", "DEFER e2 iommu:FA",
               "DEFER e3 iommu:FA");
    g_assert_cmpuint(c->n_pending, ==, 3);
    g_assert_true(c->pending[0] == f->e[1] && c->pending[1] == f->e[2] &&
                  c->pending[2] == f->e[3]);
    g_assert_null(f->e[1]->driver);
    g_assert_cmpuint(c->alloc.live_groups, ==, 0);
    g_assert_cmpint(f->smmu3->state, ==, CR_MOD_UNLOADED);
    fx_clear_log(f);
    load(f, f->smmu3);
    if (flags & CR_F_ATTACH_AT_ADD) {
        EXPECT_SEQ(f, "MOD smmu3 COMING", "PROBE smmuA arm-smmu-v3",
                   "IOMMU_REG A", "IOMMU_PROBE e1 A", "IOMMU_PROBE e2 A",
                   "IOMMU_PROBE e3 A", "DOM 0 default", "DOM 1 default",
                   "DOM 2 default", "BOUND smmuA arm-smmu-v3", "TRIGGER",
                   "MOD smmu3 LIVE", "PROBE e1 epdrv", "OWN 0 cnt=1 owner=-",
                   "BOUND e1 epdrv", "TRIGGER", "PROBE e2 epdrv",
                   "BOUND e2 epdrv", "TRIGGER", "PROBE e3 epdrv",
                   "BOUND e3 epdrv");
    } else {
        EXPECT_SEQ(f, "MOD smmu3 COMING", "IOMMU_REG A",
                   "BOUND smmuA arm-smmu-v3", "TRIGGER", "MOD smmu3 LIVE",
                   "PROBE e1 epdrv", "IOMMU_PROBE e1 A", "BOUND e1 epdrv",
                   "PROBE e2 epdrv", "IOMMU_PROBE e2 A", "BOUND e2 epdrv",
                   "PROBE e3 epdrv", "IOMMU_PROBE e3 A", "BOUND e3 epdrv");
    }
    g_assert_cmpint(f->smmu3->refcnt, ==, 3);
    g_assert_cmpuint(c->alloc.live_groups, ==, 3);
    g_assert_cmpuint(c->n_pending, ==, 0);
    expect_clean(f);
    fx_free(f);
}

static void test_scn2(void)
{
    scn2_run(CR_FLAGS_DEFAULT);
}

static void test_scn2_no_attach_at_add(void)
{
    scn2_run(CR_FLAGS_DEFAULT & ~CR_F_ATTACH_AT_ADD);
}

static void test_scn3(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT);
    CrDevice *e7 = fx_endpoint(f, 7, "FA");
    CrDevice *e8 = fx_endpoint(f, 8, NULL);

    e7->fw.disabled = true;
    add(f, f->smmuA);
    load(f, f->epmod);
    add(f, e7);
    add(f, e8);
    g_assert_true(e7->driver == f->epdrv && e8->driver == f->epdrv);
    g_assert_null(e7->group);
    g_assert_null(e8->group);
    g_assert_false(e7->dma_claimed || e8->dma_claimed);
    load(f, f->smmu3);
    g_assert_true(f->A->registered);
    g_assert_null(e7->iommu);
    g_assert_null(e8->iommu);
    expect_clean(f);
    fx_free(f);
}

static void scn4_run(unsigned flags)
{
    Fx *f = fx_new(flags | CR_F_DEFER_TIMEOUT);

    fx_scn2_setup(f);
    fx_clear_log(f);
    cr_defer_timeout_fire(f->c);
    EXPECT_SEQ(f, "WARN DEFER_TIMEOUT e1", "BOUND e1 epdrv",
               "WARN DEFER_TIMEOUT e2", "BOUND e2 epdrv",
               "WARN DEFER_TIMEOUT e3", "BOUND e3 epdrv");
    expect_warnings(f, 3);
    g_assert_cmpuint(f->c->alloc.live_groups, ==, 0);
    fx_clear_log(f);
    load(f, f->smmu3);
    g_assert_true(f->A->registered);
    g_assert_cmpuint(f->c->alloc.live_groups, ==, 0);
    g_assert_cmpint(f->smmu3->refcnt, ==, 0);
    g_assert_true(f->e[1]->driver == f->epdrv);
    g_assert_cmpuint(f->c->warnings, ==, 3);     /* the replay: no WARN */
    g_assert_cmpint(cr_user_unbind(f->c, f->e[1]), ==, 0);
    fx_clear_log(f);
    g_assert_cmpint(cr_user_bind(f->c, f->epdrv, f->e[1]), ==, 0);
    if (flags & CR_F_ATTACH_AT_ADD) {
        EXPECT_SEQ(f, "PROBE e1 epdrv", "WARN LATE_IOMMU_PROBE e1",
                   "IOMMU_PROBE e1 A", "GRP_NEW 0", "OWN 0 cnt=1 owner=-",
                   "BOUND e1 epdrv");
        expect_warnings(f, 1);
    } else {
        EXPECT_SEQ(f, "PROBE e1 epdrv", "IOMMU_PROBE e1 A", "GRP_NEW 0",
                   "OWN 0 cnt=1 owner=-", "BOUND e1 epdrv");
        expect_no_line(f, "WARN LATE_IOMMU_PROBE e1");
    }
    g_assert_cmpint(group_of(f->e[1]), ==, 0);
    g_assert_cmpint(f->smmu3->refcnt, ==, 1);
    expect_clean(f);
    fx_free(f);
}

static void test_scn4(void)
{
    scn4_run(CR_FLAGS_DEFAULT);
}

static void test_scn4_no_attach_at_add(void)
{
    scn4_run(CR_FLAGS_DEFAULT & ~CR_F_ATTACH_AT_ADD);
}

/* SCN-5's set-up before the load of smmu3 */
static void fx_scn5_setup(Fx *f)
{
    unsigned n;

    add(f, f->smmuA);
    add(f, f->smmuB);
    load(f, f->epmod);
    for (n = 1; n <= 6; n++) {
        add(f, f->e[n]);
    }
    fx_clear_log(f);
}

static void test_scn5(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT);
    unsigned n;

    fx_scn5_setup(f);
    load(f, f->smmu3);
    EXPECT_SEQ(f, "IOMMU_REG A", "BOUND smmuA arm-smmu-v3", "IOMMU_REG B",
               "BOUND smmuB arm-smmu-v3");
    for (n = 1; n <= 6; n++) {
        g_assert_cmpint(group_of(f->e[n]), ==, (int)n - 1);
        g_assert_true(f->e[n]->iommu->inst == (n <= 3 ? f->A : f->B));
        g_assert_true(f->e[n]->driver == f->epdrv);
    }
    g_assert_cmpint(f->smmu3->refcnt, ==, 6);
    expect_clean(f);
    fx_free(f);
}

static void test_scn6(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT);
    CrCore *c = f->c;
    unsigned n;

    g_strlcpy(f->B->fail_dev, "e5", sizeof(f->B->fail_dev));
    f->B->fail_ret = -CR_ENOMEM;
    fx_scn5_setup(f);
    load(f, f->smmu3);
    EXPECT_SEQ(f, "IOMMU_REG A", "BOUND smmuA arm-smmu-v3", "IOMMU_REG B",
               "MODREF smmu3 +1 =4", "IOMMU_PROBE e4 B", "GRP_NEW 3",
               "GRP_ADD 3 e4", "MODREF smmu3 +1 =5", "MODREF smmu3 -1 =4",
               "IOMMU_RELEASE e4 B", "GRP_DEL 3 e4", "MODREF smmu3 -1 =3",
               "GRP_FREE 3", "IOMMU_REG_FAIL B -12", "IOMMU_UNREG B",
               "PROBE_FAIL smmuB arm-smmu-v3 12");
    expect_no_line(f, "IOMMU_PROBE e5 B");
    expect_no_line(f, "IOMMU_PROBE e6 B");
    g_assert_cmpint(f->smmu3->state, ==, CR_MOD_LIVE);
    g_assert_cmpint(f->smmu3->refcnt, ==, 3);
    for (n = 1; n <= 3; n++) {
        g_assert_cmpint(group_of(f->e[n]), ==, (int)n - 1);
        g_assert_true(f->e[n]->driver == f->epdrv);
    }
    for (n = 4; n <= 6; n++) {
        g_assert_null(f->e[n]->iommu);
        g_assert_null(f->e[n]->driver);
        g_assert_cmpint(f->e[n]->deferred, ==, CR_DEFER_PENDING);
    }
    g_assert_null(f->smmuB->driver);
    g_assert_cmpint(f->smmuB->deferred, ==, CR_DEFER_NONE);
    g_assert_false(f->B->registered);
    g_assert_cmpuint(c->alloc.live_groups, ==, 3);
    expect_clean(f);

    /* Follow-up: the injection cleared, smmuB probes again (hotplug) */
    f->B->fail_dev[0] = '\0';
    cr_device_remove(c, f->smmuB);
    add(f, f->smmuB);
    for (n = 4; n <= 6; n++) {
        g_assert_true(f->e[n]->iommu && f->e[n]->iommu->inst == f->B);
        g_assert_true(f->e[n]->driver == f->epdrv);
    }
    g_assert_cmpint(f->smmu3->refcnt, ==, 6);
    expect_clean(f);
    fx_free(f);
}

static void test_scn6_no_attach_at_add(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT & ~CR_F_ATTACH_AT_ADD);

    g_strlcpy(f->B->fail_dev, "e5", sizeof(f->B->fail_dev));
    f->B->fail_ret = -CR_ENOMEM;
    fx_scn5_setup(f);
    load(f, f->smmu3);
    EXPECT_SEQ(f, "IOMMU_REG B", "BOUND smmuB arm-smmu-v3",
               "WARN IOMMU_CONFIG_FAILED e5 -12", "BOUND e5 epdrv");
    expect_warnings(f, 1);
    g_assert_true(f->B->registered);
    g_assert_null(f->e[5]->iommu);
    g_assert_true(f->e[5]->driver == f->epdrv);
    g_assert_cmpint(f->smmu3->refcnt, ==, 5);
    expect_clean(f);
    fx_free(f);
}

static void test_scn7(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT);

    g_strlcpy(f->B->fail_dev, "e5", sizeof(f->B->fail_dev));
    f->B->fail_ret = -CR_ENODEV;
    fx_scn5_setup(f);
    load(f, f->smmu3);
    g_assert_true(f->B->registered);
    g_assert_cmpint(group_of(f->e[4]), >=, 0);
    g_assert_cmpint(group_of(f->e[6]), >=, 0);
    g_assert_null(f->e[5]->group);
    EXPECT_SEQ(f, "PROBE e5 epdrv", "WARN LATE_IOMMU_PROBE e5",
               "BOUND e5 epdrv");
    expect_warnings(f, 1);
    g_assert_true(f->e[5]->driver == f->epdrv);
    g_assert_cmpint(f->smmu3->refcnt, ==, 5);
    expect_clean(f);
    fx_free(f);
}

/* The negative test: the checker catches the [<= 6.0] cleanup. */
static void test_scn8_checker_catches_legacy_cleanup(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT | CR_F_LEGACY_BUS_CLEANUP);
    CrDevice *p1 = cr_device_new(f->c, f->plat, "p1", "p", NULL);

    cr_device_set_fw(p1, "FB", 9);
    g_strlcpy(f->B->fail_dev, "e5", sizeof(f->B->fail_dev));
    f->B->fail_ret = -CR_ENOMEM;
    add(f, p1);
    fx_scn5_setup(f);
    load(f, f->smmu3);
    EXPECT_SEQ(f, "IOMMU_REG B", "IOMMU_PROBE p1 B", "IOMMU_RELEASE e1 A",
               "IOMMU_RELEASE e2 A", "IOMMU_RELEASE e3 A",
               "IOMMU_REG_FAIL B -12");
    g_assert_null(f->e[1]->iommu);
    g_assert_true(p1->iommu && p1->iommu->inst == f->B);
    g_assert_false(f->B->registered);
    g_assert_nonnull(strstr(cr_violations(f->c), "INV-18: the failed "
                            "registration of B changed the attachment of "
                            "e1"));
    g_assert_nonnull(strstr(cr_violations(f->c), "INV-4: p1 attached to B, "
                            "not registered"));
    fx_free(f);
}

/* The same scenario with the normative cleanup: nothing to report. */
static void test_scn8_contrast(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT);
    CrDevice *p1 = cr_device_new(f->c, f->plat, "p1", "p", NULL);

    cr_device_set_fw(p1, "FB", 9);
    g_strlcpy(f->B->fail_dev, "e5", sizeof(f->B->fail_dev));
    f->B->fail_ret = -CR_ENOMEM;
    add(f, p1);
    fx_scn5_setup(f);
    load(f, f->smmu3);
    g_assert_null(p1->iommu);
    g_assert_nonnull(f->e[1]->iommu);
    expect_clean(f);
    fx_free(f);
}

static int smmu2_probe(CrCore *c, CrDevice *dev)
{
    return smmu_probe(c, dev);
}

static void scn9_run(unsigned flags)
{
    Fx *f = fx_new(flags);
    CrCore *c = f->c;
    CrModule *smmu2 = cr_module_new(c, "smmu2");
    CrIommuOps *s2ops = cr_ops_new(c, "S2ops", smmu2, CR_GROUP_PER_DEVICE,
                                   CR_DOM_DMA);
    CrDriver *v2 = cr_driver_new(c, f->plat, "arm-smmu", "arm,smmu-v2",
                                 smmu2);
    CrDevice *smmuC = cr_device_new(c, f->plat, "smmuC", "arm,smmu-v2",
                                    NULL);
    CrIommu *C = cr_iommu_new(c, "C", "FC", s2ops, smmuC);
    CrDevice *e7 = fx_endpoint(f, 7, "FC");

    v2->suppress_bind_attrs = true;
    v2->probe = smmu2_probe;
    v2->remove = smmu_remove;
    fx_scn1(f);
    add(f, smmuC);
    add(f, e7);
    fx_clear_log(f);
    load(f, smmu2);
    g_assert_cmpint(f->smmu3->refcnt, ==, 2);
    g_assert_cmpint(group_of(f->e[1]), ==, 0);
    g_assert_cmpint(group_of(f->e[2]), ==, 1);
    if (flags & CR_F_SINGLE_OPS) {
        EXPECT_SEQ(f, "PROBE smmuC arm-smmu", "IOMMU_REG_FAIL C -16",
                   "PROBE_FAIL smmuC arm-smmu 16", "MOD smmu2 LIVE");
        g_assert_false(C->registered);
        g_assert_cmpint(smmu2->refcnt, ==, 0);
        g_assert_null(e7->group);
    } else {
        g_assert_true(C->registered);
        g_assert_true(e7->iommu && e7->iommu->inst == C);
        g_assert_true(e7->driver == f->epdrv);
        g_assert_cmpint(smmu2->refcnt, ==, 1);
    }
    expect_clean(f);
    fx_free(f);
}

static void test_scn9(void)
{
    scn9_run(CR_FLAGS_DEFAULT);
}

static void test_scn9_no_single_ops(void)
{
    scn9_run(CR_FLAGS_DEFAULT & ~CR_F_SINGLE_OPS);
}

static void test_scn10(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT);
    CrCore *c = f->c;
    CrModule *bad = cr_module_new(c, "badmod");
    CrIommuOps *ops = cr_ops_new(c, "BadOps", NULL, CR_GROUP_PER_DEVICE,
                                 CR_DOM_DMA);
    CrDriver *drv = cr_driver_new(c, f->plat, "bad-smmu", "bad", bad);
    CrDevice *hw = cr_device_new(c, f->plat, "smmuX", "bad", NULL);
    CrIommu *X = cr_iommu_new(c, "X", "FX", ops, hw);

    ops->module_resident = true;     /* lives in badmod, owner forgotten */
    drv->probe = smmu_probe;
    add(f, hw);
    load(f, bad);
    EXPECT_SEQ(f, "PROBE smmuX bad-smmu", "WARN OPS_NO_OWNER BadOps",
               "PROBE_FAIL smmuX bad-smmu 22");
    expect_warnings(f, 1);
    g_assert_false(X->registered);
    g_assert_cmpuint(c->n_iommu_list, ==, 0);
    expect_clean(f);
    fx_free(f);
}

/* ---- Unload, forced unload, cycles ------------------------------------- */

static void test_scn11(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT);

    fx_scn1(f);
    fx_clear_log(f);
    g_assert_cmpint(cr_module_unload(f->c, f->smmu3, 0), ==,
                    -CR_EWOULDBLOCK);
    g_assert_cmpint(f->smmu3->state, ==, CR_MOD_LIVE);
    g_assert_cmpint(f->smmu3->refcnt, ==, 2);
    g_assert_cmpstr(cr_log_text(f->c), ==, "");
    g_assert_cmpint(cr_module_unload(f->c, f->smmu3, CR_UNLOAD_FORCE), ==,
                    -CR_EWOULDBLOCK);
    expect_no_line(f, "TAINT R");
    expect_clean(f);
    fx_free(f);
}

static void test_scn12(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT);

    fx_scn1(f);
    fx_clear_log(f);
    g_assert_cmpint(cr_module_unload(f->c, f->epmod, 0), ==, 0);
    EXPECT_SEQ(f, "UNBIND e2 epdrv", "OWN 1 cnt=0 owner=-", "UNBIND e1 epdrv",
               "OWN 0 cnt=0 owner=-", "MOD epmod UNLOADED");
    g_assert_cmpint(group_of(f->e[1]), ==, 0);
    g_assert_cmpint(group_of(f->e[2]), ==, 1);
    g_assert_cmpint(f->smmu3->refcnt, ==, 2);
    g_assert_cmpint(cr_module_unload(f->c, f->smmu3, 0), ==,
                    -CR_EWOULDBLOCK);
    expect_clean(f);
    fx_free(f);
}

static void test_scn13(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT);
    CrCore *c = f->c;

    fx_scn1(f);
    fx_clear_log(f);
    cr_device_remove(c, f->e[1]);
    EXPECT_SEQ(f, "UNBIND e1 epdrv", "OWN 0 cnt=0 owner=-",
               "IOMMU_RELEASE e1 A", "GRP_DEL 0 e1", "DOM 0 none",
               "MODREF smmu3 -1 =1", "GRP_FREE 0", "DEV_DEL e1");
    cr_device_remove(c, f->e[2]);
    EXPECT_SEQ(f, "UNBIND e2 epdrv", "OWN 1 cnt=0 owner=-",
               "IOMMU_RELEASE e2 A", "GRP_DEL 1 e2", "DOM 1 none",
               "MODREF smmu3 -1 =0", "GRP_FREE 1", "DEV_DEL e2");
    g_assert_cmpint(f->smmu3->refcnt, ==, 0);
    fx_clear_log(f);
    g_assert_cmpint(cr_module_unload(c, f->smmu3, 0), ==, 0);
    EXPECT_SEQ(f, "MOD smmu3 GOING", "UNBIND smmuA arm-smmu-v3",
               "IOMMU_UNREG A", "MOD smmu3 UNLOADED");
    g_assert_cmpuint(c->alloc.live_groups, ==, 0);
    g_assert_cmpuint(c->n_iommu_list, ==, 0);
    fx_clear_log(f);
    add(f, f->e[1]);
    EXPECT_SEQ(f, "DEFER e1 iommu:FA");
    load(f, f->smmu3);
    g_assert_cmpint(group_of(f->e[1]), ==, 0);
    g_assert_true(f->e[1]->driver == f->epdrv);
    expect_clean(f);
    fx_free(f);
}

static void test_scn14(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT);
    CrModule *t = cr_module_new(f->c, "smmu3_test");

    cr_module_add_dep(t, f->smmu3);
    add(f, f->smmuA);
    load(f, f->smmu3);
    load(f, t);
    g_assert_cmpint(f->smmu3->refcnt, ==, 1);
    g_assert_cmpint(cr_module_unload(f->c, f->smmu3, 0), ==,
                    -CR_EWOULDBLOCK);
    g_assert_cmpint(cr_module_unload(f->c, t, 0), ==, 0);
    g_assert_cmpint(f->smmu3->refcnt, ==, 0);
    g_assert_cmpint(cr_module_unload(f->c, f->smmu3, 0), ==, 0);
    expect_clean(f);
    fx_free(f);
}

static void unload_self(CrCore *c, CrModule *m)
{
    m->hook_result = cr_module_unload(c, m, 0);
}

static void test_scn15(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT);

    f->smmu3->init_hook = unload_self;
    load(f, f->smmu3);
    g_assert_cmpint(f->smmu3->hook_result, ==, -CR_EBUSY);
    f->smmu3->exit_hook = unload_self;
    f->smmu3->hook_result = 0;
    g_assert_cmpint(cr_module_unload(f->c, f->smmu3, 0), ==, 0);
    g_assert_cmpint(f->smmu3->hook_result, ==, -CR_EBUSY);
    expect_clean(f);
    fx_free(f);
}

static void test_scn16a(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT | CR_F_FORCE_UNLOAD);

    fx_scn1(f);
    fx_clear_log(f);
    g_assert_cmpint(cr_module_unload(f->c, f->smmu3, CR_UNLOAD_FORCE), ==, 0);
    EXPECT_SEQ(f, "TAINT R", "MOD smmu3 GOING", "UNBIND smmuA arm-smmu-v3",
               "IOMMU_RELEASE e1 A", "GRP_DEL 0 e1", "WARN OWNER_LEAK 0",
               "DOM 0 none", "MODREF smmu3 -1 =1", "GRP_FREE 0",
               "WARN BOUND_DEVICE_LOST_IOMMU e1", "IOMMU_RELEASE e2 A",
               "GRP_DEL 1 e2", "WARN OWNER_LEAK 1", "DOM 1 none",
               "MODREF smmu3 -1 =0", "GRP_FREE 1",
               "WARN BOUND_DEVICE_LOST_IOMMU e2", "IOMMU_UNREG A",
               "MOD smmu3 UNLOADED");
    expect_warnings(f, 4);           /* INV-11's expected exception */
    g_assert_true(f->e[1]->driver == f->epdrv);
    g_assert_true(f->e[2]->driver == f->epdrv);
    g_assert_null(f->e[1]->group);
    fx_clear_log(f);
    g_assert_cmpint(cr_module_unload(f->c, f->epmod, 0), ==, 0);
    expect_no_line(f, "WARN OWNER_UNDERFLOW 0");
    expect_no_line(f, "WARN OWNER_UNDERFLOW 1");
    expect_clean(f);
    fx_free(f);
}

static void test_scn16b(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT | CR_F_FORCE_UNLOAD);

    f->s3ops->add_links = true;
    fx_scn1(f);
    g_assert_cmpint(cr_link_find(f->c, f->smmuA, f->e[1])->status, ==,
                    CR_LINK_ACTIVE);
    fx_clear_log(f);
    g_assert_cmpint(cr_module_unload(f->c, f->smmu3, CR_UNLOAD_FORCE), ==, 0);
    EXPECT_SEQ(f, "TAINT R", "MOD smmu3 GOING", "UNBIND e1 epdrv",
               "OWN 0 cnt=0 owner=-", "UNBIND e2 epdrv",
               "OWN 1 cnt=0 owner=-", "UNBIND smmuA arm-smmu-v3",
               "IOMMU_RELEASE e1 A", "IOMMU_RELEASE e2 A", "IOMMU_UNREG A",
               "LINK_DEL smmuA--e1", "LINK_DEL smmuA--e2",
               "MOD smmu3 UNLOADED");
    g_assert_false(strstr(cr_log_text(f->c), "WARN"));
    g_assert_null(f->e[1]->driver);
    g_assert_null(f->e[2]->driver);
    g_assert_true(f->e[1]->registered && f->e[2]->registered);
    g_assert_null(f->e[1]->group);
    g_assert_cmpint(f->e[1]->deferred, ==, CR_DEFER_NONE);
    g_assert_cmpint(f->e[2]->deferred, ==, CR_DEFER_NONE);
    expect_clean(f);
    fx_free(f);
}

/* SCN-17's cycle, @n times; each time the same groups, then nothing. */
static void load_unload_cycles(Fx *f, unsigned n)
{
    CrCore *c = f->c;
    CrCounts first = cr_counts(c);
    CrAllocStats alloc0 = c->alloc;
    unsigned i, k;

    for (i = 0; i < n; i++) {
        CrCounts now;

        load(f, f->smmu3);
        for (k = 1; k <= 3; k++) {
            add(f, f->e[k]);
        }
        for (k = 1; k <= 3; k++) {
            g_assert_cmpint(group_of(f->e[k]), ==, (int)k - 1);
            g_assert_true(f->e[k]->driver == f->epdrv);
        }
        for (k = 1; k <= 3; k++) {
            cr_device_remove(c, f->e[k]);
        }
        g_assert_cmpint(cr_module_unload(c, f->smmu3, 0), ==, 0);
        now = cr_counts(c);
        g_assert_cmpuint(now.groups, ==, 0);
        g_assert_cmpuint(now.domains, ==, 0);
        g_assert_cmpuint(now.links, ==, 0);
        g_assert_cmpuint(now.iommu_devs, ==, 0);
        g_assert_cmpuint(now.deferred, ==, 0);
        g_assert_cmpint(f->epmod->refcnt, ==, 0);
        g_assert_cmpuint(c->n_iommu_list, ==, 0);
        g_assert_null(f->pci->iommu_ops);
        g_assert_null(f->plat->iommu_ops);
        g_assert_true(memcmp(&now, &first, sizeof(now)) == 0);
        g_assert_cmpuint(c->alloc.live_groups, ==, alloc0.live_groups);
        g_assert_cmpuint(c->alloc.live_domains, ==, alloc0.live_domains);
        g_assert_cmpuint(c->alloc.live_links, ==, alloc0.live_links);
        g_assert_cmpuint(c->alloc.live_iommu_devs, ==,
                         alloc0.live_iommu_devs);
        g_assert_cmpuint(c->alloc.live_mirrors, ==, alloc0.live_mirrors);
        /* the log is not a leak: keep it from filling */
        fx_clear_log(f);
    }
    g_assert_cmpuint(c->alloc.allocs - alloc0.allocs, ==,
                     c->alloc.frees - alloc0.frees);
}

static void test_scn17(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT);

    add(f, f->smmuA);
    load(f, f->epmod);
    load_unload_cycles(f, 20);
    expect_clean(f);
    fx_free(f);
}

/* The acceptance's 100 cycles: the pools' accounting does not move. */
static void test_cycles_100_allocator(void)
{
    Fx *f = fx_new(CR_PROFILE_LINUX_6_12);

    f->s3ops->add_links = true;      /* links come and go too */
    add(f, f->smmuA);
    load(f, f->epmod);
    load_unload_cycles(f, 100);
    expect_clean(f);
    fx_free(f);
}

static void test_scn17_unbound_variant(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT);
    unsigned k;

    add(f, f->smmuA);
    load(f, f->epmod);
    load(f, f->smmu3);
    for (k = 1; k <= 3; k++) {
        add(f, f->e[k]);
    }
    g_assert_cmpint(cr_module_unload(f->c, f->epmod, 0), ==, 0);
    g_assert_cmpint(cr_module_unload(f->c, f->smmu3, 0), ==,
                    -CR_EWOULDBLOCK);
    g_assert_cmpint(f->smmu3->refcnt, ==, 3);
    expect_clean(f);
    fx_free(f);
}

static CrDevice *scn18_e9;

static void add_e9(CrCore *c, CrModule *m)
{
    m->hook_result = cr_device_add(c, scn18_e9);
}

static void test_scn18(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT);

    scn18_e9 = fx_endpoint(f, 9, "FA");
    add(f, f->smmuA);
    load(f, f->smmu3);
    f->smmu3->exit_hook = add_e9;
    fx_clear_log(f);
    g_assert_cmpint(cr_module_unload(f->c, f->smmu3, 0), ==, 0);
    EXPECT_SEQ(f, "MOD smmu3 GOING", "DEV_ADD e9",
               "WARN IOMMU_CONFIG_FAILED e9 -22", "IOMMU_UNREG A",
               "MOD smmu3 UNLOADED");
    expect_warnings(f, 1);
    expect_no_line(f, "IOMMU_PROBE e9 A");
    g_assert_null(scn18_e9->group);
    g_assert_cmpint(f->smmu3->refcnt, ==, 0);
    fx_clear_log(f);
    load(f, f->epmod);
    EXPECT_SEQ(f, "PROBE e9 epdrv", "DEFER e9 iommu:FA");
    expect_clean(f);
    fx_free(f);
}

/* ---- Groups and DMA ownership ------------------------------------------ */

static void test_scn19(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT);

    fx_scn1(f);
    fx_clear_log(f);
    add(f, f->e[3]);
    EXPECT_SEQ(f, "IOMMU_PROBE e3 A", "PROBE e3 epdrv");
    g_assert_cmpint(group_of(f->e[3]), ==, 2);
    g_assert_cmpint(f->smmu3->refcnt, ==, 3);
    expect_clean(f);
    fx_free(f);
}

/* e1 and e2 share an alias: one group (multifunction, no ACS). */
static void fx_shared_pair(Fx *f, bool bind)
{
    g_strlcpy(f->e[2]->alias, "e1", sizeof(f->e[2]->alias));
    add(f, f->smmuA);
    load(f, f->smmu3);
    if (bind) {
        load(f, f->epmod);
    }
    add(f, f->e[1]);
    add(f, f->e[2]);
}

static void test_scn20_21(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT);
    CrGroup *g;

    fx_shared_pair(f, true);
    g = f->e[1]->group;
    g_assert_true(g && g == f->e[2]->group && g->id == 0);
    g_assert_cmpint(g->owner_cnt, ==, 2);
    g_assert_true(g->domain == g->default_domain);
    g_assert_cmpint(f->smmu3->refcnt, ==, 2);
    fx_clear_log(f);
    cr_device_remove(f->c, f->e[1]);
    EXPECT_SEQ(f, "UNBIND e1 epdrv", "OWN 0 cnt=1 owner=-",
               "IOMMU_RELEASE e1 A", "GRP_DEL 0 e1");
    expect_no_line(f, "GRP_FREE 0");
    g_assert_true(f->e[2]->group == g && g->n_devs == 1);
    g_assert_true(g->domain == g->default_domain);
    g_assert_cmpint(f->smmu3->refcnt, ==, 1);
    /* SCN-21 */
    cr_device_remove(f->c, f->e[2]);
    EXPECT_SEQ(f, "GRP_FREE 0");
    cr_device_set_fw(f->e[4], "FA", 4);
    add(f, f->e[4]);
    g_assert_cmpint(group_of(f->e[4]), ==, 0);
    expect_clean(f);
    fx_free(f);
}

static void test_scn22(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT);
    CrGroup *g;

    fx_scn1(f);
    g = f->e[1]->group;
    g_assert_cmpint(cr_group_claim(f->c, g, "T"), ==, -CR_EPERM);
    g_assert_cmpint(g->owner_cnt, ==, 1);
    g_assert_null(g->owner);
    g_assert_true(g->domain == g->default_domain);
    g_assert_cmpint(cr_device_claim(f->c, f->e[1], "T"), ==, -CR_EPERM);
    expect_clean(f);
    fx_free(f);
}

static void test_scn23_27(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT);
    CrGroup *g;

    fx_shared_pair(f, false);
    load(f, f->vfiomod);
    g = f->e[1]->group;
    g_assert_cmpint(g->owner_cnt, ==, 0);
    fx_clear_log(f);
    /* 1 */
    g_assert_cmpint(cr_group_claim(f->c, g, "T"), ==, 0);
    EXPECT_SEQ(f, "DOM 0 blocking", "OWN 0 cnt=1 owner=T");
    /* 2 and SCN-27: use_default_domain -EBUSY, no dma_cleanup */
    load(f, f->epmod);
    fx_clear_log(f);
    g_assert_cmpint(cr_user_bind(f->c, f->epdrv, f->e[1]), ==, -CR_EBUSY);
    EXPECT_SEQ(f, "PROBE e1 epdrv", "PROBE_FAIL e1 epdrv -16");
    g_assert_null(strstr(cr_log_text(f->c), "OWN "));
    g_assert_null(strstr(cr_log_text(f->c), "OWNER_UNDERFLOW"));
    g_assert_cmpint(g->owner_cnt, ==, 1);
    g_assert_null(f->e[1]->driver);
    g_assert_cmpint(f->e[1]->deferred, ==, CR_DEFER_NONE);
    /* 3 */
    g_strlcpy(f->e[2]->override, "vfiodrv", sizeof(f->e[2]->override));
    g_assert_cmpint(cr_user_bind(f->c, f->vfiodrv, f->e[2]), ==, 0);
    g_assert_cmpint(g->owner_cnt, ==, 1);
    /* 4 */
    g_assert_cmpint(cr_group_claim(f->c, g, "T"), ==, -CR_EPERM);
    g_assert_cmpint(cr_group_claim(f->c, g, "U"), ==, -CR_EPERM);
    /* 5 */
    fx_clear_log(f);
    cr_group_release(f->c, g);
    EXPECT_SEQ(f, "DOM 0 default", "OWN 0 cnt=0 owner=-");
    /* 6 */
    g_assert_cmpint(cr_user_bind(f->c, f->epdrv, f->e[1]), ==, 0);
    EXPECT_SEQ(f, "OWN 0 cnt=1 owner=-", "BOUND e1 epdrv");
    expect_clean(f);
    fx_free(f);
}

static void test_scn24(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT);
    CrGroup *g;

    add(f, f->smmuA);
    load(f, f->smmu3);
    add(f, f->e[1]);
    g = f->e[1]->group;
    g_assert_cmpint(cr_attach_group(f->c, g), ==, 0);
    g_assert_cmpint(g->domain->type, ==, CR_DOM_UNMANAGED);
    g_assert_cmpint(cr_group_claim(f->c, g, "T"), ==, -CR_EBUSY);
    cr_detach_group(f->c, g);
    g_assert_true(g->domain == g->default_domain);
    expect_clean(f);
    fx_free(f);
}

static void test_scn25(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT);
    CrGroup *g;

    g_strlcpy(f->e[1]->override, "vfiodrv", sizeof(f->e[1]->override));
    g_strlcpy(f->e[2]->override, "vfiodrv", sizeof(f->e[2]->override));
    fx_shared_pair(f, false);
    load(f, f->vfiomod);
    g = f->e[1]->group;
    g_assert_true(f->e[1]->driver == f->vfiodrv &&
                  f->e[2]->driver == f->vfiodrv);
    g_assert_cmpint(cr_device_claim(f->c, f->e[1], "T"), ==, 0);
    g_assert_cmpint(g->owner_cnt, ==, 1);
    g_assert_true(g->domain == g->blocking_domain);
    g_assert_cmpint(cr_device_claim(f->c, f->e[2], "T"), ==, 0);
    g_assert_cmpint(g->owner_cnt, ==, 2);
    g_assert_cmpint(cr_device_claim(f->c, f->e[2], "U"), ==, -CR_EPERM);
    cr_device_release_owner(f->c, f->e[1]);
    g_assert_cmpint(g->owner_cnt, ==, 1);
    g_assert_true(g->domain == g->blocking_domain);
    cr_device_release_owner(f->c, f->e[2]);
    g_assert_cmpint(g->owner_cnt, ==, 0);
    g_assert_true(g->domain == g->default_domain);
    expect_clean(f);
    fx_free(f);
}

static void test_scn26(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT);

    add(f, f->smmuA);
    load(f, f->smmu3);
    f->e[1]->inject_probe_ret = -CR_EIO;
    f->e[1]->inject_probe_times = -1;
    add(f, f->e[1]);
    load(f, f->epmod);
    fx_clear_log(f);
    g_assert_cmpint(cr_user_bind(f->c, f->epdrv, f->e[1]), ==, -CR_EIO);
    EXPECT_SEQ(f, "PROBE e1 epdrv", "OWN 0 cnt=1 owner=-",
               "PROBE_FAIL e1 epdrv 5", "OWN 0 cnt=0 owner=-");
    g_assert_null(f->e[1]->driver);
    g_assert_cmpint(f->e[1]->deferred, ==, CR_DEFER_NONE);
    expect_clean(f);
    fx_free(f);
}

static void test_scn28(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT);

    add(f, f->smmuA);
    load(f, f->smmu3);
    load(f, f->epmod);
    f->e[1]->inject_probe_ret = -CR_EPROBE_DEFER;
    f->e[1]->inject_probe_times = 1;
    fx_clear_log(f);
    add(f, f->e[1]);
    EXPECT_SEQ(f, "OWN 0 cnt=1 owner=-", "DEFER e1 driver",
               "OWN 0 cnt=0 owner=-");
    g_assert_cmpint(f->e[1]->deferred, ==, CR_DEFER_PENDING);
    fx_clear_log(f);
    add(f, f->e[2]);                 /* a bind: the trigger */
    EXPECT_SEQ(f, "BOUND e2 epdrv", "TRIGGER", "PROBE e1 epdrv",
               "OWN 0 cnt=1 owner=-", "BOUND e1 epdrv");
    expect_clean(f);
    fx_free(f);
}

static void test_scn28_always_defers(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT);

    add(f, f->smmuA);
    load(f, f->smmu3);
    load(f, f->epmod);
    f->e[1]->inject_probe_ret = -CR_EPROBE_DEFER;
    f->e[1]->inject_probe_times = -1;
    add(f, f->e[1]);
    add(f, f->e[2]);
    g_assert_cmpint(cr_user_bind(f->c, f->epdrv, f->e[1]), ==, -CR_EAGAIN);
    g_assert_cmpint(f->e[1]->deferred, ==, CR_DEFER_PENDING);
    g_assert_cmpint(f->e[1]->group->owner_cnt, ==, 0);
    expect_clean(f);
    fx_free(f);
}

static void test_scn29(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT | CR_F_TEST_REMOVE);

    add(f, f->smmuA);
    load(f, f->smmu3);
    load(f, f->epmod);
    fx_clear_log(f);
    add(f, f->e[1]);
    EXPECT_SEQ(f, "PROBE e1 epdrv", "OWN 0 cnt=1 owner=-",
               "OWN 0 cnt=0 owner=-", "OWN 0 cnt=1 owner=-",
               "BOUND e1 epdrv");
    g_assert_cmpint(f->e[1]->group->owner_cnt, ==, 1);
    expect_clean(f);
    fx_free(f);
}

static void test_scn30(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT);
    CrGroup *g;

    fx_scn1(f);
    g = f->e[1]->group;
    g_assert_cmpint(cr_store_type(f->c, g, CR_DOM_IDENTITY), ==, -CR_EPERM);
    g_assert_cmpint(cr_store_type(f->c, g, CR_DOM_DMA_FQ), ==, 0);
    g_assert_cmpint(g->type, ==, CR_DOM_DMA_FQ);
    g_assert_cmpint(cr_user_unbind(f->c, f->e[1]), ==, 0);
    g_assert_cmpint(cr_store_type(f->c, g, CR_DOM_IDENTITY), ==, 0);
    g_assert_cmpint(g->default_domain->type, ==, CR_DOM_IDENTITY);
    g_assert_true(g->domain == g->default_domain);
    expect_clean(f);
    fx_free(f);
}

/* Linux 6.1 (CR_F_OLD_TYPE_STORE): EBUSY bound, EINVAL for two devices */
static void test_scn30_linux61(void)
{
    Fx *f = fx_new(CR_PROFILE_LINUX_6_1);

    g_strlcpy(f->e[3]->alias, "e2", sizeof(f->e[3]->alias));
    fx_scn1(f);
    add(f, f->e[3]);
    g_assert_cmpint(cr_store_type(f->c, f->e[1]->group, CR_DOM_IDENTITY), ==,
                    -CR_EBUSY);
    g_assert_cmpint(cr_store_type(f->c, f->e[2]->group, CR_DOM_IDENTITY), ==,
                    -CR_EINVAL);
    g_assert_cmpint(cr_user_unbind(f->c, f->e[1]), ==, 0);
    g_assert_cmpint(cr_store_type(f->c, f->e[1]->group, CR_DOM_IDENTITY), ==,
                    0);
    expect_clean(f);
    fx_free(f);
}

/* ---- Device links ------------------------------------------------------ */

typedef struct Chain {
    Fx *f;
    CrDevice *A, *B, *C;
    CrDriver *dA, *dB, *dC;
    CrLink *ab, *bc;
} Chain;

/* Platform devices A, B, C; B consumes A, C consumes B (SCN-31). */
static Chain chain_new(unsigned link_flags)
{
    Chain ch = { .f = fx_new(CR_FLAGS_DEFAULT) };
    CrCore *c = ch.f->c;

    ch.A = cr_device_new(c, ch.f->plat, "A", "a", NULL);
    ch.B = cr_device_new(c, ch.f->plat, "B", "b", NULL);
    ch.C = cr_device_new(c, ch.f->plat, "C", "c", NULL);
    ch.dA = cr_driver_new(c, ch.f->plat, "dA", "a", NULL);
    ch.dB = cr_driver_new(c, ch.f->plat, "dB", "b", NULL);
    ch.dC = cr_driver_new(c, ch.f->plat, "dC", "c", NULL);
    add(ch.f, ch.A);
    add(ch.f, ch.B);
    add(ch.f, ch.C);
    ch.ab = cr_link_add(c, ch.B, ch.A, link_flags);
    ch.bc = cr_link_add(c, ch.C, ch.B, link_flags);
    g_assert_nonnull(ch.ab);
    g_assert_nonnull(ch.bc);
    return ch;
}

/* SCN-31's steps: the drivers registered consumer first. */
static void chain_register(Chain *ch)
{
    g_assert_cmpint(cr_driver_register(ch->f->c, ch->dC), ==, 0);
    g_assert_cmpint(cr_driver_register(ch->f->c, ch->dB), ==, 0);
    g_assert_cmpint(cr_driver_register(ch->f->c, ch->dA), ==, 0);
}

static void test_scn31(void)
{
    Chain ch = chain_new(CR_DL_AUTOPROBE_CONSUMER);

    fx_clear_log(ch.f);
    chain_register(&ch);
    EXPECT_SEQ(ch.f, "DEFER C link:B", "DEFER B link:A", "BOUND A dA",
               "LINK A--B dormant->available", "TRIGGER", "DEFER C link:B",
               "LINK A--B available->consumer probing", "BOUND B dB",
               "LINK A--B consumer probing->active",
               "LINK B--C dormant->available", "TRIGGER",
               "LINK B--C available->consumer probing", "BOUND C dC",
               "LINK B--C consumer probing->active", "TRIGGER");
    g_assert_true(ch.dA->bound[0] == ch.A && ch.dB->bound[0] == ch.B &&
                  ch.dC->bound[0] == ch.C);
    g_assert_cmpint(ch.ab->status, ==, CR_LINK_ACTIVE);
    g_assert_cmpint(ch.bc->status, ==, CR_LINK_ACTIVE);
    g_assert_cmpuint(ch.f->c->n_pending, ==, 0);
    expect_clean(ch.f);
    fx_free(ch.f);
}

static void test_scn32(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT);
    CrCore *c = f->c;
    CrDevice *A = cr_device_new(c, f->plat, "A", "a", NULL);
    CrDevice *B = cr_device_new(c, f->plat, "B", "b", NULL);
    CrDevice *C = cr_device_new(c, f->plat, "C", "c", NULL);
    CrDevice *P = cr_device_new(c, f->plat, "P", "p", NULL);
    CrDevice *Q = cr_device_new(c, f->plat, "Q", "q", P);
    CrLink *ab;

    add(f, A);
    add(f, B);
    add(f, C);
    add(f, P);
    add(f, Q);
    ab = cr_link_add(c, B, A, 0);
    g_assert_nonnull(ab);
    g_assert_null(cr_link_add(c, A, B, 0));
    g_assert_true(cr_link_find(c, A, B) == ab && ab->flags == CR_DL_MANAGED &&
                  ab->status == CR_LINK_DORMANT);
    g_assert_null(cr_link_add(c, A, A, 0));
    g_assert_null(cr_link_add(c, P, Q, 0));
    g_assert_nonnull(cr_link_add(c, C, B, 0));
    g_assert_null(cr_link_add(c, A, C, 0));
    g_assert_nonnull(cr_link_add(c, A, C, CR_DL_SYNC_STATE_ONLY));
    expect_clean(f);
    fx_free(f);
}

static void test_scn33(void)
{
    Chain ch = chain_new(CR_DL_AUTOPROBE_CONSUMER);

    chain_register(&ch);
    fx_clear_log(ch.f);
    cr_driver_unregister(ch.f->c, ch.dA);
    EXPECT_SEQ(ch.f, "LINK A--B active->supplier unbinding",
               "LINK B--C active->supplier unbinding", "UNBIND C dC",
               "UNBIND B dB", "LINK B--C supplier unbinding->dormant",
               "UNBIND A dA", "LINK A--B supplier unbinding->dormant");
    g_assert_cmpuint(cr_log_count(ch.f->c, "UNBIND C dC") +
                     cr_log_count(ch.f->c, "UNBIND B dB") +
                     cr_log_count(ch.f->c, "UNBIND A dA"), ==, 3);
    g_assert_true(ch.B->registered && !ch.B->driver &&
                  ch.B->deferred == CR_DEFER_NONE);
    g_assert_true(ch.C->registered && !ch.C->driver &&
                  ch.C->deferred == CR_DEFER_NONE);
    expect_clean(ch.f);
    fx_free(ch.f);
}

static void scn34_run(unsigned link_flags)
{
    Chain ch = chain_new(link_flags);

    /* Pending after their first deferral, B and C bind either way */
    chain_register(&ch);
    g_assert_true(ch.B->driver == ch.dB && ch.C->driver == ch.dC);
    cr_driver_unregister(ch.f->c, ch.dA);
    fx_clear_log(ch.f);
    g_assert_cmpint(cr_driver_register(ch.f->c, ch.dA), ==, 0);
    if (link_flags & CR_DL_AUTOPROBE_CONSUMER) {
        EXPECT_SEQ(ch.f, "BOUND A dA", "BOUND B dB", "BOUND C dC");
    } else {
        EXPECT_SEQ(ch.f, "BOUND A dA");
        g_assert_null(ch.B->driver);
        g_assert_null(ch.C->driver);
        g_assert_cmpint(cr_user_bind(ch.f->c, ch.dB, ch.B), ==, 0);
    }
    expect_clean(ch.f);
    fx_free(ch.f);
}

static void test_scn34(void)
{
    scn34_run(CR_DL_AUTOPROBE_CONSUMER);
}

static void test_scn34_no_autoprobe(void)
{
    scn34_run(0);
}

static void test_scn35(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT);
    CrCore *c = f->c;
    CrDevice *A = cr_device_new(c, f->plat, "A", "a", NULL);
    CrDevice *C = cr_device_new(c, f->plat, "C", "c", NULL);
    CrDriver *dA = cr_driver_new(c, f->plat, "dA", "a", NULL);
    CrDriver *dC = cr_driver_new(c, f->plat, "dC", "c", NULL);
    CrLink *l;

    add(f, A);
    add(f, C);
    /* L1: AUTOREMOVE_CONSUMER goes when C unbinds ... */
    g_assert_nonnull(cr_link_add(c, C, A, CR_DL_AUTOREMOVE_CONSUMER));
    cr_driver_register(c, dA);
    cr_driver_register(c, dC);
    g_assert_true(C->driver == dC);
    fx_clear_log(f);
    g_assert_cmpint(cr_user_unbind(c, C), ==, 0);
    EXPECT_SEQ(f, "UNBIND C dC", "LINK_DEL A--C");
    /* ... or when C's probe fails */
    g_assert_nonnull(cr_link_add(c, C, A, CR_DL_AUTOREMOVE_CONSUMER));
    C->inject_probe_ret = -CR_EIO;
    C->inject_probe_times = 1;
    fx_clear_log(f);
    g_assert_cmpint(cr_user_bind(c, dC, C), ==, -CR_EIO);
    EXPECT_SEQ(f, "PROBE_FAIL C dC 5", "LINK_DEL A--C");
    g_assert_null(cr_link_find(c, A, C));
    /* L2: AUTOREMOVE_SUPPLIER: C unbound first, then the link goes */
    g_assert_cmpint(cr_user_bind(c, dC, C), ==, 0);
    g_assert_nonnull(cr_link_add(c, C, A, CR_DL_AUTOREMOVE_SUPPLIER));
    fx_clear_log(f);
    g_assert_cmpint(cr_user_unbind(c, A), ==, 0);
    EXPECT_SEQ(f, "UNBIND C dC", "UNBIND A dA", "LINK_DEL A--C");
    /* L2 again with no autoremove flag: persistent, dormant */
    g_assert_cmpint(cr_user_bind(c, dA, A), ==, 0);
    g_assert_cmpint(cr_user_bind(c, dC, C), ==, 0);
    l = cr_link_add(c, C, A, CR_DL_AUTOREMOVE_SUPPLIER);
    g_assert_true(cr_link_add(c, C, A, 0) == l);
    g_assert_false(l->flags & (CR_DL_AUTOREMOVE_SUPPLIER |
                               CR_DL_AUTOREMOVE_CONSUMER));
    g_assert_cmpint(cr_user_unbind(c, A), ==, 0);
    g_assert_true(cr_link_find(c, A, C) == l);
    g_assert_cmpint(l->status, ==, CR_LINK_DORMANT);
    expect_clean(f);
    fx_free(f);
}

static void test_scn36(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT);
    CrCore *c = f->c;
    CrDevice *A = cr_device_new(c, f->plat, "A", "a", NULL);
    CrDevice *C = cr_device_new(c, f->plat, "C", "c", NULL);
    CrDevice *B = cr_device_new(c, f->plat, "B", "b", NULL);
    CrDriver *dA = cr_driver_new(c, f->plat, "dA", "a", NULL);
    CrDriver *dC = cr_driver_new(c, f->plat, "dC", "c", NULL);
    CrLink *l, *m;

    add(f, A);
    add(f, C);
    add(f, B);
    l = cr_link_add(c, C, A, CR_DL_STATELESS);
    g_assert_cmpint(l->status, ==, CR_LINK_NONE);
    cr_driver_register(c, dC);
    g_assert_true(C->driver == dC);          /* before A: no deferral */
    cr_driver_register(c, dA);
    g_assert_cmpint(cr_user_unbind(c, A), ==, 0);
    g_assert_true(C->driver == dC);
    g_assert_cmpint(l->status, ==, CR_LINK_NONE);
    g_assert_true(cr_link_add(c, C, A, CR_DL_STATELESS) == l);
    cr_link_del(c, l);
    g_assert_true(cr_link_find(c, A, C) == l);
    cr_link_del(c, l);
    g_assert_null(cr_link_find(c, A, C));
    m = cr_link_add(c, B, A, 0);
    fx_clear_log(f);
    cr_link_del(c, m);
    EXPECT_SEQ(f, "WARN LINK_DEL_MANAGED A--B");
    expect_warnings(f, 1);
    g_assert_true(cr_link_find(c, A, B) == m);
    expect_clean(f);
    fx_free(f);
}

/* SCN-37: probes that create a link while they run */
static CrDevice *scn37_other;
static int scn37_result;

static int probe_adds_supplier(CrCore *c, CrDevice *dev)
{
    cr_link_add(c, dev, scn37_other, 0);        /* dev consumes other */
    return 0;
}

static int probe_adds_consumer(CrCore *c, CrDevice *dev)
{
    cr_link_add(c, scn37_other, dev, 0);        /* other consumes dev */
    return scn37_result;
}

static void test_scn37a(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT);
    CrCore *c = f->c;
    CrDevice *A = cr_device_new(c, f->plat, "A", "a", NULL);
    CrDevice *C = cr_device_new(c, f->plat, "C", "c", NULL);
    CrDriver *dC = cr_driver_new(c, f->plat, "dC", "c", NULL);

    add(f, A);
    add(f, C);
    cr_driver_register(c, cr_driver_new(c, f->plat, "dA", "a", NULL));
    scn37_other = A;
    dC->probe = probe_adds_supplier;
    fx_clear_log(f);
    cr_driver_register(c, dC);
    EXPECT_SEQ(f, "LINK_ADD A--C consumer probing", "BOUND C dC",
               "LINK A--C consumer probing->active");
    expect_clean(f);
    fx_free(f);
}

static void scn37_supplier_probe(int result)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT);
    CrCore *c = f->c;
    CrDevice *A = cr_device_new(c, f->plat, "A", "a", NULL);
    CrDevice *C = cr_device_new(c, f->plat, "C", "c", NULL);
    CrDriver *dA = cr_driver_new(c, f->plat, "dA", "a", NULL);
    CrLink *l;

    add(f, A);
    add(f, C);
    scn37_other = C;
    scn37_result = result;
    dA->probe = probe_adds_consumer;
    fx_clear_log(f);
    cr_driver_register(c, dA);
    l = cr_link_find(c, A, C);
    g_assert_nonnull(l);
    if (!result) {
        EXPECT_SEQ(f, "LINK_ADD A--C dormant", "BOUND A dA",
                   "LINK A--C dormant->available");
        g_assert_cmpint(l->status, ==, CR_LINK_AVAILABLE);
    } else {
        EXPECT_SEQ(f, "LINK_ADD A--C dormant", "PROBE_FAIL A dA 5");
        g_assert_cmpint(l->status, ==, CR_LINK_DORMANT);
        cr_driver_register(c, cr_driver_new(c, f->plat, "dC", "c", NULL));
        EXPECT_SEQ(f, "DEFER C link:A");
        g_assert_null(C->driver);
    }
    expect_clean(f);
    fx_free(f);
}

static void test_scn37b(void)
{
    scn37_supplier_probe(0);
}

static void test_scn37c(void)
{
    scn37_supplier_probe(-CR_EIO);
}

static void test_scn38(void)
{
    Chain ch = chain_new(CR_DL_AUTOPROBE_CONSUMER);

    chain_register(&ch);
    fx_clear_log(ch.f);
    cr_device_remove(ch.f->c, ch.A);
    EXPECT_SEQ(ch.f, "UNBIND C dC", "UNBIND B dB", "UNBIND A dA",
               "LINK_DEL A--B", "DEV_DEL A");
    g_assert_true(ch.B->registered && !ch.B->driver);
    g_assert_true(ch.C->registered && !ch.C->driver);
    g_assert_null(cr_link_find(ch.f->c, ch.A, ch.B));
    g_assert_cmpint(cr_user_bind(ch.f->c, ch.dB, ch.B), ==, 0);
    expect_clean(ch.f);
    fx_free(ch.f);
}

/* SCN-39: the PCI host controller enumerates e1..e3 in its probe. */
static Fx *scn39_fx;

static int host_probe(CrCore *c, CrDevice *dev)
{
    unsigned k;

    for (k = 1; k <= 3; k++) {
        cr_device_add(c, scn39_fx->e[k]);
    }
    return 0;
}

static void host_remove(CrCore *c, CrDevice *dev)
{
    unsigned k;

    for (k = 1; k <= 3; k++) {
        cr_device_remove(c, scn39_fx->e[k]);
    }
}

static void test_scn39(void)
{
    Fx *f = scn39_fx = fx_new(CR_FLAGS_DEFAULT);
    CrCore *c = f->c;
    CrDevice *host = cr_device_new(c, f->plat, "host", "pci-host", NULL);
    CrDriver *hostdrv = cr_driver_new(c, f->plat, "pci-host-generic",
                                      "pci-host", NULL);
    CrLink *l;
    unsigned k;

    for (k = 1; k <= 3; k++) {
        f->e[k]->parent = host;
    }
    hostdrv->probe = host_probe;
    hostdrv->remove = host_remove;
    add(f, f->smmuA);
    add(f, host);
    l = cr_link_add(c, host, f->smmuA,
                    CR_DL_INFERRED | CR_DL_AUTOPROBE_CONSUMER);
    g_assert_nonnull(l);
    load(f, f->epmod);
    fx_clear_log(f);
    cr_driver_register(c, hostdrv);
    EXPECT_SEQ(f, "DEFER host link:smmuA");
    g_assert_false(f->e[1]->registered);
    fx_clear_log(f);
    load(f, f->smmu3);
    EXPECT_SEQ(f, "BOUND smmuA arm-smmu-v3", "BOUND host pci-host-generic");
    for (k = 1; k <= 3; k++) {
        g_assert_true(f->e[k]->registered && f->e[k]->group &&
                      f->e[k]->driver == f->epdrv);
    }
    for (k = 1; k <= 3; k++) {
        cr_device_remove(c, f->e[k]);
    }
    fx_clear_log(f);
    g_assert_cmpint(cr_module_unload(c, f->smmu3, 0), ==, 0);
    EXPECT_SEQ(f, "UNBIND host pci-host-generic", "UNBIND smmuA arm-smmu-v3",
               "LINK smmuA--host supplier unbinding->dormant");
    g_assert_cmpint(l->status, ==, CR_LINK_DORMANT);
    load(f, f->smmu3);
    g_assert_true(host->driver == hostdrv);
    for (k = 1; k <= 3; k++) {
        g_assert_true(f->e[k]->registered && f->e[k]->group);
    }
    expect_clean(f);
    fx_free(f);
}

/* ---- The canonical state dump (spec 5.3) ------------------------------- */

static void test_dump_scn1(void)
{
    Fx *f = fx_new(CR_PROFILE_LINUX_6_1);
    char buf[4096];

    f->s3ops->add_links = true;
    fx_scn1(f);
    cr_dump_state(f->c, "smmu3", buf, sizeof(buf));
    g_assert_cmpstr(buf, ==,
        "MODULE smmu3 state=live refcnt=2 holders=-\n"
        "IOMMU A hw=smmuA members=e1,e2\n"
        "GROUP G0 type=DMA members=e1 id=0\n"
        "GROUP G1 type=DMA members=e2 id=1\n"
        "DEV platform:smmuA driver=arm-smmu-v3 group_id=- iommu=\n"
        "DEV pci:e1 driver=epdrv group_id=0 iommu=A\n"
        "DEV pci:e2 driver=epdrv group_id=1 iommu=A\n"
        "LINK platform:smmuA--pci:e1 status=active auto_remove_on=supplier "
        "unbind runtime_pm=1 sync_state_only=0\n"
        "LINK platform:smmuA--pci:e2 status=active auto_remove_on=supplier "
        "unbind runtime_pm=1 sync_state_only=0\n");
    g_assert_cmpint(cr_module_unload(f->c, f->epmod, 0), ==, 0);
    cr_device_remove(f->c, f->e[1]);
    cr_device_remove(f->c, f->e[2]);
    g_assert_cmpint(cr_module_unload(f->c, f->smmu3, 0), ==, 0);
    add(f, f->e[2]);
    load(f, f->epmod);
    cr_dump_state(f->c, "smmu3", buf, sizeof(buf));
    g_assert_cmpstr(buf, ==,
        "MODULE smmu3 state=unloaded\n"
        "DEV platform:smmuA driver=- group_id=- iommu=-\n"
        "DEV pci:e2 driver=- group_id=- iommu=-\n"
        "DEFERRED e2\n");
    expect_clean(f);
    fx_free(f);
}

/* The dump's GROUP lines are ordered by members, not by id. */
static void test_dump_group_order(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT);
    char buf[4096];

    add(f, f->smmuA);
    load(f, f->smmu3);
    add(f, f->e[3]);
    add(f, f->e[1]);
    g_assert_cmpint(group_of(f->e[3]), ==, 0);
    cr_dump_state(f->c, NULL, buf, sizeof(buf));
    g_assert_nonnull(strstr(buf, "GROUP G0 type=DMA members=e1 id=1\n"
                                 "GROUP G1 type=DMA members=e3 id=0\n"));
    expect_clean(f);
    fx_free(f);
}

/* The checker itself: a state broken by hand is reported. */
static void test_checker_reports_broken_refcnt(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT);

    fx_scn1(f);
    f->smmu3->refcnt++;
    g_assert_cmpuint(cr_check(f->c), ==, 1);
    g_assert_cmpstr(cr_violations(f->c), ==,
                    "INV-1: smmu3 refcnt 3, attached devices and holders 2\n");
    fx_free(f);
}

/* ---- What a review found (docs/core-ref.md): each a fixed defect ------- */

/* SCN-3 with the replay reaching e7 and e8: -ENODEV, skipped */
static void test_scn3_replay_skips(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT);
    CrDevice *e7 = fx_endpoint(f, 7, "FA");
    CrDevice *e8 = fx_endpoint(f, 8, NULL);

    e7->fw.disabled = true;
    add(f, f->smmuA);
    add(f, e7);
    add(f, e8);
    fx_clear_log(f);
    load(f, f->smmu3);
    EXPECT_SEQ(f, "IOMMU_REG A", "BOUND smmuA arm-smmu-v3");
    g_assert_true(f->A->registered);
    g_assert_null(e7->iommu);
    g_assert_null(e8->iommu);
    load(f, f->epmod);
    g_assert_true(e7->driver == f->epdrv && !e7->group && !e7->dma_claimed);
    expect_clean(f);
    fx_free(f);
}

/* SCN-14: the holders check comes before the one for a missing exit */
static void test_scn14_holders_first(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT);
    CrModule *t = cr_module_new(f->c, "smmu3_test");

    cr_module_add_dep(t, f->smmu3);
    load(f, f->smmu3);
    load(f, t);
    f->smmu3->has_exit = false;          /* would be -EBUSY on its own */
    g_assert_cmpint(cr_module_unload(f->c, f->smmu3, 0), ==,
                    -CR_EWOULDBLOCK);
    g_assert_cmpint(cr_module_unload(f->c, t, 0), ==, 0);
    g_assert_cmpint(cr_module_unload(f->c, f->smmu3, 0), ==, -CR_EBUSY);
    expect_clean(f);
    fx_free(f);
}

/* SCN-6 with SMMUv2 links: the failed replay's links go too */
static void test_scn6_links_footprint(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT);

    f->s3ops->add_links = true;
    g_strlcpy(f->B->fail_dev, "e5", sizeof(f->B->fail_dev));
    f->B->fail_ret = -CR_ENOMEM;
    fx_scn5_setup(f);
    load(f, f->smmu3);
    EXPECT_SEQ(f, "IOMMU_REG B", "LINK_ADD smmuB--e4 dormant",
               "IOMMU_RELEASE e4 B", "LINK_DEL smmuB--e4",
               "IOMMU_REG_FAIL B -12");
    expect_no_line(f, "DOM 3 default");      /* 4b: not after a failure */
    g_assert_null(cr_link_find(f->c, f->smmuB, f->e[4]));
    g_assert_nonnull(cr_link_find(f->c, f->smmuA, f->e[1]));
    g_assert_cmpint(f->e[4]->deferred, ==, CR_DEFER_PENDING);
    expect_clean(f);
    fx_free(f);
}

static void test_user_bind_errors(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT);

    add(f, f->smmuA);
    load(f, f->smmu3);
    add(f, f->e[1]);
    /* epdrv is not registered (epmod not loaded) */
    g_assert_cmpint(cr_user_bind(f->c, f->epdrv, f->e[1]), ==, -CR_ENODEV);
    g_assert_null(f->e[1]->driver);
    load(f, f->epmod);
    g_assert_cmpint(cr_user_bind(f->c, f->epdrv, f->e[1]), ==, -CR_EBUSY);
    g_assert_cmpint(cr_user_bind(f->c, f->smmu_drv, f->smmuA), ==,
                    -CR_EINVAL);
    g_assert_cmpint(cr_user_unbind(f->c, f->smmuA), ==, -CR_EINVAL);
    expect_clean(f);
    fx_free(f);
}

static void test_register_twice(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT);

    fx_scn1(f);
    g_assert_cmpint(cr_iommu_register(f->c, f->A), ==, -CR_EEXIST);
    g_assert_cmpuint(f->c->n_iommu_list, ==, 1);
    g_assert_cmpint(cr_iommu_register(f->c, NULL), ==, -CR_EINVAL);
    expect_clean(f);
    fx_free(f);
}

/* An owner's unmanaged domain goes with the ownership */
static void test_release_frees_user_domain(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT);
    CrGroup *g;

    add(f, f->smmuA);
    load(f, f->smmu3);
    add(f, f->e[1]);
    g = f->e[1]->group;
    g_assert_cmpint(cr_group_claim(f->c, g, "T"), ==, 0);
    g_assert_cmpint(cr_attach_group(f->c, g), ==, 0);
    g_assert_cmpuint(f->c->alloc.live_domains, ==, 3);
    cr_group_release(f->c, g);
    g_assert_cmpuint(f->c->alloc.live_domains, ==, 2);   /* default, blocking */
    g_assert_cmpint(cr_store_type(f->c, g, CR_DOM_BLOCKED), ==, -CR_EINVAL);
    g_assert_cmpint(cr_store_type(f->c, g, (CrDomType)77), ==, -CR_EINVAL);
    cr_device_remove(f->c, f->e[1]);
    g_assert_cmpuint(f->c->alloc.live_domains, ==, 0);
    expect_clean(f);
    fx_free(f);
}

static void test_link_refusals(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT);
    CrCore *c = f->c;
    CrDevice *A = cr_device_new(c, f->plat, "A", "a", NULL);
    CrDevice *B = cr_device_new(c, f->plat, "B", "b", NULL);
    CrDevice *C = cr_device_new(c, f->plat, "C", "c", NULL);

    add(f, A);
    add(f, B);
    add(f, C);
    cr_driver_register(c, cr_driver_new(c, f->plat, "dC", "c", NULL));
    g_assert_nonnull(C->driver);
    /* a bound consumer of an unbound supplier (INV-12) */
    g_assert_null(cr_link_add(c, C, A, 0));
    g_assert_nonnull(cr_link_add(c, C, A, CR_DL_STATELESS));
    /* sync-state-only takes no other flag but INFERRED (as Linux) */
    g_assert_null(cr_link_add(c, B, A, CR_DL_SYNC_STATE_ONLY |
                                       CR_DL_AUTOREMOVE_SUPPLIER));
    g_assert_nonnull(cr_link_add(c, B, A, CR_DL_SYNC_STATE_ONLY |
                                          CR_DL_INFERRED));
    cr_link_del(c, NULL);
    expect_clean(f);
    fx_free(f);
}

/* A device that deferred at its link check and then gets a link from a
 * bound supplier: the link is available, not stuck consumer-probing */
static void test_link_after_link_deferral(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT);
    CrCore *c = f->c;
    CrDevice *A = cr_device_new(c, f->plat, "A", "a", NULL);
    CrDevice *B = cr_device_new(c, f->plat, "B", "b", NULL);
    CrDevice *C = cr_device_new(c, f->plat, "C", "c", NULL);
    CrLink *l;

    add(f, A);
    add(f, B);
    add(f, C);
    cr_driver_register(c, cr_driver_new(c, f->plat, "dA", "a", NULL));
    g_assert_nonnull(cr_link_add(c, C, B, 0));   /* B unbound: C waits */
    cr_driver_register(c, cr_driver_new(c, f->plat, "dC", "c", NULL));
    EXPECT_SEQ(f, "DEFER C link:B");
    l = cr_link_add(c, C, A, 0);
    g_assert_cmpint(l->status, ==, CR_LINK_AVAILABLE);
    g_assert_cmpint(cr_user_unbind(c, A), ==, 0);
    g_assert_cmpint(l->status, ==, CR_LINK_DORMANT);
    expect_clean(f);
    fx_free(f);
}

static CrModule *scn_dep_user;

static void load_dependent(CrCore *c, CrModule *m)
{
    m->hook_result = cr_module_load(c, scn_dep_user);
}

/* strong_try_module_get: a dependency still initialising is busy */
static void test_dependency_coming(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT);

    scn_dep_user = cr_module_new(f->c, "smmu3_test");
    cr_module_add_dep(scn_dep_user, f->smmu3);
    f->smmu3->init_hook = load_dependent;
    load(f, f->smmu3);
    g_assert_cmpint(f->smmu3->hook_result, ==, -CR_EBUSY);
    g_assert_cmpint(scn_dep_user->state, ==, CR_MOD_UNLOADED);
    g_assert_cmpint(f->smmu3->refcnt, ==, 0);
    expect_clean(f);
    fx_free(f);
}

/* INV-23: a driver that forgets to unregister its instance is caught */
static void test_checker_instance_outliving_module(void)
{
    Fx *f = fx_new(CR_FLAGS_DEFAULT);

    f->smmu_drv->remove = NULL;
    add(f, f->smmuA);
    load(f, f->smmu3);
    g_assert_cmpint(cr_module_unload(f->c, f->smmu3, 0), ==, 0);
    g_assert_nonnull(strstr(cr_violations(f->c), "INV-23: instance A of "
                            "smmu3 outlives its module"));
    fx_free(f);
}

/* The checker on states broken by hand, one invariant each */
typedef struct Breakage {
    const char *name;
    void (*breaks)(Fx *f);
    const char *reported;
} Breakage;

static void break_refcnt(Fx *f) { f->smmu3->refcnt++; }
static void break_group_refs(Fx *f) { f->e[1]->group->refs++; }
static void break_owner_cnt(Fx *f) { f->e[1]->group->owner_cnt++; }
static void break_group_ptr(Fx *f) { f->e[1]->group = NULL; }
static void break_pending(Fx *f)
{
    f->c->pending[f->c->n_pending++] = f->e[1];
    f->e[1]->deferred = CR_DEFER_PENDING;
}
static void break_link(Fx *f)
{
    cr_link_find(f->c, f->smmuA, f->e[1])->status = CR_LINK_CONSUMER_PROBE;
}
static void break_domain(Fx *f) { f->e[2]->group->domain = NULL; }
static void break_claim(Fx *f) { f->e[1]->dma_claimed = false; }

static void test_checker_breakages(void)
{
    static const Breakage cases[] = {
        { "refcnt", break_refcnt, "INV-1: smmu3 refcnt 3" },
        { "group refs", break_group_refs, "INV-7: group 0 has refs 2" },
        { "owner_cnt", break_owner_cnt, "INV-9: group 0 owner_cnt 2" },
        { "group pointer", break_group_ptr, "INV-5: e1 has an IOMMU but "
          "no group" },
        { "bound and pending", break_pending, "INV-15: e1 deferred while "
          "bound" },
        { "link state", break_link, "INV-13: smmuA--e1 consumer probing" },
        { "domain", break_domain, "INV-8: group 1 unowned" },
        { "claim", break_claim, "INV-9: group 0 owner_cnt 1, claimed "
          "members 0" },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        Fx *f = fx_new(CR_FLAGS_DEFAULT);

        f->s3ops->add_links = true;
        fx_scn1(f);
        g_assert_cmpstr(cr_violations(f->c), ==, "");
        cases[i].breaks(f);
        cr_check(f->c);
        if (!strstr(cr_violations(f->c), cases[i].reported)) {
            g_printerr("%s: expected \"%s\", got:\n%s", cases[i].name,
                       cases[i].reported, cr_violations(f->c));
            g_test_fail();
        }
        fx_free(f);
    }
}

int main(int argc, char **argv)
{
    static const struct {
        const char *path;
        void (*fn)(void);
    } tests[] = {
        { "/core-ref/scn1", test_scn1 },
        { "/core-ref/scn1/no-attach-at-add", test_scn1_no_attach_at_add },
        { "/core-ref/scn2", test_scn2 },
        { "/core-ref/scn2/no-attach-at-add", test_scn2_no_attach_at_add },
        { "/core-ref/scn3", test_scn3 },
        { "/core-ref/scn4", test_scn4 },
        { "/core-ref/scn4/no-attach-at-add", test_scn4_no_attach_at_add },
        { "/core-ref/scn5", test_scn5 },
        { "/core-ref/scn6", test_scn6 },
        { "/core-ref/scn6/no-attach-at-add", test_scn6_no_attach_at_add },
        { "/core-ref/scn7", test_scn7 },
        { "/core-ref/scn8/checker-catches-legacy-cleanup",
          test_scn8_checker_catches_legacy_cleanup },
        { "/core-ref/scn8/contrast", test_scn8_contrast },
        { "/core-ref/scn9", test_scn9 },
        { "/core-ref/scn9/no-single-ops", test_scn9_no_single_ops },
        { "/core-ref/scn10", test_scn10 },
        { "/core-ref/scn11", test_scn11 },
        { "/core-ref/scn12", test_scn12 },
        { "/core-ref/scn13", test_scn13 },
        { "/core-ref/scn14", test_scn14 },
        { "/core-ref/scn15", test_scn15 },
        { "/core-ref/scn16a", test_scn16a },
        { "/core-ref/scn16b", test_scn16b },
        { "/core-ref/scn17", test_scn17 },
        { "/core-ref/scn17/unbound-variant", test_scn17_unbound_variant },
        { "/core-ref/cycles-100/allocator", test_cycles_100_allocator },
        { "/core-ref/scn18", test_scn18 },
        { "/core-ref/scn19", test_scn19 },
        { "/core-ref/scn20-21", test_scn20_21 },
        { "/core-ref/scn22", test_scn22 },
        { "/core-ref/scn23-27", test_scn23_27 },
        { "/core-ref/scn24", test_scn24 },
        { "/core-ref/scn25", test_scn25 },
        { "/core-ref/scn26", test_scn26 },
        { "/core-ref/scn28", test_scn28 },
        { "/core-ref/scn28/always-defers", test_scn28_always_defers },
        { "/core-ref/scn29", test_scn29 },
        { "/core-ref/scn30", test_scn30 },
        { "/core-ref/scn30/linux-6.1", test_scn30_linux61 },
        { "/core-ref/scn31", test_scn31 },
        { "/core-ref/scn32", test_scn32 },
        { "/core-ref/scn33", test_scn33 },
        { "/core-ref/scn34", test_scn34 },
        { "/core-ref/scn34/no-autoprobe", test_scn34_no_autoprobe },
        { "/core-ref/scn35", test_scn35 },
        { "/core-ref/scn36", test_scn36 },
        { "/core-ref/scn37a", test_scn37a },
        { "/core-ref/scn37b", test_scn37b },
        { "/core-ref/scn37c", test_scn37c },
        { "/core-ref/scn38", test_scn38 },
        { "/core-ref/scn39", test_scn39 },
        { "/core-ref/dump/scn1", test_dump_scn1 },
        { "/core-ref/dump/group-order", test_dump_group_order },
        { "/core-ref/checker/broken-refcnt",
          test_checker_reports_broken_refcnt },
        { "/core-ref/scn3/replay-skips", test_scn3_replay_skips },
        { "/core-ref/scn14/holders-first", test_scn14_holders_first },
        { "/core-ref/scn6/links-footprint", test_scn6_links_footprint },
        { "/core-ref/user-bind-errors", test_user_bind_errors },
        { "/core-ref/register-twice", test_register_twice },
        { "/core-ref/release-frees-user-domain",
          test_release_frees_user_domain },
        { "/core-ref/link-refusals", test_link_refusals },
        { "/core-ref/link-after-link-deferral",
          test_link_after_link_deferral },
        { "/core-ref/dependency-coming", test_dependency_coming },
        { "/core-ref/checker/instance-outliving-module",
          test_checker_instance_outliving_module },
        { "/core-ref/checker/breakages", test_checker_breakages },
    };
    size_t i;

    g_test_init(&argc, &argv, NULL);
    for (i = 0; i < G_N_ELEMENTS(tests); i++) {
        g_test_add_func(tests[i].path, tests[i].fn);
    }
    return g_test_run();
}
