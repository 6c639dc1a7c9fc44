/*
 * HC1: telemetry. A simple power and thermal model driven by compute
 * activity, a power cap that throttles compute, the thermal trip, and
 * the heartbeat. It runs on the virtual clock, so it is deterministic
 * under qtest and stops with the VM.
 *
 *   power  P = P_idle + (P_max - P_idle) * utilisation
 *   heat   T' = (T_amb + R * P - T) / tau,   R = 0.25 C/W, tau = 2 s
 *   cap    compute duty = (cap - P_idle) / (P_max - P_idle) below P_max
 *   trip   at 105 C compute stops; it resumes below 85 C
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "trace.h"
#include "hc1_int.h"

#define HC1_R_MC_PER_W      250     /* 0.25 C per W, in milli-C per W */
#define HC1_TAU_MS          2000
#define HC1_HOT_MC          95000   /* thermal throttle to half */

static void hc1_set_tripped(Hc1State *s, bool on)
{
    qemu_mutex_lock(&s->wlock);
    s->tripped = on;
    qemu_cond_signal(&s->wcond);
    qemu_mutex_unlock(&s->wlock);
}

void hc1_thermal_trip(Hc1State *s)
{
    bool was;

    qemu_mutex_lock(&s->wlock);
    was = s->tripped;
    qemu_mutex_unlock(&s->wlock);
    if (was) {
        return;
    }
    s->temp_mc = MAX(s->temp_mc, HC1_TEMP_TRIP_MC);
    s->thermal_trips++;
    hc1_set_tripped(s, true);
    trace_hc1_thermal_trip(s->temp_mc);
    hc1_log_error(s, HC1_ERR_THERMAL_TRIP, HC1_SEV_COMMAND, HC1_SC_THERMAL,
                  UINT16_MAX, 0, 0, UINT32_MAX, s->temp_mc);
    hc1_post_aen(s, HC1_AEN_HEALTH, HC1_ERR_THERMAL_TRIP, UINT32_MAX);
}

static void hc1_telemetry_tick(void *opaque)
{
    Hc1State *s = opaque;
    const int64_t dt = HC1_TELEMETRY_NS;
    uint64_t busy, dbusy;
    uint32_t util_ppm, pct, p;
    int64_t tss, t = s->temp_mc;
    bool tripped;

    if (!(s->csts & HC1_CSTS_CFS)) {
        s->heartbeat++;
    }
    qemu_mutex_lock(&s->wlock);
    busy = s->busy_ns;
    tripped = s->tripped;
    qemu_mutex_unlock(&s->wlock);
    dbusy = busy - s->busy_ns_seen;
    s->busy_ns_seen = busy;
    util_ppm = MIN(dbusy, (uint64_t)dt) * 1000000 / dt;
    s->util_pct = util_ppm / 10000;

    p = HC1_POWER_IDLE_MW +
        (uint64_t)(HC1_POWER_MAX_MW - HC1_POWER_IDLE_MW) * util_ppm / 1000000;
    s->power_mw = p;
    s->energy_uj += (uint64_t)p * (dt / 1000000);   /* mW * ms = uJ */

    tss = HC1_TEMP_AMBIENT_MC + (int64_t)p * HC1_R_MC_PER_W / 1000;
    t += (tss - t) * (dt / 1000000) / HC1_TAU_MS;
    s->temp_mc = t;

    pct = 100;
    if (s->power_cap_mw < HC1_POWER_MAX_MW) {
        pct = (uint64_t)(s->power_cap_mw - HC1_POWER_IDLE_MW) * 100 /
              (HC1_POWER_MAX_MW - HC1_POWER_IDLE_MW);
    }
    if (s->temp_mc >= HC1_HOT_MC) {
        pct = MIN(pct, 50);
    }
    qemu_mutex_lock(&s->wlock);
    if (s->throttle_pct != pct) {
        trace_hc1_throttle(pct, s->power_cap_mw, s->temp_mc);
    }
    s->throttle_pct = pct;
    qemu_mutex_unlock(&s->wlock);

    if (!tripped && s->temp_mc >= HC1_TEMP_TRIP_MC) {
        hc1_thermal_trip(s);
    } else if (tripped && s->temp_mc <= HC1_TEMP_RESUME_MC) {
        hc1_set_tripped(s, false);
        trace_hc1_thermal_resume(s->temp_mc);
        hc1_post_aen(s, HC1_AEN_NOTICE, HC1_NOTICE_THERMAL_OK, UINT32_MAX);
    }
    timer_mod(s->telemetry_timer,
              qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) + HC1_TELEMETRY_NS);
}

void hc1_telemetry_reset(Hc1State *s)
{
    /* The card keeps its temperature; the counters start again. */
    qemu_mutex_lock(&s->wlock);
    s->tok_decoded = 0;
    s->tok_prefilled = 0;
    s->busy_ns = 0;
    s->decode_steps = 0;
    s->batch_tokens = 0;
    qemu_mutex_unlock(&s->wlock);
    s->busy_ns_seen = 0;
    s->energy_uj = 0;
    s->commands = 0;
    s->errors = 0;
    s->contexts_created = 0;
    s->stream_records = 0;
    s->interrupts = 0;
    s->dropped_cqes = 0;
    s->heartbeat = 0;
    s->boot_ns = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    s->fault_dma_errors = 0;
    s->fault_drop_cqes = 0;
    s->fault_slow_ms = 0;
}

void hc1_telemetry_start(Hc1State *s)
{
    s->temp_mc = HC1_TEMP_AMBIENT_MC + HC1_POWER_IDLE_MW *
                 HC1_R_MC_PER_W / 1000;
    s->power_mw = HC1_POWER_IDLE_MW;
    s->boot_ns = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    s->telemetry_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, hc1_telemetry_tick,
                                      s);
    timer_mod(s->telemetry_timer,
              qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) + HC1_TELEMETRY_NS);
}
