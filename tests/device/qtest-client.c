/*
 * A minimal client of QEMU's qtest text protocol.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qtest-client.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define QTC_MAX_IRQ 256

struct QtestClient {
    pid_t pid;
    FILE *to;       /* QEMU's stdin */
    FILE *from;     /* QEMU's stdout */
    bool failed;
    char *line;     /* last answer */
    size_t line_cap;
    bool irq[QTC_MAX_IRQ];
    char qmp_path[108];
    FILE *qmp;
};

static uint64_t qtc_cmd(QtestClient *q, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define PCI_CFG_ADDR 0xcf8
#define PCI_CFG_DATA 0xcfc
#define PCI_COMMAND 0x04
#define PCI_COMMAND_MEMORY 0x2
#define PCI_COMMAND_MASTER 0x4

QtestClient *qtc_start(const char *qemu, const char *const *args)
{
    int in[2], out[2];
    size_t n = 0;
    const char **argv;
    QtestClient *q;

    while (args && args[n]) {
        n++;
    }
    argv = calloc(n + 16, sizeof(*argv));
    q = calloc(1, sizeof(*q));
    if (!argv || !q || pipe(in) || pipe(out)) {
        perror("qtest-client");
        exit(1);
    }
    argv[0] = qemu;
    argv[1] = "-machine";
    argv[2] = "q35";
    argv[3] = "-accel";
    argv[4] = "qtest";
    argv[5] = "-qtest";
    argv[6] = "stdio";
    argv[7] = "-nodefaults";
    argv[8] = "-display";
    argv[9] = "none";
    argv[10] = "-qtest-log";
    argv[11] = "/dev/null";
    static int serial;
    static char qmp_arg[160];
    snprintf(q->qmp_path, sizeof(q->qmp_path), "/tmp/qtc-%d-%d.qmp",
             (int)getpid(), serial++);
    snprintf(qmp_arg, sizeof(qmp_arg), "unix:%s,server=on,wait=off",
             q->qmp_path);
    argv[12] = "-qmp";
    argv[13] = qmp_arg;
    for (size_t i = 0; i < n; i++) {
        argv[14 + i] = args[i];
    }

    q->pid = fork();
    if (q->pid < 0) {
        perror("qtest-client: fork");
        exit(1);
    }
    if (q->pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[1]);
        close(out[0]);
        execv(qemu, (char *const *)argv);
        fprintf(stderr, "qtest-client: cannot run %s: %s\n", qemu,
                strerror(errno));
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    free(argv);
    q->to = fdopen(in[1], "w");
    q->from = fdopen(out[0], "r");
    setvbuf(q->to, NULL, _IOLBF, 0);

    /* A harmless first command tells whether QEMU came up. */
    qtc_cmd(q, "readb 0x0\n");
    if (q->failed) {
        fprintf(stderr, "qtest-client: QEMU did not start\n");
        qtc_stop(q);
        return NULL;
    }
    return q;
}

int qtc_stop(QtestClient *q)
{
    int status = 0;

    if (q->qmp) {
        fclose(q->qmp);
    }
    fclose(q->to);
    fclose(q->from);
    kill(q->pid, SIGTERM);  /* QEMU does not exit on end of input */
    waitpid(q->pid, &status, 0);
    unlink(q->qmp_path);
    free(q->line);
    free(q);
    return status;
}

bool qtc_failed(const QtestClient *q)
{
    return q->failed;
}

/*
 * Send one command; return the value of an "OK [value]" answer. The
 * whole answer stays in q->line.
 */
static uint64_t qtc_cmd(QtestClient *q, const char *fmt, ...)
{
    va_list ap;

    if (q->failed) {
        return ~0ull;
    }
    va_start(ap, fmt);
    vfprintf(q->to, fmt, ap);
    va_end(ap);
    fflush(q->to);

    /* Note, and skip, asynchronous IRQ notifications. */
    for (;;) {
        int n;

        if (getline(&q->line, &q->line_cap, q->from) < 0) {
            fprintf(stderr, "qtest-client: QEMU closed the connection\n");
            q->failed = true;
            return ~0ull;
        }
        if (strncmp(q->line, "IRQ", 3)) {
            break;
        }
        if (sscanf(q->line, "IRQ raise %d", &n) == 1 && n >= 0 &&
            n < QTC_MAX_IRQ) {
            q->irq[n] = true;
        } else if (sscanf(q->line, "IRQ lower %d", &n) == 1 && n >= 0 &&
                   n < QTC_MAX_IRQ) {
            q->irq[n] = false;
        }
    }

    if (strncmp(q->line, "OK", 2)) {
        fprintf(stderr, "qtest-client: QEMU answered: %s", q->line);
        q->failed = true;
        return ~0ull;
    }
    return strtoull(q->line + 2, NULL, 0);
}

void qtc_memread(QtestClient *q, uint64_t addr, void *buf, size_t len)
{
    uint8_t *p = buf;
    const char *h;

    memset(buf, 0xff, len);
    if (!len) {
        return;
    }
    qtc_cmd(q, "read 0x%" PRIx64 " 0x%zx\n", addr, len);
    if (q->failed) {
        return;
    }
    h = strstr(q->line, "0x");
    if (!h) {
        q->failed = true;
        return;
    }
    h += 2;
    for (size_t i = 0; i < len; i++) {
        unsigned v;

        if (sscanf(h + 2 * i, "%2x", &v) != 1) {
            q->failed = true;
            return;
        }
        p[i] = v;
    }
}

void qtc_memwrite(QtestClient *q, uint64_t addr, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    char *hex;

    if (!len) {
        return;
    }
    hex = malloc(2 * len + 1);
    for (size_t i = 0; i < len; i++) {
        sprintf(hex + 2 * i, "%02x", p[i]);
    }
    qtc_cmd(q, "write 0x%" PRIx64 " 0x%zx 0x%s\n", addr, len, hex);
    free(hex);
}

void qtc_memset(QtestClient *q, uint64_t addr, uint8_t val, size_t len)
{
    qtc_cmd(q, "memset 0x%" PRIx64 " 0x%zx 0x%x\n", addr, len, val);
}

int64_t qtc_clock_step(QtestClient *q, int64_t ns)
{
    return qtc_cmd(q, "clock_step %" PRId64 "\n", ns);
}

void qtc_irq_intercept(QtestClient *q, const char *qom_path)
{
    qtc_cmd(q, "irq_intercept_in %s\n", qom_path);
}

bool qtc_irq_level(QtestClient *q, int n)
{
    /* A round trip collects the notifications sent so far. */
    qtc_cmd(q, "readb 0x0\n");
    return n >= 0 && n < QTC_MAX_IRQ && q->irq[n];
}

static char *qtc_qmp_line(QtestClient *q)
{
    char *line = NULL;
    size_t cap = 0;

    for (;;) {
        if (getline(&line, &cap, q->qmp) < 0) {
            free(line);
            return NULL;
        }
        if (!strstr(line, "\"event\"")) {
            return line;
        }
    }
}

char *qtc_qmp(QtestClient *q, const char *fmt, ...)
{
    va_list ap;

    if (!q->qmp) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        char *greeting;

        snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", q->qmp_path);
        if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
            perror("qtest-client: QMP");
            if (fd >= 0) {
                close(fd);
            }
            return NULL;
        }
        q->qmp = fdopen(fd, "r+");
        setvbuf(q->qmp, NULL, _IOLBF, 0);
        free(qtc_qmp_line(q));      /* greeting */
        fprintf(q->qmp, "{\"execute\": \"qmp_capabilities\"}\n");
        fflush(q->qmp);
        greeting = qtc_qmp_line(q);
        free(greeting);
    }
    va_start(ap, fmt);
    vfprintf(q->qmp, fmt, ap);
    va_end(ap);
    fprintf(q->qmp, "\n");
    fflush(q->qmp);
    return qtc_qmp_line(q);
}

int qtc_pci_find_cap(QtestClient *q, int devfn, uint8_t id)
{
    int off;

    if (!(qtc_pci_cfg_readl(q, devfn, 0x04) & (1u << 20))) {
        return 0;
    }
    off = qtc_pci_cfg_readl(q, devfn, 0x34) & 0xfc;
    for (int hops = 0; off && hops < 48; hops++) {
        uint32_t hdr = qtc_pci_cfg_readl(q, devfn, off);

        if ((hdr & 0xff) == id) {
            return off;
        }
        off = (hdr >> 8) & 0xfc;
    }
    return 0;
}

uint8_t qtc_readb(QtestClient *q, uint64_t addr)
{
    return qtc_cmd(q, "readb 0x%" PRIx64 "\n", addr);
}

uint32_t qtc_readl(QtestClient *q, uint64_t addr)
{
    return qtc_cmd(q, "readl 0x%" PRIx64 "\n", addr);
}

uint64_t qtc_readq(QtestClient *q, uint64_t addr)
{
    return qtc_cmd(q, "readq 0x%" PRIx64 "\n", addr);
}

void qtc_writel(QtestClient *q, uint64_t addr, uint32_t val)
{
    qtc_cmd(q, "writel 0x%" PRIx64 " 0x%" PRIx32 "\n", addr, val);
}

void qtc_writeq(QtestClient *q, uint64_t addr, uint64_t val)
{
    qtc_cmd(q, "writeq 0x%" PRIx64 " 0x%" PRIx64 "\n", addr, val);
}

uint32_t qtc_inl(QtestClient *q, uint16_t port)
{
    return qtc_cmd(q, "inl 0x%x\n", port);
}

void qtc_outl(QtestClient *q, uint16_t port, uint32_t val)
{
    qtc_cmd(q, "outl 0x%x 0x%" PRIx32 "\n", port, val);
}

static uint32_t cfg_addr(int devfn, int off)
{
    return 0x80000000u | ((uint32_t)devfn << 8) | (off & 0xfc);
}

uint32_t qtc_pci_cfg_readl(QtestClient *q, int devfn, int off)
{
    qtc_outl(q, PCI_CFG_ADDR, cfg_addr(devfn, off));
    return qtc_inl(q, PCI_CFG_DATA);
}

void qtc_pci_cfg_writel(QtestClient *q, int devfn, int off, uint32_t val)
{
    qtc_outl(q, PCI_CFG_ADDR, cfg_addr(devfn, off));
    qtc_outl(q, PCI_CFG_DATA, val);
}

int qtc_pci_find(QtestClient *q, uint16_t vendor, uint16_t device)
{
    uint32_t want = ((uint32_t)device << 16) | vendor;

    for (int devfn = 0; devfn < 256; devfn++) {
        if (qtc_pci_cfg_readl(q, devfn, 0) == want) {
            return devfn;
        }
    }
    return -1;
}

void qtc_pci_map_bar64(QtestClient *q, int devfn, int bar_off, uint64_t addr)
{
    uint32_t cmd;

    qtc_pci_cfg_writel(q, devfn, bar_off, (uint32_t)addr);
    qtc_pci_cfg_writel(q, devfn, bar_off + 4, addr >> 32);
    cmd = qtc_pci_cfg_readl(q, devfn, PCI_COMMAND);
    qtc_pci_cfg_writel(q, devfn, PCI_COMMAND,
                       cmd | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
}
