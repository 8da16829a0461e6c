/* SPDX-License-Identifier: MIT */
#include <limits.h>
#include <stdbool.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ext2fs/ext2fs.h>
#include <libdeflate.h>
#include <lz4.h>
#include <lzma.h>
#include <lzo/lzoconf.h>
#include <openssl/crypto.h>
#include <zlib.h>
#include <zstd.h>

#include <mtdscope/libversions.h>

#include "src/lib/libversions_build.h" /* MTD_BUILD_VERSION_*: pkg-config versions, from src/lib/meson.build */

const char *mtd_libversion_source_name(enum mtd_libversion_source s)
{
	switch (s) {
	case MTD_LIBVERSION_RUNTIME: return "runtime";
	case MTD_LIBVERSION_COMPILE_TIME: return "compile-time";
	case MTD_LIBVERSION_FILE_NAME: return "file-name";
	case MTD_LIBVERSION_UNKNOWN: break;
	}
	return "unknown";
}

/* libfdt has no version function, macro or pkg-config file; Debian ships it as
 * libfdt-X.Y.Z.so behind the libfdt.so.1 link the loader opens. */
struct so_search {
	char version[32];
};

static int find_fdt(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	struct so_search *s = data;
	const char *path = info->dlpi_name;
	if (!path || !strstr(path, "libfdt"))
		return 0;
	char real[PATH_MAX];
	if (!realpath(path, real))
		return 0;
	const char *base = strrchr(real, '/');
	base = base ? base + 1 : real;
	if (strncmp(base, "libfdt-", 7) != 0)
		return 0;
	const char *v = base + 7, *end = strstr(v, ".so");
	if (!end || end == v || (size_t)(end - v) >= sizeof s->version)
		return 0;
	for (const char *c = v; c < end; c++)
		if (!((*c >= '0' && *c <= '9') || *c == '.'))
			return 0;
	memcpy(s->version, v, (size_t)(end - v));
	s->version[end - v] = '\0';
	return 1;
}

size_t mtd_libversions(struct mtd_libversion *out, size_t max)
{
	const char *e2ver = NULL;
	ext2fs_get_library_version(&e2ver, NULL);
	struct so_search fdt = {{0}};
	bool have_fdt = dl_iterate_phdr(find_fdt, &fdt) != 0; /* not when linked statically */
	const struct {
		const char *name, *version;
		enum mtd_libversion_source source;
	} all[] = {
	    {"zlib", zlibVersion(), MTD_LIBVERSION_RUNTIME},
	    {"libdeflate", LIBDEFLATE_VERSION_STRING, MTD_LIBVERSION_COMPILE_TIME},
	    {"liblzma", lzma_version_string(), MTD_LIBVERSION_RUNTIME},
	    {"libzstd", ZSTD_versionString(), MTD_LIBVERSION_RUNTIME},
	    {"liblz4", LZ4_versionString(), MTD_LIBVERSION_RUNTIME},
	    {"lzo2", lzo_version_string(), MTD_LIBVERSION_RUNTIME},
	    {"libsquashfs", MTD_BUILD_VERSION_SQUASHFS, MTD_LIBVERSION_COMPILE_TIME},
	    {"libfdt", have_fdt ? fdt.version : NULL, MTD_LIBVERSION_FILE_NAME},
	    {"libext2fs", e2ver, MTD_LIBVERSION_RUNTIME},
	    {"libcrypto", OpenSSL_version(OPENSSL_VERSION_STRING), MTD_LIBVERSION_RUNTIME},
	};
	size_t n = sizeof all / sizeof all[0];
	for (size_t i = 0; i < n && i < max; i++) {
		out[i].name = all[i].name;
		out[i].source = all[i].version && *all[i].version ? all[i].source : MTD_LIBVERSION_UNKNOWN;
		snprintf(out[i].version, sizeof out[i].version, "%s",
		         out[i].source == MTD_LIBVERSION_UNKNOWN ? "unknown" : all[i].version);
	}
	return n;
}
