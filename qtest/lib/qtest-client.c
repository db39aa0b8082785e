/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QTest client: process management, the qtest line protocol and QMP.
 * See qtest-client.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qtest-client.h"

/* Upper bounds of every wait, in milliseconds. */
#define QTC_START_TIMEOUT_MS   30000
#define QTC_REPLY_TIMEOUT_MS   60000

struct QTestClient {
    pid_t pid;
    char *tmpdir;
    char *errpath;
    int qt_fd;
    int qmp_fd;
    GString *qt_buf;         /* bytes received and not yet consumed */
    GString *qmp_buf;
    bool irq_level[QTC_MAX_IRQS];
    unsigned irq_raised[QTC_MAX_IRQS];
};

/* ---- the list of live QEMUs, for cleanup on any exit -------------------- */

#define QTC_MAX_LIVE 16
static volatile pid_t qtc_live[QTC_MAX_LIVE];
static char *qtc_live_dir[QTC_MAX_LIVE];
static bool qtc_handlers_set;

/* Remove what a client may have created in its directory. */
static void qtc_remove_dir(const char *dir)
{
    static const char *const names[] = {
        "stderr", "qtest.sock", "qmp.sock", "mig.sock",
    };
    char path[512];
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(names); i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

static void qtc_kill_all(void)
{
    unsigned i;

    for (i = 0; i < QTC_MAX_LIVE; i++) {
        pid_t pid = qtc_live[i];

        if (pid > 0) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            qtc_live[i] = 0;
            if (qtc_live_dir[i]) {
                qtc_remove_dir(qtc_live_dir[i]);
            }
        }
    }
}

static void qtc_fatal_signal(int sig)
{
    qtc_kill_all();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void qtc_track(pid_t pid, const char *dir)
{
    unsigned i;

    if (!qtc_handlers_set) {
        qtc_handlers_set = true;
        atexit(qtc_kill_all);
        signal(SIGABRT, qtc_fatal_signal);
        signal(SIGSEGV, qtc_fatal_signal);
        signal(SIGTERM, qtc_fatal_signal);
        signal(SIGINT, qtc_fatal_signal);
        signal(SIGPIPE, SIG_IGN);
    }
    for (i = 0; i < QTC_MAX_LIVE; i++) {
        if (!qtc_live[i]) {
            g_free(qtc_live_dir[i]);
            qtc_live_dir[i] = g_strdup(dir);
            qtc_live[i] = pid;
            return;
        }
    }
    g_error("more than %d QEMUs at once", QTC_MAX_LIVE);
}

static void qtc_untrack(pid_t pid)
{
    unsigned i;

    for (i = 0; i < QTC_MAX_LIVE; i++) {
        if (qtc_live[i] == pid) {
            qtc_live[i] = 0;
        }
    }
}

/* ---- start-up ------------------------------------------------------------ */

static const char *qtc_binary(void)
{
    const char *env = getenv("QTEST_QEMU_BINARY");

    if (env && *env) {
        return env;
    }
#ifdef QTC_DEFAULT_QEMU
    return QTC_DEFAULT_QEMU;
#else
    return "../build/qemu/qemu-system-aarch64";
#endif
}

static int qtc_listen(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    g_assert(fd >= 0);
    g_assert(strlen(path) < sizeof(addr.sun_path));
    strcpy(addr.sun_path, path);
    unlink(path);
    if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
        listen(fd, 1) < 0) {
        g_error("socket %s: %s", path, g_strerror(errno));
    }
    return fd;
}

/* Accept one connection within the start-up bound, unless QEMU died. */
static int qtc_accept(QTestClient *q, int lfd)
{
    gint64 end = g_get_monotonic_time() + QTC_START_TIMEOUT_MS * 1000LL;

    while (g_get_monotonic_time() < end) {
        struct pollfd p = { .fd = lfd, .events = POLLIN };
        int status;

        if (poll(&p, 1, 50) > 0) {
            return accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
        }
        if (waitpid(q->pid, &status, WNOHANG) == q->pid) {
            qtc_untrack(q->pid);
            q->pid = 0;
            return -1;
        }
    }
    return -1;
}

char *qtc_stderr(QTestClient *q)
{
    char *text = NULL;

    if (!g_file_get_contents(q->errpath, &text, NULL, NULL)) {
        return g_strdup("(no stderr)");
    }
    return text;
}

char *qtc_tmp_path(QTestClient *q, const char *name)
{
    return g_build_filename(q->tmpdir, name, NULL);
}

static void qtc_free(QTestClient *q)
{
    if (q->qt_fd >= 0) {
        close(q->qt_fd);
    }
    if (q->qmp_fd >= 0) {
        close(q->qmp_fd);
    }
    if (q->pid > 0) {
        kill(q->pid, SIGKILL);
        waitpid(q->pid, NULL, 0);
        qtc_untrack(q->pid);
    }
    if (q->tmpdir) {
        GDir *d = g_dir_open(q->tmpdir, 0, NULL);
        const char *name;

        while (d && (name = g_dir_read_name(d))) {
            g_autofree char *p = g_build_filename(q->tmpdir, name, NULL);

            g_unlink(p);
        }
        if (d) {
            g_dir_close(d);
        }
        g_rmdir(q->tmpdir);
    }
    g_free(q->tmpdir);
    g_free(q->errpath);
    g_string_free(q->qt_buf, true);
    g_string_free(q->qmp_buf, true);
    g_free(q);
}

static char *qtc_read_line(QTestClient *q, int fd, GString *buf);
static char *qtc_read_line_soft(QTestClient *q, int fd, GString *buf);

QTestClient *qtc_try_start(char **stderr_out, const char *extra_args)
{
    QTestClient *q = g_new0(QTestClient, 1);
    g_autofree char *qt_path = NULL, *qmp_path = NULL, *cmdline = NULL;
    g_auto(GStrv) argv = NULL;
    g_autoptr(GError) err = NULL;
    int qt_lfd, qmp_lfd;
    char *greeting, *resp;

    q->qt_fd = q->qmp_fd = -1;
    q->qt_buf = g_string_new(NULL);
    q->qmp_buf = g_string_new(NULL);
    q->tmpdir = g_dir_make_tmp("qsm3-XXXXXX", &err);
    g_assert_no_error(err);
    q->errpath = g_build_filename(q->tmpdir, "stderr", NULL);
    qt_path = g_build_filename(q->tmpdir, "qtest.sock", NULL);
    qmp_path = g_build_filename(q->tmpdir, "qmp.sock", NULL);
    qt_lfd = qtc_listen(qt_path);
    qmp_lfd = qtc_listen(qmp_path);

    cmdline = g_strdup_printf("%s -machine virt,gic-version=3 -cpu max "
                              "-accel qtest -qtest unix:%s -qtest-log none "
                              "-chardev socket,path=%s,id=qmp0 "
                              "-mon chardev=qmp0,mode=control "
                              "-display none -nodefaults %s",
                              qtc_binary(), qt_path, qmp_path,
                              extra_args ? extra_args : "");
    if (!g_shell_parse_argv(cmdline, NULL, &argv, &err)) {
        g_error("bad QEMU arguments '%s': %s", cmdline, err->message);
    }
    if (g_test_verbose()) {
        g_printerr("# %s\n", cmdline);
    }
    q->pid = fork();
    g_assert(q->pid >= 0);
    if (q->pid == 0) {
        int efd = open(q->errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int nfd = open("/dev/null", O_RDWR);

        prctl(PR_SET_PDEATHSIG, SIGKILL);
        dup2(nfd, 0);
        dup2(nfd, 1);
        dup2(efd, 2);
        execv(argv[0], argv);
        fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    qtc_track(q->pid, q->tmpdir);
    q->qt_fd = qtc_accept(q, qt_lfd);
    if (q->qt_fd >= 0) {
        q->qmp_fd = qtc_accept(q, qmp_lfd);
    }
    close(qt_lfd);
    close(qmp_lfd);
    if (q->qt_fd < 0 || q->qmp_fd < 0) {
        if (q->pid > 0) {
            kill(q->pid, SIGKILL);
            waitpid(q->pid, NULL, 0);
            qtc_untrack(q->pid);
            q->pid = 0;
        }
        goto refused;
    }
    /* QEMU may still refuse its command line after connecting. */
    greeting = qtc_read_line_soft(q, q->qmp_fd, q->qmp_buf);
    if (!greeting) {
        goto refused;
    }
    g_assert(strstr(greeting, "\"QMP\""));
    g_free(greeting);
    {
        static const char caps[] = "{'execute': 'qmp_capabilities'}\n";

        if (write(q->qmp_fd, caps, strlen(caps)) != (ssize_t)strlen(caps)) {
            resp = NULL;
        } else {
            do {
                resp = qtc_read_line_soft(q, q->qmp_fd, q->qmp_buf);
            } while (resp && !strstr(resp, "\"return\"") &&
                     !strstr(resp, "\"error\"") && (g_free(resp), 1));
        }
    }
    if (!resp) {
        goto refused;
    }
    g_assert(strstr(resp, "\"return\""));
    g_free(resp);
    return q;

refused:
    /* QEMU exited or broke off: hand back what it said. */
    if (stderr_out) {
        *stderr_out = qtc_stderr(q);
    }
    qtc_free(q);
    return NULL;
}

QTestClient *qtc_start(const char *fmt, ...)
{
    g_autofree char *args = NULL;
    g_autofree char *err = NULL;
    QTestClient *q;
    va_list ap;

    va_start(ap, fmt);
    args = g_strdup_vprintf(fmt ? fmt : "", ap);
    va_end(ap);
    q = qtc_try_start(&err, args);
    if (!q) {
        g_error("QEMU did not start (%s %s):\n%s", qtc_binary(), args, err);
    }
    return q;
}

void qtc_quit(QTestClient *q)
{
    if (q) {
        qtc_free(q);
    }
}

/* ---- line I/O ------------------------------------------------------------ */

static void qtc_write_all(QTestClient *q, int fd, const char *s, size_t len)
{
    while (len) {
        ssize_t n = write(fd, s, len);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            g_autofree char *e = qtc_stderr(q);

            g_error("write to QEMU failed (%s); QEMU stderr:\n%s",
                    g_strerror(errno), e);
        }
        s += n;
        len -= n;
    }
}

static char *qtc_read_line_mode(QTestClient *q, int fd, GString *buf,
                                bool soft);

/* One line (without the newline) from @fd; bounded wait. */
static char *qtc_read_line(QTestClient *q, int fd, GString *buf)
{
    return qtc_read_line_mode(q, fd, buf, false);
}

/* Same, but NULL instead of failing the test when QEMU went away. */
static char *qtc_read_line_soft(QTestClient *q, int fd, GString *buf)
{
    return qtc_read_line_mode(q, fd, buf, true);
}

static char *qtc_read_line_mode(QTestClient *q, int fd, GString *buf,
                                bool soft)
{
    gint64 end = g_get_monotonic_time() + QTC_REPLY_TIMEOUT_MS * 1000LL;

    for (;;) {
        char *nl = memchr(buf->str, '\n', buf->len);
        struct pollfd p = { .fd = fd, .events = POLLIN };
        char tmp[65536];
        ssize_t n;

        if (nl) {
            size_t len = nl - buf->str;
            char *line = g_strndup(buf->str, len);

            g_string_erase(buf, 0, len + 1);
            if (len && line[len - 1] == '\r') {
                line[len - 1] = 0;
            }
            return line;
        }
        if (g_get_monotonic_time() > end) {
            g_autofree char *e = NULL;

            if (soft) {
                return NULL;
            }
            e = qtc_stderr(q);

            g_error("no reply from QEMU within %d ms; stderr:\n%s",
                    QTC_REPLY_TIMEOUT_MS, e);
        }
        if (poll(&p, 1, 100) <= 0) {
            continue;
        }
        n = read(fd, tmp, sizeof(tmp));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            g_autofree char *e = NULL;

            if (soft) {
                return NULL;
            }
            e = qtc_stderr(q);
            g_error("QEMU closed the connection; stderr:\n%s", e);
        }
        g_string_append_len(buf, tmp, n);
    }
}

/* Take an "IRQ raise|lower N" line into account. */
static bool qtc_irq_line(QTestClient *q, const char *line)
{
    unsigned long n;
    bool raise;

    if (strncmp(line, "IRQ ", 4)) {
        return false;
    }
    raise = !strncmp(line + 4, "raise ", 6);
    n = strtoul(line + 4 + (raise ? 6 : 6), NULL, 0);
    if (n < QTC_MAX_IRQS) {
        if (raise && !q->irq_level[n]) {
            q->irq_raised[n]++;
        }
        q->irq_level[n] = raise;
    }
    return true;
}

static char *qtc_vcmd(QTestClient *q, const char *fmt, va_list ap)
{
    g_autofree char *cmd = g_strdup_vprintf(fmt, ap);
    g_autofree char *full = g_strconcat(cmd, "\n", NULL);

    qtc_write_all(q, q->qt_fd, full, strlen(full));
    for (;;) {
        char *line = qtc_read_line(q, q->qt_fd, q->qt_buf);

        if (qtc_irq_line(q, line)) {
            g_free(line);
            continue;
        }
        if (strncmp(line, "OK", 2)) {
            g_autofree char *e = qtc_stderr(q);

            g_error("qtest '%s' failed: %s\nQEMU stderr:\n%s", cmd, line, e);
        }
        {
            char *rest = g_strdup(line[2] == ' ' ? line + 3 : line + 2);

            g_free(line);
            return rest;
        }
    }
}

char *qtc_cmd(QTestClient *q, const char *fmt, ...)
{
    va_list ap;
    char *r;

    va_start(ap, fmt);
    r = qtc_vcmd(q, fmt, ap);
    va_end(ap);
    return r;
}

static uint64_t qtc_read_n(QTestClient *q, const char *op, uint64_t addr)
{
    g_autofree char *r = qtc_cmd(q, "%s 0x%" G_GINT64_MODIFIER "x", op,
                                 addr);

    return g_ascii_strtoull(r, NULL, 0);
}

static void qtc_write_n(QTestClient *q, const char *op, uint64_t addr,
                        uint64_t val)
{
    g_free(qtc_cmd(q, "%s 0x%" G_GINT64_MODIFIER "x 0x%"
                   G_GINT64_MODIFIER "x", op, addr, val));
}

uint8_t qtc_readb(QTestClient *q, uint64_t addr)
{
    return qtc_read_n(q, "readb", addr);
}

uint16_t qtc_readw(QTestClient *q, uint64_t addr)
{
    return qtc_read_n(q, "readw", addr);
}

uint32_t qtc_readl(QTestClient *q, uint64_t addr)
{
    return qtc_read_n(q, "readl", addr);
}

uint64_t qtc_readq(QTestClient *q, uint64_t addr)
{
    return qtc_read_n(q, "readq", addr);
}

void qtc_writeb(QTestClient *q, uint64_t addr, uint8_t val)
{
    qtc_write_n(q, "writeb", addr, val);
}

void qtc_writew(QTestClient *q, uint64_t addr, uint16_t val)
{
    qtc_write_n(q, "writew", addr, val);
}

void qtc_writel(QTestClient *q, uint64_t addr, uint32_t val)
{
    qtc_write_n(q, "writel", addr, val);
}

void qtc_writeq(QTestClient *q, uint64_t addr, uint64_t val)
{
    qtc_write_n(q, "writeq", addr, val);
}

void qtc_memread(QTestClient *q, uint64_t addr, void *buf, size_t len)
{
    g_autofree char *r = NULL;
    uint8_t *out = buf;
    const char *h;
    size_t i;

    if (!len) {
        return;
    }
    r = qtc_cmd(q, "read 0x%" G_GINT64_MODIFIER "x 0x%zx", addr, len);
    g_assert(!strncmp(r, "0x", 2));
    h = r + 2;
    g_assert_cmpuint(strlen(h), ==, 2 * len);
    for (i = 0; i < len; i++) {
        out[i] = g_ascii_xdigit_value(h[2 * i]) << 4 |
                 g_ascii_xdigit_value(h[2 * i + 1]);
    }
}

void qtc_memwrite(QTestClient *q, uint64_t addr, const void *buf, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    const uint8_t *in = buf;
    g_autofree char *enc = NULL;
    size_t i;

    if (!len) {
        return;
    }
    enc = g_malloc(2 * len + 1);
    for (i = 0; i < len; i++) {
        enc[2 * i] = hex[in[i] >> 4];
        enc[2 * i + 1] = hex[in[i] & 15];
    }
    enc[2 * len] = 0;
    g_free(qtc_cmd(q, "write 0x%" G_GINT64_MODIFIER "x 0x%zx 0x%s", addr,
                   len, enc));
}

void qtc_memset(QTestClient *q, uint64_t addr, uint8_t val, size_t len)
{
    if (len) {
        g_free(qtc_cmd(q, "memset 0x%" G_GINT64_MODIFIER "x 0x%zx 0x%x",
                       addr, len, val));
    }
}

int64_t qtc_clock_step(QTestClient *q, int64_t ns)
{
    g_autofree char *r = ns ? qtc_cmd(q, "clock_step %" G_GINT64_FORMAT, ns)
                            : qtc_cmd(q, "clock_step");

    return g_ascii_strtoll(r, NULL, 10);
}

void qtc_irq_intercept_in(QTestClient *q, const char *qom_path)
{
    g_free(qtc_cmd(q, "irq_intercept_in %s", qom_path));
}

bool qtc_irq_level(QTestClient *q, unsigned n)
{
    g_assert(n < QTC_MAX_IRQS);
    return q->irq_level[n];
}

unsigned qtc_irq_raised(QTestClient *q, unsigned n)
{
    g_assert(n < QTC_MAX_IRQS);
    return q->irq_raised[n];
}

void qtc_sync(QTestClient *q)
{
    g_free(qtc_cmd(q, "endianness"));
}

/* ---- QBus adapter -------------------------------------------------------- */

static void qtc_bus_memread(void *o, uint64_t a, void *b, size_t l)
{
    qtc_memread(o, a, b, l);
}

static void qtc_bus_memwrite(void *o, uint64_t a, const void *b, size_t l)
{
    qtc_memwrite(o, a, b, l);
}

static uint32_t qtc_bus_readl(void *o, uint64_t a)
{
    return qtc_readl(o, a);
}

static void qtc_bus_writel(void *o, uint64_t a, uint32_t v)
{
    qtc_writel(o, a, v);
}

static uint64_t qtc_bus_readq(void *o, uint64_t a)
{
    return qtc_readq(o, a);
}

static void qtc_bus_writeq(void *o, uint64_t a, uint64_t v)
{
    qtc_writeq(o, a, v);
}

QBus qtc_bus(QTestClient *q)
{
    return (QBus) {
        .opaque = q,
        .memread = qtc_bus_memread,
        .memwrite = qtc_bus_memwrite,
        .readl = qtc_bus_readl,
        .writel = qtc_bus_writel,
        .readq = qtc_bus_readq,
        .writeq = qtc_bus_writeq,
    };
}

/* ---- QMP ----------------------------------------------------------------- */

static char *qtc_vqmp(QTestClient *q, const char *fmt, va_list ap)
{
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    char *p;

    /* Single quotes are accepted by QEMU's JSON parser. */
    p = g_strconcat(msg, "\n", NULL);
    qtc_write_all(q, q->qmp_fd, p, strlen(p));
    g_free(p);
    for (;;) {
        char *line = qtc_read_line(q, q->qmp_fd, q->qmp_buf);

        if (strstr(line, "\"return\"") || strstr(line, "\"error\"")) {
            if (!strstr(line, "\"event\"")) {
                return line;
            }
        }
        g_free(line);
    }
}

char *qtc_qmp(QTestClient *q, const char *fmt, ...)
{
    va_list ap;
    char *r;

    va_start(ap, fmt);
    r = qtc_vqmp(q, fmt, ap);
    va_end(ap);
    return r;
}

char *qtc_qmp_ok(QTestClient *q, const char *fmt, ...)
{
    va_list ap;
    char *r, *v;

    va_start(ap, fmt);
    r = qtc_vqmp(q, fmt, ap);
    va_end(ap);
    v = strstr(r, "\"return\":");
    if (!v) {
        g_error("QMP command failed: %s", r);
    }
    v = g_strstrip(g_strdup(v + strlen("\"return\":")));
    g_free(r);
    return v;
}

uint64_t qtc_qom_get_uint(QTestClient *q, const char *path, const char *prop)
{
    g_autofree char *r = qtc_qmp_ok(q, "{'execute': 'qom-get', 'arguments': "
                                    "{'path': '%s', 'property': '%s'}}",
                                    path, prop);

    return g_ascii_strtoull(r, NULL, 10);
}

char *qtc_qom_find_child(QTestClient *q, const char *parent,
                         const char *type)
{
    g_autofree char *r = qtc_qmp_ok(q, "{'execute': 'qom-list', "
                                    "'arguments': {'path': '%s'}}", parent);
    g_autofree char *needle = g_strdup_printf("\"child<%s>\"", type);
    char *hit = strstr(r, needle);
    char *name, *end;

    if (!hit) {
        return NULL;
    }
    /* {"name": "device[3]", "type": "child<arm-gicv3>"}: back to name */
    *hit = 0;
    name = g_strrstr(r, "\"name\": \"");
    g_assert(name);
    name += strlen("\"name\": \"");
    end = strchr(name, '"');
    g_assert(end);
    *end = 0;
    return g_strdup_printf("%s/%s", parent, name);
}
