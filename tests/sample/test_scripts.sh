#!/usr/bin/env bash
# The checks scripts/test.sh relies on really fail: banned calls and unprefixed
# exported symbols planted in a scratch tree are caught, comments and strings are not.
. "$SRCDIR/tests/lib.sh"
need perl nm cc

mkdir -p "$T/tree/src" "$T/tree/tests" "$T/tree/fuzz"
cat >"$T/tree/src/ok.c" <<'C'
/* strcpy(a, b) in a comment, and sprintf( too */
#include <stdio.h>
static const char *msg = "never call atoi(s) or strtok(s, d)";
int fmt(char *b, unsigned long n) { return snprintf(b, n, "%s", msg); } // gets(b)
C
out=$(bash "$SRCDIR/scripts/check-banned.sh" "$T/tree" 2>&1); ok $? "comments and strings naming banned functions pass"
cat >"$T/tree/fuzz/bad.c" <<'C'
#include <string.h>
#include <stdlib.h>
void f(char *d, const char *s)
{
	strcpy(d, s);
	int v = atoi (s); (void)v;
	d->x = 0; /* sscanf( */
}
C
out=$(bash "$SRCDIR/scripts/check-banned.sh" "$T/tree" 2>&1); rc=$?
is "$rc" 1 "a banned call fails the check"
like "$out" 'fuzz/bad.c:5: strcpy\(\)' "names the file, line and function (strcpy)"
like "$out" 'fuzz/bad.c:6: atoi\(\)' "names atoi with a space before the parenthesis"
if printf '%s' "$out" | grep -q sscanf; then ok 1 "sscanf in a comment not reported"; else ok 0 "sscanf in a comment not reported"; fi
out=$(bash "$SRCDIR/scripts/check-banned.sh" 2>&1); ok $? "the source tree itself has no banned calls"

printf 'int mtd_good(void) { return 1; }\nstatic int helper(void) { return 2; }\nint mtd_uses(void) { return helper(); }\n' >"$T/a.c"
cc -c -o "$T/a.o" "$T/a.c" && ar rcs "$T/libmtdscope.a" "$T/a.o"
out=$(bash "$SRCDIR/scripts/check-symbols.sh" "$T/libmtdscope.a" 2>&1); ok $? "only mtd_ globals pass"
printf 'int stream_size(void) { return 1; }\nint mtd_ok(void) { return 0; }\nint counter;\n' >"$T/b.c"
cc -fno-common -c -o "$T/b.o" "$T/b.c" && ar rcs "$T/libmtdscope.a" "$T/b.o"
out=$(bash "$SRCDIR/scripts/check-symbols.sh" "$T/libmtdscope.a" 2>&1); rc=$?
is "$rc" 1 "an unprefixed global fails the check"
like "$out" 'stream_size' "names the function"
like "$out" 'counter' "names the variable"
done_testing
