# SPDX-License-Identifier: GPL-2.0-or-later
# Hazard H-1 of the core-ref spec, on purpose: Linux 6.1 to 6.7 keep the
# bus's iommu_ops after the last IOMMU module is unloaded, so the next
# PCI device added reads the freed module's ops.  Remove every device
# behind the SMMU, rmmod arm_smmu_v3, rescan: on 6.1 the kernel oopses in
# __iommu_probe_device() and (oops=panic) powers off before this test
# reports; a kernel without the bug reports ok.  Runs only when asked
# (smmuext.hazard=stale-bus-ops), since it takes the guest down.
. /etc/testlib.sh
smmu_hazard stale-bus-ops
mod=$smmu_mod
for d in /sys/bus/pci/devices/*; do
    [ -e "$d/iommu_group" ] && echo 1 > "$d/remove"
done
rmmod $mod || fail "rmmod $mod failed with no device attached"
# To the console at once: this test's output is shown only if it ends.
echo "# stale-bus-ops: rmmod done; rescanning with no IOMMU driver loaded" \
    > /dev/console
echo 1 > /sys/bus/pci/rescan
echo "rescan survived: the bus forgot the unloaded driver's ops"
