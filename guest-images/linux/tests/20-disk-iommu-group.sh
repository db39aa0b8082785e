# SPDX-License-Identifier: GPL-2.0-or-later
# The virtio-blk PCI device is in an IOMMU group iff an IOMMU is expected.
. /etc/testlib.sh
dev=$(disk_pci_dev) || fail "no PCI device behind $DISK_DEV"
echo "disk PCI device: $dev"
if [ -e "$dev/iommu_group" ]; then
    group=$(basename "$(readlink -f "$dev/iommu_group")")
    echo "disk $(basename "$dev") in iommu group $group"
    [ "$EXPECT_IOMMU" != none ] || fail "in group $group without an IOMMU"
else
    [ "$EXPECT_IOMMU" = none ] || fail "disk is in no IOMMU group"
    echo "disk $(basename "$dev") in no iommu group, as expected"
fi
