/* SPDX-License-Identifier: MIT */
#include <mtdscope/reader.h>

#include "tap.h"

int main(void)
{
	static const uint8_t b[] = {0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x01};
	struct mtd_reader r, s;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	mtd_rd_init(&r, b, sizeof(b), 0x100);
	ok(mtd_rd_u16be(&r, &u16) && u16 == 0x1234, "u16be");
	ok(mtd_rd_u16le(&r, &u16) && u16 == 0x7856, "u16le");
	is_int(mtd_rd_offset(&r), 0x104, "offset counts from base");
	ok(mtd_rd_u32le(&r, &u32) && u32 == 0xf0debc9a, "u32le");
	ok(!mtd_rd_u32be(&r, &u32), "u32 past the end fails");
	is_int(mtd_rd_left(&r), 1, "failed read does not advance");
	ok(mtd_rd_u8(&r, &u8) && u8 == 1, "last byte");
	ok(!mtd_rd_u8(&r, &u8), "u8 at end fails");

	mtd_rd_init(&r, b, sizeof(b), 0);
	ok(mtd_rd_u64be(&r, &u64) && u64 == 0x123456789abcdef0ull, "u64be");
	mtd_rd_init(&r, b, sizeof(b), 0);
	ok(mtd_rd_u64le(&r, &u64) && u64 == 0xf0debc9a78563412ull, "u64le");

	mtd_rd_init(&r, b, sizeof(b), 0);
	ok(mtd_rd_skip(&r, 2) && mtd_rd_sub(&r, 3, &s), "sub-reader");
	is_int(s.base, 2, "sub-reader base");
	ok(!mtd_rd_skip(&s, 4), "sub-reader is bounded");
	is_int(mtd_rd_left(&r), 4, "parent advanced past sub");
	ok(!mtd_rd_skip(&r, SIZE_MAX), "huge skip refused");
	ok(!mtd_rd_window(&r, 8, SIZE_MAX, &s), "window overflow refused");
	ok(!mtd_rd_seek(&r, 10), "seek past end refused");

	mtd_rd_init(&r, b, sizeof(b), 0);
	ok(mtd_rd_peek_uint(&r, 1, 2, true, &u64) && u64 == 0x3456, "peek u16 big-endian");
	ok(mtd_rd_peek_uint(&r, 4, 4, false, &u64) && u64 == 0xf0debc9a, "peek u32 little-endian");
	ok(mtd_rd_peek_uint(&r, 8, 1, false, &u64) && u64 == 1, "peek the last byte");
	ok(!mtd_rd_peek_uint(&r, 6, 4, false, &u64) && !mtd_rd_peek_uint(&r, SIZE_MAX, 1, false, &u64),
	   "peek past the end refused");
	ok(!mtd_rd_peek_uint(&r, 0, 3, false, &u64), "peek of an odd width refused");
	is_int(r.pos, 0, "peek does not move the reader");

	const char text[] = "one\r\ntwo\rthree\nfour";
	const char *line;
	size_t len;
	bool cut;
	mtd_rd_init(&r, text, sizeof(text) - 1, 0);
	ok(mtd_rd_line(&r, 100, &line, &len, &cut) && len == 3 && !memcmp(line, "one", 3), "CRLF line");
	ok(mtd_rd_line(&r, 100, &line, &len, &cut) && len == 3 && !memcmp(line, "two", 3), "CR line");
	ok(mtd_rd_line(&r, 2, &line, &len, &cut) && len == 2 && cut, "long line cut");
	ok(mtd_rd_line(&r, 100, &line, &len, &cut) && len == 4 && !cut, "last line without newline");
	ok(!mtd_rd_line(&r, 100, &line, &len, &cut), "no more lines");

	uint64_t v;
	ok(!mtd_add_ov(UINT64_MAX, 1, &v), "add overflow detected");
	ok(!mtd_mul_ov(UINT64_MAX / 2, 3, &v), "mul overflow detected");
	ok(mtd_range_ok(10, 5, 15) && !mtd_range_ok(10, 6, 15) && !mtd_range_ok(16, 0, 15), "range checks");
	ok(!mtd_range_ok(1, UINT64_MAX, 15), "range check does not wrap");
	return tap_done();
}
