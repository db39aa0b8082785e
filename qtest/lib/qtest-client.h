/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small QTest client: starts qemu-system-aarch64 with -accel qtest,
 * speaks the qtest line protocol on one socket and QMP on another.
 *
 * Every QEMU started here is also recorded in a process-wide list; an
 * atexit() handler and a SIGABRT/SIGSEGV/SIGTERM handler kill what is
 * left, and the child gets PR_SET_PDEATHSIG, so a failed g_assert never
 * leaves a QEMU behind.
 */
#ifndef QTEST_CLIENT_H
#define QTEST_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "qbus.h"

#define QTC_MAX_IRQS 1024

typedef struct QTestClient QTestClient;

/*
 * Start QEMU with "-machine virt,gic-version=3 -cpu max -accel qtest
 * -display none -nodefaults" plus @extra_args (a shell-like string, may
 * be NULL).  The binary is $QTEST_QEMU_BINARY or, without it,
 * build/qemu/qemu-system-aarch64 of this repository.  Fails the test
 * (g_error) when QEMU does not come up; use qtc_try_start() to test
 * command lines that must be refused.
 */
QTestClient *qtc_start(const char *extra_args, ...)
    __attribute__((format(printf, 1, 2)));
/*
 * Like qtc_start() but returns NULL when QEMU exits before the sockets
 * connect; *@stderr_out (if not NULL) then holds its error output.
 */
QTestClient *qtc_try_start(char **stderr_out, const char *extra_args);
/* Kill QEMU (if still running), reap it, remove its sockets. */
void qtc_quit(QTestClient *q);
/* The QEMU's error output so far (for failure messages); g_free it. */
char *qtc_stderr(QTestClient *q);
/* A path in the client's private temporary directory (g_free it). */
char *qtc_tmp_path(QTestClient *q, const char *name);

/* ---- qtest protocol ------------------------------------------------- */

/* Send one command line (no newline) and return the reply after "OK". */
char *qtc_cmd(QTestClient *q, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
uint8_t qtc_readb(QTestClient *q, uint64_t addr);
uint16_t qtc_readw(QTestClient *q, uint64_t addr);
uint32_t qtc_readl(QTestClient *q, uint64_t addr);
uint64_t qtc_readq(QTestClient *q, uint64_t addr);
void qtc_writeb(QTestClient *q, uint64_t addr, uint8_t val);
void qtc_writew(QTestClient *q, uint64_t addr, uint16_t val);
void qtc_writel(QTestClient *q, uint64_t addr, uint32_t val);
void qtc_writeq(QTestClient *q, uint64_t addr, uint64_t val);
void qtc_memread(QTestClient *q, uint64_t addr, void *buf, size_t len);
void qtc_memwrite(QTestClient *q, uint64_t addr, const void *buf,
                  size_t len);
void qtc_memset(QTestClient *q, uint64_t addr, uint8_t val, size_t len);
/* Advance the virtual clock by @ns (0: to the next timer deadline). */
int64_t qtc_clock_step(QTestClient *q, int64_t ns);

/*
 * Intercept the unnamed GPIO inputs of the object at @qom_path: from
 * then on "IRQ raise/lower N" lines are counted per input N.
 */
void qtc_irq_intercept_in(QTestClient *q, const char *qom_path);
/* Level of input @n, and how many times it was raised so far. */
bool qtc_irq_level(QTestClient *q, unsigned n);
unsigned qtc_irq_raised(QTestClient *q, unsigned n);
/* Let asynchronous lines arrive (one round trip). */
void qtc_sync(QTestClient *q);

/* A QBus over this client (valid as long as @q). */
QBus qtc_bus(QTestClient *q);

/* ---- QMP -------------------------------------------------------------- */

/*
 * Send one QMP command (a JSON object, printf-style) and return the
 * response line ({"return": ...} or {"error": ...}); events are skipped.
 */
char *qtc_qmp(QTestClient *q, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Asserts the response is a return, and gives the text after "return":. */
char *qtc_qmp_ok(QTestClient *q, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* qom-get of an integer property. */
uint64_t qtc_qom_get_uint(QTestClient *q, const char *path,
                          const char *prop);
/* The QOM path of the first child of @parent whose type is @type. */
char *qtc_qom_find_child(QTestClient *q, const char *parent,
                         const char *type);

#endif /* QTEST_CLIENT_H */
