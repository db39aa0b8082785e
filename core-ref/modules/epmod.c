/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The spec's endpoint driver epdrv (DMA API) as a loadable module. */
#include "cr-module-api.h"

CR_MODULE_NAME("epmod");
CR_MODULE_LICENSE("GPL");

static CrDriver epdrv = { .name = "epdrv", .compat = "ep" };

int cr_module_init(CrCore *c, CrModule *self)
{
    epdrv.bus = cr_bus_find(c, "pci");
    epdrv.owner = self;
    return cr_driver_register(c, &epdrv);
}

void cr_module_exit(CrCore *c, CrModule *self)
{
    cr_driver_unregister(c, &epdrv);
}
