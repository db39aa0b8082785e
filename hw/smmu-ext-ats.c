/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmu-ext-ats-if: the interface type and its helpers (see smmu-ext-ats.h).
 */
#include "qemu/osdep.h"
#include "qom/object.h"
#include "hw/pci/pci.h"
#include "smmu-ext-ats.h"

typedef struct SmmuExtAtsFind {
    PCIBus *root;
    Object *found;
} SmmuExtAtsFind;

static int smmu_ext_ats_find_one(Object *obj, void *opaque)
{
    SmmuExtAtsFind *f = opaque;
    SmmuExtAtsIfClass *k;

    if (!object_dynamic_cast(obj, TYPE_SMMU_EXT_ATS_IF)) {
        return 0;
    }
    k = SMMU_EXT_ATS_IF_GET_CLASS(obj);
    if (k->serves_bus && k->serves_bus(obj, f->root)) {
        f->found = obj;
        return 1;                       /* stop the walk */
    }
    return 0;
}

Object *smmu_ext_ats_find(PCIDevice *dev)
{
    SmmuExtAtsFind f = { .root = pci_device_root_bus(dev) };

    if (!f.root) {
        return NULL;
    }
    object_child_foreach_recursive(object_get_root(), smmu_ext_ats_find_one,
                                   &f);
    return f.found;
}

static void smmu_ext_ats_no_method(SmmuExtAtsFault *fault, uint64_t addr)
{
    fault->kind = SMMU_EXT_ATS_FAULT_ABORT;
    fault->code = 0;
    fault->addr = addr;
    fault->recorded = false;
}

MemTxResult smmu_ext_ats_dma(Object *smmu, PCIDevice *dev, uint32_t pasid,
                             bool pasid_valid, uint64_t addr, void *buf,
                             uint64_t len, bool write, bool translated,
                             SmmuExtAtsFault *fault)
{
    SmmuExtAtsIfClass *k = SMMU_EXT_ATS_IF_GET_CLASS(smmu);

    memset(fault, 0, sizeof(*fault));
    if (!k->dma) {
        smmu_ext_ats_no_method(fault, addr);
        return MEMTX_DECODE_ERROR;
    }
    return k->dma(smmu, dev, pasid, pasid_valid, addr, buf, len, write,
                  translated, fault);
}

SmmuExtAtsXlate smmu_ext_ats_translate(Object *smmu, PCIDevice *dev,
                                       uint32_t pasid, bool pasid_valid,
                                       uint64_t iova, bool write)
{
    SmmuExtAtsIfClass *k = SMMU_EXT_ATS_IF_GET_CLASS(smmu);
    SmmuExtAtsXlate r = { .status = SMMU_EXT_ATS_XLATE_UR };

    if (!k->translate) {
        smmu_ext_ats_no_method(&r.fault, iova);
        return r;
    }
    return k->translate(smmu, dev, pasid, pasid_valid, iova, write);
}

bool smmu_ext_ats_page_request(Object *smmu, PCIDevice *dev, uint32_t pasid,
                               bool pasid_valid, uint64_t addr, bool read,
                               bool write, uint16_t prgi, bool last)
{
    SmmuExtAtsIfClass *k = SMMU_EXT_ATS_IF_GET_CLASS(smmu);

    if (!k->page_request) {
        return false;
    }
    return k->page_request(smmu, dev, pasid, pasid_valid, addr, read, write,
                           prgi, last);
}

bool smmu_ext_ats_register(Object *smmu, PCIDevice *dev,
                           const SmmuExtAtsEndpointOps *ops, void *opaque)
{
    SmmuExtAtsIfClass *k = SMMU_EXT_ATS_IF_GET_CLASS(smmu);

    if (!k->register_endpoint) {
        return false;
    }
    k->register_endpoint(smmu, dev, ops, opaque);
    return true;
}

bool smmu_ext_ats_timing_arrival(Object *smmu, PCIDevice *dev,
                                 int64_t arrival_ns)
{
    SmmuExtAtsIfClass *k = SMMU_EXT_ATS_IF_GET_CLASS(smmu);

    return k->timing_arrival && k->timing_arrival(smmu, dev, arrival_ns);
}

int64_t smmu_ext_ats_timing_done(Object *smmu, PCIDevice *dev)
{
    SmmuExtAtsIfClass *k = SMMU_EXT_ATS_IF_GET_CLASS(smmu);

    return k->timing_done ? k->timing_done(smmu, dev) : -1;
}

static const TypeInfo smmu_ext_ats_if_info = {
    .name = TYPE_SMMU_EXT_ATS_IF,
    .parent = TYPE_INTERFACE,
    .class_size = sizeof(SmmuExtAtsIfClass),
};

static void smmu_ext_ats_register_types(void)
{
    type_register_static(&smmu_ext_ats_if_info);
}

type_init(smmu_ext_ats_register_types)
