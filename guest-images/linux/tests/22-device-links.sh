# SPDX-License-Identifier: GPL-2.0-or-later
# Device links to the SMMU (arm-smmu, SMMUv2): the driver links every
# master it probes to its SMMU instance (device_link_add() in
# arm_smmu_probe_device()), so each PCI function in an IOMMU group has a
# link in /sys/class/devlink from the SMMU's platform device, and it is
# active once the function's driver is bound.  arm-smmu-v3 adds no such
# links.
. /etc/testlib.sh
[ "$EXPECT_IOMMU" = arm-smmu ] || skip "links are checked for arm-smmu only"
[ -d /sys/class/devlink ] || fail "no /sys/class/devlink in this kernel"
checked=0
for dev in /sys/bus/pci/devices/*; do
    [ -e "$dev/iommu_group" ] || continue
    bdf=$(basename "$dev")
    smmu=$(basename "$(readlink -f "$dev/iommu/device")")
    link=/sys/class/devlink/platform:$smmu--pci:$bdf
    [ -d "$link" ] || fail "no device link platform:$smmu--pci:$bdf"
    status=$(cat "$link/status")
    echo "platform:$smmu--pci:$bdf status $status"
    if [ -e "$dev/driver" ]; then
        [ "$status" = active ] ||
            fail "link to bound $bdf is $status, expected active"
    fi
    checked=$((checked + 1))
done
[ "$checked" -gt 0 ] || fail "no PCI function in an IOMMU group"
echo "device links: $checked, each from its SMMU"
