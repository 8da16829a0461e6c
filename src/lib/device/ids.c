/* SPDX-License-Identifier: MIT */
/*
 * Names from the system's usb.ids / pci.ids (hwdata, usbutils, pciutils).  Format: a vendor
 * line "vvvv  Vendor name", then device lines "\tdddd  Device name"; '#' comments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mtdscope/device.h>
#include <mtdscope/reader.h>
#include <mtdscope/source.h>

#define IDS_MAX (16u << 20)

static int lookup(const char *path, uint16_t vendor, uint16_t device, char *out, size_t size)
{
	char *buf;
	size_t len;
	struct mtd_diag d;
	mtd_diag_clear(&d);
	if (mtd_read_small_file(path, IDS_MAX, &buf, &len, &d))
		return MTD_ERR_NOT_FOUND;
	struct mtd_reader r;
	mtd_rd_init(&r, buf, len, 0);
	const char *line;
	size_t n;
	bool cut, in_vendor = false;
	int rc = MTD_ERR_NOT_FOUND;
	char vname[128] = "";
	while (mtd_rd_line(&r, 512, &line, &n, &cut)) {
		if (n == 0 || line[0] == '#')
			continue;
		uint64_t v;
		if (line[0] != '\t') {
			if (in_vendor)
				break; /* vendor found, device not listed */
			if (n > 6 && mtd_parse_hex_n(line, 4, &v) && line[4] == ' ' && v == vendor) {
				in_vendor = true;
				snprintf(vname, sizeof(vname), "%.*s", (int)(n - 6 < 120 ? n - 6 : 120), line + 6);
				snprintf(out, size, "%s", vname);
				rc = 0;
			}
			continue;
		}
		if (in_vendor && n > 7 && line[1] != '\t' && mtd_parse_hex_n(line + 1, 4, &v) && line[5] == ' ' &&
		    v == device) {
			snprintf(out, size, "%s %.*s", vname, (int)(n - 7 < 200 ? n - 7 : 200), line + 7);
			break;
		}
	}
	free(buf);
	return rc;
}

int mtd_ids_name(bool usb, uint16_t vendor, uint16_t device, char *out, size_t size)
{
	if (size)
		out[0] = 0;
	const char *file = usb ? "usb.ids" : "pci.ids";
	const char *env = getenv("MTD_IDS_DIR");
	const char *dirs[] = {env,          "/usr/share/misc",   "/usr/share/hwdata",
	                      "/usr/share", "/var/lib/usbutils", "/usr/local/share"};
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (!dirs[i] || !dirs[i][0])
			continue;
		char path[512];
		snprintf(path, sizeof(path), "%s/%s", dirs[i], file);
		if (lookup(path, vendor, device, out, size) == 0)
			return 0;
		if (env && i == 0)
			return MTD_ERR_NOT_FOUND; /* an explicit directory is the only place looked at */
	}
	return MTD_ERR_NOT_FOUND;
}
