#!/usr/bin/env bash
# The checks scripts/test.sh relies on really fail: banned calls and unprefixed
# exported symbols planted in a scratch tree are caught (unprefixed globals, exports no header
# declares, declarations the .so does not export), comments and strings are not.
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

# check-symbols.sh: a scratch build dir (libmtdscope.a and .so) and a scratch header tree
mkdir -p "$T/b" "$T/inc/mtdscope"
api='__attribute__((visibility("default")))'
printf '%s int mtd_good(void);\nstatic inline int mtd_inline(void) { return 3; }\nint mtd_uses(void) __attribute__((visibility("default")));\n' \
	"$api" >"$T/inc/mtdscope/a.h"
printf '#include <mtdscope/a.h>\nint mtd_good(void) { return 1; }\nstatic int helper(void) { return 2; }\nint mtd_uses(void) { return helper(); }\nint mtd_internal(void) { return 4; }\n' >"$T/a.c"
mk() { # mk NAME...: libmtdscope.a and a -fvisibility=hidden libmtdscope.so from $T/NAME.c
	local objs=() f
	rm -f "$T/b/libmtdscope.a" "$T/b/libmtdscope.so"
	for f in "$@"; do
		cc -fPIC -fno-common -fvisibility=hidden -I"$T/inc" -c -o "$T/$f.o" "$T/$f.c" || return 1
		objs+=("$T/$f.o")
	done
	ar rcs "$T/b/libmtdscope.a" "${objs[@]}" && cc -shared -o "$T/b/libmtdscope.so" "${objs[@]}"
}
mk a
out=$(bash "$SRCDIR/scripts/check-symbols.sh" "$T/b/libmtdscope.a" "$T/inc" 2>&1); ok $? "only mtd_ globals, exports == declarations: pass"
printf '%s\n' "$out" | sed 's/^/#   /'
printf 'int stream_size(void) { return 1; }\nint mtd_ok(void) { return 0; }\nint counter;\n' >"$T/b.c"
mk a b
out=$(bash "$SRCDIR/scripts/check-symbols.sh" "$T/b" "$T/inc" 2>&1); rc=$?
is "$rc" 1 "an unprefixed global fails the check"
like "$out" 'stream_size' "names the function"
like "$out" 'counter' "names the variable"
printf '#include <mtdscope/a.h>\n%s int mtd_leak(void) { return 5; }\n' "$api" >"$T/c.c"
mk a c
out=$(bash "$SRCDIR/scripts/check-symbols.sh" "$T/b" "$T/inc" 2>&1); rc=$?
is "$rc" 1 "a symbol the .so exports but no header declares fails the check"
like "$out" 'mtd_leak' "names it"
mk a
printf 'int mtd_declared_only(void);\n' >>"$T/inc/mtdscope/a.h"
out=$(bash "$SRCDIR/scripts/check-symbols.sh" "$T/b" "$T/inc" 2>&1); rc=$?
is "$rc" 1 "a function a header declares but the .so does not export fails the check"
like "$out" 'mtd_declared_only' "names it"
if printf '%s' "$out" | grep -q 'mtd_internal\|mtd_inline'; then ok 1 "hidden and static inline functions not reported"; else ok 0 "hidden and static inline functions not reported"; fi
done_testing
