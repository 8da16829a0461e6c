/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: the TFTP datagram parser and the file name check (src/lib/net). */
#include <stdint.h>
#include <string.h>

#include <mtdscope/tftp.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mtd_tftp_packet pk;
	struct mtd_diag d;
	mtd_diag_clear(&d);
	if (mtd_tftp_parse(data, size, &pk, &d) != 0)
		return 0;
	/* Invariants: strings terminated inside their buffers, payload inside the datagram. */
	if (memchr(pk.filename, 0, sizeof(pk.filename)) == NULL || memchr(pk.mode, 0, sizeof(pk.mode)) == NULL ||
	    memchr(pk.error_msg, 0, sizeof(pk.error_msg)) == NULL || pk.nopts > MTD_TFTP_MAX_OPTIONS)
		__builtin_trap();
	for (size_t i = 0; i < pk.nopts; i++)
		if (!memchr(pk.opts[i].name, 0, sizeof(pk.opts[i].name)) ||
		    !memchr(pk.opts[i].value, 0, sizeof(pk.opts[i].value)))
			__builtin_trap();
	if (pk.data && (pk.data < data || pk.data + pk.data_len > data + size))
		__builtin_trap();
	if (pk.opcode == MTD_TFTP_RRQ || pk.opcode == MTD_TFTP_WRQ) {
		const char *why;
		if (mtd_tftp_check_name(pk.filename, &why) == 0 &&
		    (pk.filename[0] == '/' || strstr(pk.filename, "\\") || strcmp(pk.filename, "..") == 0 ||
		     strncmp(pk.filename, "../", 3) == 0 || strstr(pk.filename, "/../")))
			__builtin_trap();
	}
	return 0;
}
