# SPDX-License-Identifier: GPL-2.0-or-later
# The deferred-probe timeout (SCN-6 of the bring-up issue): with the SMMU
# driver not loaded, how long do the devices behind it wait, and what do
# they look like when the driver comes later?  Waits up to
# smmuext.probe_wait seconds for the disk (run only when that is given),
# then loads the driver and records the disk's group and DMA.  Linux
# stops waiting for a missing IOMMU after deferred_probe_timeout seconds
# (device tree), or never with deferred_probe_timeout=-1.
. /etc/testlib.sh
wait_s=$(cmdline_param probe_wait)
[ -n "$wait_s" ] || skip "not asked for (smmuext.probe_wait=SECONDS)"
smmu_module_unloaded
mod=$smmu_mod ko=$smmu_ko
group_of_disk() {
    d=$(pci_dev_of /sys/block/vda/device) || { echo -; return; }
    [ -e "$d/iommu_group" ] && basename "$(readlink -f "$d/iommu_group")" ||
        echo -
}
t=0
while [ ! -e /sys/block/vda ] && [ $t -lt "$wait_s" ]; do
    sleep 1
    t=$((t + 1))
done
bound_early=0
if [ -e /sys/block/vda ]; then
    bound_early=1
    echo "without $mod: disk bound, group $(group_of_disk)"
else
    echo "without $mod: disk still deferred after $wait_s s"
fi
echo "timeout messages: $(dmesg | grep -c "deferred probe timeout")"
insmod "$ko" || fail "insmod $ko failed"
disk_dev vda >/dev/null || fail "no disk after loading $mod"
echo "with $mod: disk group $(group_of_disk)"
if [ $bound_early = 1 ] && [ "$EXPECT_IOMMU" = arm-smmu ]; then
    # arm-smmu lets a stream no SMR matches bypass (sCR0.USFCFG 0, unless
    # arm-smmu.disable_bypass): the disk's DMA goes on untranslated.
    echo "DMA without translation: the disk's stream bypasses"
    dma_read_check 65536
elif [ $bound_early = 1 ]; then
    # Its driver set up DMA without the IOMMU, and the driver loaded now
    # does not take the bound device in: the SMMU aborts its stream (an
    # STE the driver never wrote), virtio would mark the disk broken on
    # its next DMA and the test would hang, so none is tried.
    echo "no DMA tried: the disk's driver bound before its IOMMU"
else
    dma_read_check 65536
fi
echo "probe timeout recorded"
