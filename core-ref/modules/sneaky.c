/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Not GPL-compatible, reaching for a GPL-only export by name: Linux's
 * __symbol_get is GPL-only, and so is cr_symbol_lookup. */
#include "cr-module-api.h"

CR_MODULE_NAME("sneaky");
CR_MODULE_LICENSE("Proprietary");

int cr_module_init(CrCore *c, CrModule *self)
{
    return cr_symbol_lookup(c, "cr_iommu_register") ? 0 : -CR_ENOENT;
}
