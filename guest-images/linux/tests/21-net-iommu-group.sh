# SPDX-License-Identifier: GPL-2.0-or-later
# Every virtio-net PCI device is in an IOMMU group iff an IOMMU is expected.
. /etc/testlib.sh
found=0
for n in /sys/class/net/*; do
    [ -e "$n/device" ] || continue
    dev=$(pci_dev_of "$n/device") || continue
    found=1
    if [ -e "$dev/iommu_group" ]; then
        echo "$(basename "$n") $(basename "$dev") in iommu group $(basename "$(readlink -f "$dev/iommu_group")")"
        [ "$EXPECT_IOMMU" != none ] || fail "$(basename "$n") grouped without an IOMMU"
    else
        [ "$EXPECT_IOMMU" = none ] || fail "$(basename "$n") is in no IOMMU group"
        echo "$(basename "$n") $(basename "$dev") in no iommu group, as expected"
    fi
done
[ $found = 1 ] || skip "no PCI network device"
