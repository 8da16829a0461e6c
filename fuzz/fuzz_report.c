/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the log parser behind report/assess/modem: the input is one pasted
 * text; facts, profile, assessment and their JSON must hold on any bytes.  Invariants
 * checked: every fact has a file and a line within the input's line count, every
 * profile value with a source points at a fact, the JSON writer never fails.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mtdscope/device.h>
#include <mtdscope/util.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mtd_facts f;
	struct mtd_diag d;
	setenv("MTD_IDS_DIR", "/nonexistent", 0); /* no 1 MB usb.ids read per run */
	mtd_facts_init(&f);
	mtd_diag_clear(&d);
	if (mtd_facts_parse(&f, "fuzz", data, size, &d) != 0) {
		if (d.err == 0 || d.msg[0] == 0)
			__builtin_trap(); /* a refusal always says why */
		mtd_facts_release(&f);
		return 0;
	}
	for (size_t i = 0; i < f.n; i++)
		if (!f.v[i].file || f.v[i].line == 0 || f.v[i].line > f.lines || !f.v[i].text || !f.v[i].value)
			__builtin_trap();
	struct mtd_profile p;
	struct mtd_assessment a;
	mtd_profile_build(&f, &p);
	if (p.soc.src && (p.soc.src < f.v || p.soc.src >= f.v + f.n))
		__builtin_trap();
	mtd_assess(&p, &a);
	struct mtd_buf b;
	struct mtd_json j;
	mtd_buf_init(&b, 64u << 20);
	mtd_json_init(&j, &b, false);
	mtd_json_begin_object(&j);
	mtd_assessment_to_json(&a, &j);
	mtd_profile_to_json(&p, &j);
	mtd_facts_to_json(&f, &j);
	mtd_json_end_object(&j);
	if (b.err)
		__builtin_trap();
	mtd_buf_release(&b);
	mtd_assessment_release(&a);
	mtd_profile_release(&p);
	mtd_facts_release(&f);
	return 0;
}
