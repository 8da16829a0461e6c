/* SPDX-License-Identifier: MIT */
/* The output discipline (include/mtdscope/outfile.h): inputs refused in every spelling, a symlink
 * kept, devices and FIFOs written in place, multi-file output all or nothing. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mtdscope/outfile.h>
#include <mtdscope/util.h>

#include "tap.h"

static char dir[] = "/tmp/mtdscope-outfile-XXXXXX";

static const char *at(const char *name)
{
	static char buf[4][PATH_MAX];
	static int k;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, name);
	return buf[k];
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static char *get(const char *path)
{
	static char buf[256];
	buf[0] = 0;
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

static int entries(const char *path)
{
	DIR *d = opendir(path);
	if (!d)
		return -1;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

int main(void)
{
	struct mtd_diag d;
	mtd_diag_clear(&d);
	ok(mkdtemp(dir) != NULL, "temp dir");
	mkdir(at("sub"), 0755);
	put(at("in.bin"), "INPUT");
	symlink("in.bin", at("link.bin"));
	link(at("in.bin"), at("hard.bin"));

	struct mtd_inputs in;
	mtd_inputs_init(&in);
	ok(mtd_inputs_add(&in, at("in.bin"), &d) == 0, "input registered");
	ok(mtd_inputs_add(&in, at("missing.bin"), &d) == 0 && in.n == 1, "a missing input is not recorded");

	/* every spelling of the input is refused and the input kept */
	char cwd[PATH_MAX];
	ok(getcwd(cwd, sizeof(cwd)) != NULL, "cwd");
	ok(chdir(at("sub")) == 0, "chdir into sub");
	const char *spell[] = {NULL, "../in.bin", "./../in.bin", NULL, NULL, "../sub/../in.bin"};
	spell[0] = at("in.bin");
	spell[3] = at("link.bin");
	spell[4] = at("hard.bin");
	for (size_t i = 0; i < sizeof(spell) / sizeof(*spell); i++) {
		mtd_diag_clear(&d);
		int rc = mtd_write_file_atomic(spell[i], "OUT", 3, false, &in, &d);
		char line[1024];
		mtd_diag_format(&d, line, sizeof(line));
		ok(rc == MTD_ERR_REFUSED && strstr(line, "is the input"), "output %s refused: %s", spell[i], line);
	}
	ok(chdir(cwd) == 0, "chdir back");
	ok(!strcmp(get(at("in.bin")), "INPUT"), "the input is unchanged");
	ok(entries(dir) == 4, "no temporary left beside it");

	/* a symlink output: the file it points to is replaced, the link stays */
	put(at("target.txt"), "old");
	symlink("target.txt", at("out-link"));
	ok(mtd_write_file_atomic(at("out-link"), "new", 3, false, &in, &d) == 0, "write through a symlink");
	struct stat st;
	ok(lstat(at("out-link"), &st) == 0 && S_ISLNK(st.st_mode), "the symlink is still a symlink");
	ok(!strcmp(get(at("target.txt")), "new"), "its target holds the output");

	/* a FIFO is written in place, not renamed over */
	ok(mkfifo(at("fifo"), 0600) == 0, "fifo");
	int rfd = open(at("fifo"), O_RDONLY | O_NONBLOCK);
	ok(mtd_write_file_atomic(at("fifo"), "pipe", 4, false, &in, &d) == 0, "write to a FIFO");
	char pb[8] = {0};
	ok(read(rfd, pb, sizeof(pb)) == 4 && !memcmp(pb, "pipe", 4), "the reader got the bytes");
	close(rfd);
	ok(lstat(at("fifo"), &st) == 0 && S_ISFIFO(st.st_mode), "the FIFO is still a FIFO");
	ok(mtd_write_file_atomic("/dev/null", "x", 1, false, &in, &d) == 0, "/dev/null written in place");
	ok(lstat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode), "/dev/null is still a character device");
	ok(mtd_write_file_atomic(dir, "x", 1, false, &in, &d) == MTD_ERR_ARG, "a directory is refused");

	/* multi-file: a new directory appears whole or not at all */
	struct mtd_outset s;
	ok(mtd_outset_open(&s, at("new"), false, &in, &d) == 0, "outset on a new dir");
	ok(mtd_outset_write(&s, "a.bin", "A", 1, &d) == 0, "file a");
	ok(access(at("new"), F_OK) != 0, "the directory does not exist before commit");
	ok(mtd_outset_write(&s, "../x", "X", 1, &d) == MTD_ERR_ARG, "a name with '/' refused");
	mtd_outset_abort(&s);
	ok(access(at("new"), F_OK) != 0 && entries(dir) == 7, "abort leaves no directory and no temporary");
	ok(mtd_outset_open(&s, at("new"), false, &in, &d) == 0 && mtd_outset_write(&s, "a.bin", "A", 1, &d) == 0 &&
	       mtd_outset_write(&s, "b.bin", "B", 1, &d) == 0 && mtd_outset_commit(&s, &d) == 0,
	   "outset committed");
	ok(entries(at("new")) == 2 && !strcmp(get(at("new/b.bin")), "B"), "both files in place");

	/* into an existing directory holding the input: refused before anything is moved */
	ok(mtd_outset_open(&s, dir, false, &in, &d) == 0, "outset on the input's dir");
	ok(mtd_outset_write(&s, "first.bin", "1", 1, &d) == 0, "first file (a temporary)");
	ok(mtd_outset_write(&s, "in.bin", "2", 1, &d) == MTD_ERR_REFUSED, "the input's name refused");
	mtd_outset_abort(&s);
	ok(access(at("first.bin"), F_OK) != 0 && entries(dir) == 8, "nothing left behind");
	ok(!strcmp(get(at("in.bin")), "INPUT"), "the input is unchanged");
	ok(mtd_outset_open(&s, at("in.bin"), false, &in, &d) == MTD_ERR_ARG, "a file as the directory refused");

	/* no_overwrite across the set: all or nothing */
	ok(mtd_outset_open(&s, at("new"), true, &in, &d) == 0 && mtd_outset_write(&s, "c.bin", "C", 1, &d) == 0,
	   "no-overwrite set");
	ok(mtd_outset_write(&s, "a.bin", "A", 1, &d) == MTD_ERR_EXISTS, "an existing name refused");
	mtd_outset_abort(&s);
	ok(entries(at("new")) == 2, "c.bin was not left behind");

	mtd_inputs_free(&in);
	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ok(system(cmd) == 0, "cleanup");
	return tap_done();
}
