/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What every model does with its host the same way (sm-host.h).
 */
#include <stdarg.h>

#include <glib.h>

#include "sm-host.h"

void sm_host_log(const SmHost *host, SmLogKind kind, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    if (!host || !host->log) {
        return;
    }
    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    host->log(host->opaque, kind, msg);
    g_free(msg);
}
