/*
 * HC1: fault injection, for driver and firmware developers. Each fault
 * is a QOM property set at run time (qom-set), following nvme's
 * smart_critical_warning. The x- prefix marks them as a test interface.
 *
 *   x-fault-dma-errors=N          the next N DMA transfers fail
 *   x-fault-sram-ecc=CTX          uncorrectable SRAM error in context CTX
 *   x-fault-thermal-trip=on       the die trips its thermal limit
 *   x-fault-fatal=on              the controller fails (CSTS.CFS)
 *   x-fault-drop-completions=N    the next N completions are lost
 *   x-fault-slow-completion-ms=MS the next completion is MS late
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "hw/qdev-core.h"
#include "trace.h"
#include "hc1_int.h"

void hc1_fatal(Hc1State *s, uint32_t code)
{
    if (s->csts & HC1_CSTS_CFS) {
        return;
    }
    trace_hc1_fatal(code);
    s->csts |= HC1_CSTS_CFS;
    s->fatal_code = code;
    /* The card stops: work in flight is lost, nothing more completes. */
    hc1_contexts_reset(s);
    hc1_log_error(s, HC1_ERR_FATAL, HC1_SEV_DEVICE, 0, UINT16_MAX, 0, 0,
                  UINT32_MAX, code);
}

static bool hc1_fault_ready(Object *obj, Error **errp)
{
    if (!DEVICE(obj)->realized) {
        error_setg(errp, "hc1: faults can be injected once the device is "
                   "realized");
        return false;
    }
    return true;
}

static void hc1_get_u32(Object *obj, Visitor *v, const char *name,
                        void *opaque, Error **errp)
{
    Hc1State *s = HC1(obj);
    uint32_t value = 0;

    if (!strcmp(name, "x-fault-dma-errors")) {
        value = s->fault_dma_errors;
    } else if (!strcmp(name, "x-fault-drop-completions")) {
        value = s->fault_drop_cqes;
    } else if (!strcmp(name, "x-fault-slow-completion-ms")) {
        value = s->fault_slow_ms;
    } else if (!strcmp(name, "x-fault-sram-ecc")) {
        value = UINT32_MAX;
    }
    visit_type_uint32(v, name, &value, errp);
}

static void hc1_set_u32(Object *obj, Visitor *v, const char *name,
                        void *opaque, Error **errp)
{
    Hc1State *s = HC1(obj);
    uint32_t value;

    if (!visit_type_uint32(v, name, &value, errp) ||
        !hc1_fault_ready(obj, errp)) {
        return;
    }
    trace_hc1_fault_set(name, value);
    if (!strcmp(name, "x-fault-dma-errors")) {
        s->fault_dma_errors = value;
    } else if (!strcmp(name, "x-fault-drop-completions")) {
        s->fault_drop_cqes = value;
    } else if (!strcmp(name, "x-fault-slow-completion-ms")) {
        if (value > 60000) {
            error_setg(errp, "hc1: %s is at most 60000 ms", name);
            return;
        }
        s->fault_slow_ms = value;
    } else if (!strcmp(name, "x-fault-sram-ecc")) {
        if (value >= s->max_contexts || !s->ctx[value].valid) {
            error_setg(errp, "hc1: context %u does not exist", value);
            return;
        }
        hc1_ctx_sram_ecc(s, value);
    }
}

static void hc1_get_bool(Object *obj, Visitor *v, const char *name,
                         void *opaque, Error **errp)
{
    Hc1State *s = HC1(obj);
    bool value;

    if (!strcmp(name, "x-fault-fatal")) {
        value = s->csts & HC1_CSTS_CFS;
    } else {
        qemu_mutex_lock(&s->wlock);
        value = s->tripped;
        qemu_mutex_unlock(&s->wlock);
    }
    visit_type_bool(v, name, &value, errp);
}

static void hc1_set_bool(Object *obj, Visitor *v, const char *name,
                         void *opaque, Error **errp)
{
    Hc1State *s = HC1(obj);
    bool value;

    if (!visit_type_bool(v, name, &value, errp) ||
        !hc1_fault_ready(obj, errp)) {
        return;
    }
    trace_hc1_fault_set(name, value);
    if (!value) {
        return;     /* faults clear by themselves or by reset */
    }
    if (!strcmp(name, "x-fault-fatal")) {
        hc1_fatal(s, HC1_FATAL_INJECTED);
    } else {
        hc1_thermal_trip(s);
    }
}

void hc1_fault_init(Object *obj)
{
    static const char *const u32s[] = {
        "x-fault-dma-errors", "x-fault-sram-ecc",
        "x-fault-drop-completions", "x-fault-slow-completion-ms",
    };

    for (size_t i = 0; i < ARRAY_SIZE(u32s); i++) {
        object_property_add(obj, u32s[i], "uint32", hc1_get_u32,
                            hc1_set_u32, NULL, NULL);
    }
    object_property_add(obj, "x-fault-thermal-trip", "bool", hc1_get_bool,
                        hc1_set_bool, NULL, NULL);
    object_property_add(obj, "x-fault-fatal", "bool", hc1_get_bool,
                        hc1_set_bool, NULL, NULL);
}
