/*
 * How far apart the host has placed the benchmark's threads at this
 * moment, for hc1-llm bench: the round trip of one cache line between
 * two threads. On the shared hosts this runs on it moves between about
 * 80 ns and about 400 ns every few minutes, as the two virtual CPUs land
 * on the same die or apart; batched decode, whose threads hand each
 * other a step's activations 200 times a step, runs about 10 % slower
 * apart, while one context decodes faster (hw/engine/README.md, "Two
 * host states").
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HC1_THREADRTT_H
#define HC1_THREADRTT_H

/*
 * Bounce one cache line between this thread and a new one @trips times;
 * return the median over 5 rounds of the nanoseconds per round trip, or
 * 0 if the thread cannot be started.
 */
double hc1_thread_rtt_ns(unsigned trips);

#endif /* HC1_THREADRTT_H */
