/* SPDX-License-Identifier: MIT */
#ifndef MTDSCOPE_COLLECT_H
#define MTDSCOPE_COLLECT_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t len;
	uint8_t buf[64];
	size_t fill;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t n);
/** Finish and write the digest as 64 lowercase hex digits and a NUL; s is spent. */
void sha256_hex(struct sha256 *s, char out[65]);

#endif
