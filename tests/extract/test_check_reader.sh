#!/usr/bin/env bash
# scripts/check-reader.sh, the static check of the probe contract: the real tree passes, every way
# around the reader planted in a scratch tree is caught (with the line), and the constructs the
# format modules legitimately use are not flagged.
. "$SRCDIR/tests/lib.sh"
need perl
CHECK="$SRCDIR/scripts/check-reader.sh"

check "the source tree reads input only through the reader" bash "$CHECK" "$SRCDIR"

mkdir -p "$T/tree/src/lib/formats" "$T/tree/src/lib/extract"
# planted FILE-BODY EXPECTED-MESSAGE DESCRIPTION: the check must fail and name line 3 of the file
planted() {
	printf '#include "format.h"\nstatic int f(struct mtd_probe *p, const struct mtd_reader *r, size_t n)\n{\n%s\n\treturn 0;\n}\n' "$1" \
		> "$T/tree/src/lib/formats/fmt_bad.c"
	out=$(bash "$CHECK" "$T/tree" 2>&1); rc=$?
	ok $((rc == 0)) "$3: rejected"
	like "$out" "fmt_bad.c:4: .*$2" "$3: the line and the reason"
}
planted '	const uint8_t *d = p->data + p->off;' 'member .data.' 'the old probe pointer'
planted '	return r->data[n];' 'member .data.' "a reader's raw pointer"
planted '	struct mtd_reader w = *r; w.len = n + 100;' "reader's .len." "a reader widened by hand"
planted '	struct mtd_reader w = *r; w.pos = n;' "reader's .pos." "a reader's cursor moved by hand"
planted '	struct mtd_reader w = {p, n, 0, 0};' 'initialiser' 'a reader built from a pointer'
planted '	const uint8_t *s = mtd_rd_ptr(r);' 'mtd_rd_ptr' 'mtd_rd_ptr'
planted '	const uint8_t *s; mtd_rd_bytes_at(r, 0, 4, &s); return s[n];' 'span .s. indexed' 'a span indexed'
planted '	const uint8_t *s; mtd_rd_bytes_at(r, 0, 4, &s); return mtd_be32(s + n);' 'span .s. indexed, offset' 'a span offset'
planted '	const uint8_t *s; mtd_rd_bytes_at(r, 0, 4, &s); return *s;' 'span .s. indexed, offset, dereferenced' 'a span dereferenced'
planted '	const uint8_t *s, *t; mtd_rd_bytes_at(r, 0, 4, &s); t = s; return t[9];' 'span .s. indexed, offset, dereferenced or copied' 'a span copied into another pointer'
planted '	const uint8_t *s; mtd_rd_bytes_at(r, 0, 4, &s); return helper(s, n);' 'span .s. passed to helper' 'a span handed to a function that does not take its length'
planted '	const uint8_t *s; mtd_rd_bytes_at(r, 0, 4, &s); return mtd_le32(s);' 'span .s. passed to mtd_le32' 'a span read without a bound'
planted '	const uint8_t *s; mtd_rd_bytes_at(r, 0, 4, &s); mtd_probe_str(p, "k", 0, "%s", s);' 'span .s. passed to mtd_probe_str' 'a span printed as a string'
planted '	const uint8_t *s[2]; mtd_rd_bytes_at(r, 0, 4, &s[0]);' 'plain local' 'a span stored where it is not tracked'
planted '	uint64_t n2; const uint8_t *b = mtd_scan_space_data(0, -1, &n2);' 'mtd_scan_space_data' 'the whole space through the scan result'

# what the modules do and must keep doing
cat > "$T/tree/src/lib/formats/fmt_bad.c" <<'EOF'
#include "format.h"
#include <zlib.h>
struct walk {
	struct mtd_reader in;
	size_t len, pos; /* a walker's own counters, not a reader's */
};
static int f(struct mtd_probe *p, const struct mtd_reader *r, struct walk *w, uint8_t *out, size_t n)
{
	const uint8_t *s = NULL, *t;
	uint8_t h[64];
	z_stream z;
	w->len = n, w->pos++;
	if (!mtd_rd_bytes_at(r, 0, n, &s) || !mtd_rd_bytes_at(&p->in, 0, 8, &t) || memcmp(t, "hsqs", 4))
		return -1;
	memcpy(out, s, n);
	z.next_in = (Bytef *)(uintptr_t)s;
	mtd_rd_copy_at(r, 0, h, sizeof(h));
	return h[3] + (int)mtd_rd_le32_at(r, 4) + (int)mtd_crc32(0, (const char *)s, n) + (int)z.avail_in;
}
EOF
out=$(bash "$CHECK" "$T/tree" 2>&1); rc=$?
ok $rc "legitimate reader code passes"
[ $rc -eq 0 ] || printf '%s\n' "$out" | sed 's/^/#   /'
done_testing
