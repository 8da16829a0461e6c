/* SPDX-License-Identifier: MIT */
/*
 * Corpus replay: feeds every regular file of the directories given on the
 * command line to LLVMFuzzerTestOneInput, one TAP line each.  Linked with a
 * harness and built by every configuration, so saved corpora (and every crash
 * ever found) are replayed by the normal `meson test`, under ASan in the
 * sanitizer build.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_MAX_BYTES (64u << 20)
#define REPLAY_MAX_FILES 100000

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_file(const char *path, int n)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		printf("not ok %d - %s: cannot open: %s\n", n, path, strerror(errno));
		return 1;
	}
	struct stat st;
	if (fstat(fileno(f), &st) || st.st_size < 0 || (uint64_t)st.st_size > REPLAY_MAX_BYTES) {
		printf("not ok %d - %s: not a readable file of at most %u bytes\n", n, path, REPLAY_MAX_BYTES);
		fclose(f);
		return 1;
	}
	size_t len = (size_t)st.st_size;
	uint8_t *buf = malloc(len ? len : 1);
	if (!buf || fread(buf, 1, len, f) != len) {
		printf("not ok %d - %s: read failed\n", n, path);
		free(buf);
		fclose(f);
		return 1;
	}
	fclose(f);
	fflush(stdout);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	printf("ok %d - %s (%zu bytes)\n", n, path, len);
	return 0;
}

int main(int argc, char **argv)
{
	char **files = NULL;
	size_t nfiles = 0, cap = 0;
	for (int a = 1; a < argc; a++) {
		DIR *dir = opendir(argv[a]);
		if (!dir)
			continue; /* no corpus yet for this format */
		struct dirent *e;
		while ((e = readdir(dir)) && nfiles < REPLAY_MAX_FILES) {
			if (e->d_name[0] == '.')
				continue;
			size_t need = strlen(argv[a]) + strlen(e->d_name) + 2;
			char *p = malloc(need);
			if (!p)
				return 1;
			snprintf(p, need, "%s/%s", argv[a], e->d_name);
			struct stat st;
			if (stat(p, &st) || !S_ISREG(st.st_mode)) {
				free(p);
				continue;
			}
			if (nfiles == cap) {
				cap = cap ? cap * 2 : 64;
				char **n = realloc(files, cap * sizeof(*n));
				if (!n)
					return 1;
				files = n;
			}
			files[nfiles++] = p;
		}
		closedir(dir);
	}
	if (nfiles == 0) {
		printf("1..0 # SKIP no corpus files\n");
		free(files);
		return 0;
	}
	qsort(files, nfiles, sizeof(*files), cmp_str);
	printf("1..%zu\n", nfiles);
	int failed = 0;
	for (size_t i = 0; i < nfiles; i++) {
		failed += replay_file(files[i], (int)i + 1);
		free(files[i]);
	}
	free(files);
	return failed ? 1 : 0;
}
