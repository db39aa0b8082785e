# SPDX-License-Identifier: GPL-2.0-or-later
# After the DMA tests: the SMMU driver logged no timeout, no global error
# and no fault event.  With loglevel=3 none of these reach the console
# (they are KERN_ERR, KERN_WARNING and KERN_INFO), so the kernel log is
# read here.  The patterns are each driver's own words
# (drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c, arm-smmu/arm-smmu.c).
. /etc/testlib.sh
case "$EXPECT_IOMMU" in
arm-smmu-v3)
    log=$(dmesg | grep -E 'arm-smmu-v3 [^ ]+: ')
    TIMEOUT='CMD_SYNC timeout'
    GERROR='gerror|global error|write aborted|CMDQ error|skipping command|Service Failure'
    EVENT='event 0x[0-9a-f]+ received|overflow detected|unexpected PRI request'
    what="CMD_SYNC timeout" ;;
arm-smmu)
    log=$(dmesg | grep -E 'arm-smmu [^ ]+: ')
    TIMEOUT='sync timed out'
    GERROR='Unexpected global fault|Blocked unknown Stream ID|GFSR 0x'
    # and the address translation operation of iova_to_phys (atos=on)
    EVENT='Unhandled context fault|context fault|translation fault!|iova to phys timed out'
    what="TLB sync timeout" ;;
*)  skip "no arm-smmu-v3 or arm-smmu expected" ;;
esac
echo "$log" | grep -v -i -E "$TIMEOUT|$GERROR|$EVENT" | head -n 12
# Offending lines with the raw event dwords printed after them.
echo "$log" | grep -i -E -A4 "$TIMEOUT|$GERROR|$EVENT" | head -n 24
timeouts=$(echo "$log" | grep -c -E "$TIMEOUT")
gerrors=$(echo "$log" | grep -c -i -E "$GERROR")
events=$(echo "$log" | grep -c -i -E "$EVENT")
echo "sync_timeouts: $timeouts"
echo "global_errors: $gerrors"
echo "events: $events"
[ "$timeouts" = 0 ] && [ "$gerrors" = 0 ] && [ "$events" = 0 ] ||
    fail "$EXPECT_IOMMU logged $timeouts sync timeouts, $gerrors global errors, $events fault events"
echo "$EXPECT_IOMMU logged no $what, global error or fault event"
