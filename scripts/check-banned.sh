#!/usr/bin/env bash
# Fail on banned C functions in src/ tests/ fuzz/ (see doc/HACKING.md):
#   strcpy strcat sprintf vsprintf gets sscanf atoi atol atoll strtok strncpy
# A call is the name as a whole word followed by "(".  Comments and string
# literals are blanked first, so prose and messages may name them.
# Then scripts/check-reader.sh: the format modules and extract read input only
# through struct mtd_reader (the probe contract, src/lib/formats/format.h).
#   check-banned.sh [ROOT]   (default: the source tree this script is in)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "${1:-$(dirname "$0")/..}"
banned='strcpy|strcat|sprintf|vsprintf|gets|sscanf|atoi|atol|atoll|strtok|strncpy'
mapfile -t files < <(find src tests fuzz -type f \( -name '*.c' -o -name '*.h' \) 2>/dev/null | sort)
[ "${#files[@]}" -gt 0 ] || { echo "check-banned: no C files found"; exit 1; }
hits=$(BANNED="$banned" perl -e '
	my $re = qr/(?<![\w.>])($ENV{BANNED})\s*\(/;
	my $n = 0;
	for my $f (@ARGV) {
		open(my $fh, "<", $f) or die "$f: $!\n";
		local $/; my $s = <$fh>; close $fh;
		# blank comments and string/char literals, keeping newlines so line numbers hold
		$s =~ s{(/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|\x27(?:\\.|[^\x27\\\n])*\x27)}{
			my $m = $1; (my $b = $m) =~ s/[^\n]/ /g; $b }gse;
		my $line = 0;
		for my $l (split /\n/, $s, -1) {
			$line++;
			while ($l =~ /$re/g) { print "$f:$line: $1()\n"; $n++; }
		}
	}
' "${files[@]}")
if [ -n "$hits" ]; then
	printf '%s\n' "$hits"
	echo "check-banned: $(printf '%s\n' "$hits" | wc -l) call(s) of banned functions (use snprintf, memcpy with checked lengths, mtd_parse_u64...)"
	exit 1
fi
echo "check-banned: ${#files[@]} files clean"
# and the probe contract: format modules and extract read input only through struct mtd_reader
# (a scratch tree without them, as tests/sample/test_scripts.sh makes, has nothing to check there)
if [ -d src/lib/formats ] || [ -d src/lib/extract ]; then
	bash "$here/check-reader.sh" "$PWD"
fi
