# SPDX-License-Identifier: GPL-2.0-or-later
# Whole-disk O_DIRECT read in 4 KiB blocks matches the host's sha256.
. /etc/testlib.sh
dma_read_check 4096
