/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The spec's module smmu3 as a loadable module: the platform driver
 * arm-smmu-v3 (no bind attributes) whose probe registers an instance
 * named after its device (smmuA: instance A, firmware node FA), with ops
 * that live in the module and name it as their owner.  Built with
 * -DCR_SMMU_V2 it is smmu2: arm-smmu for "arm,mmu-500" devices, which
 * links each master to its SMMU as Linux's arm-smmu does.
 */
#include "cr-module-api.h"

#ifdef CR_SMMU_V2
#define CR_SMMU_MODULE "smmu2"
#define CR_SMMU_DRIVER "arm-smmu"
#define CR_SMMU_COMPAT "arm,mmu-500"
#define CR_SMMU_LINKS  true
#else
#define CR_SMMU_MODULE "smmu3"
#define CR_SMMU_DRIVER "arm-smmu-v3"
#define CR_SMMU_COMPAT "arm,smmu-v3"
#define CR_SMMU_LINKS  false
#endif

CR_MODULE_NAME(CR_SMMU_MODULE);
CR_MODULE_LICENSE("GPL v2");

static CrIommuOps s3ops = {
    .name = "S3ops", .module_resident = true,
    .policy = CR_GROUP_PCI_TOPOLOGY, .def_type = CR_DOM_DMA,
    .add_links = CR_SMMU_LINKS,
};
static CrIommu instances[2];

static char last_char(const char *s)
{
    char c = 0;

    while (*s) {
        c = *s++;
    }
    return c;
}

static int smmu_probe(CrCore *c, CrDevice *dev)
{
    char id = last_char(dev->name);
    CrIommu *inst = &instances[id == 'B'];

    inst->name[0] = id;
    inst->name[1] = '\0';
    inst->fwnode[0] = 'F';
    inst->fwnode[1] = id;
    inst->fwnode[2] = '\0';
    inst->ops = &s3ops;
    inst->hwdev = dev;
    inst->in_use = true;
    return cr_iommu_register(c, inst);
}

static void smmu_remove(CrCore *c, CrDevice *dev)
{
    unsigned i;

    for (i = 0; i < 2; i++) {
        if (instances[i].hwdev == dev && instances[i].registered) {
            cr_iommu_unregister(c, &instances[i]);
        }
    }
}

static CrDriver smmu_drv = {
    .name = CR_SMMU_DRIVER, .compat = CR_SMMU_COMPAT,
    .suppress_bind_attrs = true, .probe = smmu_probe, .remove = smmu_remove,
};

int cr_module_init(CrCore *c, CrModule *self)
{
    s3ops.owner = self;
    smmu_drv.owner = self;
    smmu_drv.bus = cr_bus_find(c, "platform");
    return cr_driver_register(c, &smmu_drv);
}

void cr_module_exit(CrCore *c, CrModule *self)
{
    cr_driver_unregister(c, &smmu_drv);
}
