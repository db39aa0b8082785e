/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A module whose licence is not GPL-compatible, calling a GPL-only export
 * (cr_iommu_register): as in Linux, the symbol is unknown to it.
 */
#include "cr-module-api.h"

CR_MODULE_NAME("proprietary");
CR_MODULE_LICENSE("Proprietary");

int cr_module_init(CrCore *c, CrModule *self)
{
    return cr_iommu_register(c, NULL);
}
