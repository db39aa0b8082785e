# SPDX-License-Identifier: GPL-2.0-or-later
# After the DMA tests: the arm-smmu-v3 driver logged no command-queue
# timeout, no global error and no event.  With loglevel=3 none of these
# reach the console (they are KERN_ERR, KERN_WARNING and KERN_INFO), so
# the kernel log is read here.
. /etc/testlib.sh
[ "$EXPECT_IOMMU" = arm-smmu-v3 ] || skip "no arm-smmu-v3 expected"
log=$(dmesg | grep -E 'arm-smmu-v3 [^ ]+: ')
# The driver's own words (drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c).
TIMEOUT='CMD_SYNC timeout'
GERROR='gerror|global error|write aborted|CMDQ error|skipping command|Service Failure'
EVENT='event 0x[0-9a-f]+ received|overflow detected|unexpected PRI request'
echo "$log" | grep -v -i -E "$TIMEOUT|$GERROR|$EVENT" | head -n 8
# Offending lines with the raw event dwords printed after them.
echo "$log" | grep -i -E -A4 "$TIMEOUT|$GERROR|$EVENT" | head -n 24
timeouts=$(echo "$log" | grep -c -E "$TIMEOUT")
gerrors=$(echo "$log" | grep -c -i -E "$GERROR")
events=$(echo "$log" | grep -c -i -E "$EVENT")
echo "cmd_sync_timeouts: $timeouts"
echo "global_errors: $gerrors"
echo "events: $events"
[ "$timeouts" = 0 ] && [ "$gerrors" = 0 ] && [ "$events" = 0 ] ||
    fail "arm-smmu-v3 logged $timeouts CMD_SYNC timeouts, $gerrors global errors, $events events"
echo "arm-smmu-v3 logged no CMD_SYNC timeout, global error or event"
