/*
 * A driver-in-miniature for the device tests: brings the card up through
 * qtest exactly as the manual (docs/hc1-prm.rst) tells a driver to, and
 * gives the tests small helpers for queues, commands, contexts and token
 * streams. Guest memory comes from a bump allocator in guest RAM.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef HC1_DEV_H
#define HC1_DEV_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "hc1_hw.h"
#include "qtest-client.h"

/* TAP */
extern int tap_failures, tap_checks;
#define CHECK(cond, ...) do { \
        bool ok_ = (cond); \
        tap_checks++; \
        if (!ok_) { \
            tap_failures++; \
        } \
        printf("%s %d - ", ok_ ? "ok" : "not ok", tap_checks); \
        printf(__VA_ARGS__); \
        printf("\n"); \
        fflush(stdout); \
    } while (0)
int tap_done(void);

#define HC1T_BAR0 0xe0000000ull
#define HC1T_BAR2 0xe0100000ull
#define HC1T_BAR4 0xe0200000ull
#define HC1T_RAM_BASE 0x01000000ull     /* allocator start: 16 MiB */
#define HC1T_RAM_END  0x07000000ull     /* q35's 128 MiB, minus a margin */
#define HC1T_MSI_DATA(v) (0xa5a50000u + (v))

typedef struct Hc1TQueue {
    bool live;
    uint64_t sq, cq;
    uint32_t size;
    uint32_t sq_tail;
    uint32_t cq_head;
    bool phase;
    struct hc1_cqe stash[64];
    int n_stash;
} Hc1TQueue;

typedef struct Hc1Dev {
    QtestClient *q;
    int devfn;
    uint64_t mem_next;
    uint64_t msi_page;          /* vector v writes HC1T_MSI_DATA(v) at +4v */
    uint16_t next_cid;
    Hc1TQueue queue[HC1_NUM_QUEUES];
    uint32_t n_vocab;
} Hc1Dev;

typedef struct Hc1TCtx {
    uint32_t id;
    uint16_t qid;
    uint64_t ring, ctl, lp;
    uint32_t entries;
    uint32_t head;
} Hc1TCtx;

/*
 * Start QEMU with "-device hc1,rom=ROM<dev_opts>" (dev_opts may be NULL
 * or start with a comma), find the card and map its BARs. NULL on
 * failure.
 */
Hc1Dev *hc1t_open(const char *qemu, const char *rom, const char *dev_opts);
void hc1t_close(Hc1Dev *d);

uint32_t hc1t_rd(Hc1Dev *d, uint32_t off);
void hc1t_wr(Hc1Dev *d, uint32_t off, uint32_t val);
uint64_t hc1t_alloc(Hc1Dev *d, uint64_t size, uint64_t align);

/* Wait (real time) until BOOT_STATUS reports READY or FAILED. */
bool hc1t_wait_boot(Hc1Dev *d);
/* Program the admin queue (entries each way) and enable; true on RDY. */
bool hc1t_enable(Hc1Dev *d, uint32_t entries);
/* CC.EN = 0 and wait for RDY to drop; forget the queues. */
void hc1t_disable(Hc1Dev *d);
/* Enable MSI-X with every vector aimed at d->msi_page. */
void hc1t_msix_enable(Hc1Dev *d);
/* The value vector @v last wrote (0 if none), then clear it. */
uint32_t hc1t_msi_take(Hc1Dev *d, int v);

void hc1t_sqe_init(struct hc1_sqe *sqe, uint8_t opcode);
/* Submit on queue @qid; returns the command id assigned. */
uint16_t hc1t_submit(Hc1Dev *d, uint16_t qid, struct hc1_sqe *sqe);
/* Wait up to @ms for the completion of @cid on @qid; false on timeout. */
bool hc1t_wait(Hc1Dev *d, uint16_t qid, uint16_t cid, struct hc1_cqe *cqe,
               int ms);
/* Is there any completion waiting on @qid (not consumed)? */
bool hc1t_cq_peek(Hc1Dev *d, uint16_t qid);
/* Submit and wait; returns the status code (0xffff on timeout). */
uint16_t hc1t_cmd(Hc1Dev *d, uint16_t qid, struct hc1_sqe *sqe,
                  struct hc1_cqe *cqe);
/* Create an I/O CQ+SQ pair with id @qid. Returns the first failure. */
uint16_t hc1t_create_ioq(Hc1Dev *d, uint16_t qid, uint32_t entries,
                         uint16_t vector, bool ien);

/* Contexts and streams. */
uint16_t hc1t_ctx_create(Hc1Dev *d, uint16_t qid, uint32_t kv,
                         uint32_t entries, bool lp, uint32_t notify_tokens,
                         uint32_t notify_us, Hc1TCtx *c);
/* The same with a LoRA slot and the bits of a binary32 scale (0: 1.0). */
uint16_t hc1t_ctx_create_lora(Hc1Dev *d, uint16_t qid, uint32_t kv,
                              uint32_t entries, bool lp,
                              uint32_t notify_tokens, uint32_t notify_us,
                              uint8_t lora_slot, uint32_t lora_scale,
                              Hc1TCtx *c);
uint16_t hc1t_prefill(Hc1Dev *d, Hc1TCtx *c, const int32_t *tok, uint32_t n,
                      uint32_t *pos);
void hc1t_decode_params(struct hc1_decode_params *p, uint32_t max_new);
uint16_t hc1t_decode_submit(Hc1Dev *d, Hc1TCtx *c,
                            const struct hc1_decode_params *p);
uint16_t hc1t_ctx_cmd(Hc1Dev *d, Hc1TCtx *c, uint8_t opcode, uint32_t cdw10,
                      struct hc1_cqe *cqe);
/* Copy out the records between head and the device's tail; advance head. */
uint32_t hc1t_stream_read(Hc1Dev *d, Hc1TCtx *c, struct hc1_token_rec *rec,
                          uint32_t max);

static inline uint16_t hc1t_sc(const struct hc1_cqe *c)
{
    return c->status >> HC1_CQE_SC_SHIFT;
}

static inline uint32_t f2u(float f)
{
    uint32_t u;
    __builtin_memcpy(&u, &f, 4);
    return u;
}

static inline float u2f(uint32_t u)
{
    float f;
    __builtin_memcpy(&f, &u, 4);
    return f;
}

#endif
