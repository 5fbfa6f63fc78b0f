/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small deterministic generator (xorshift64) for the unit tests' random
 * cases, so that a failure reproduces: each test program has its own
 * state, starting from the same seed.
 */
#ifndef _TVM_UNIT_RNG_H
#define _TVM_UNIT_RNG_H

#include <stddef.h>
#include <stdint.h>

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static inline uint64_t rng_next(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static inline void rng_fill(uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)rng_next();
}

#endif /* _TVM_UNIT_RNG_H */
