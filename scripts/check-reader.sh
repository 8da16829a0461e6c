#!/usr/bin/env bash
# The probe contract, checked: code under src/lib/formats/, src/lib/extract/ and
# src/lib/bundle/, and src/lib/core/json_read.c (the format modules, extract's
# dispatch and its output tree, the reader of collect's bundles, the JSON reader)
# reaches input bytes only through struct mtd_reader (include/mtdscope/reader.h).
#
# Comments and string literals are blanked first.  Then, in every file:
#   R1  no member `data` read as a pointer (`x.data`, `p->data`, `{.data = }`):
#       the reader's, a source's and a buffer's raw pointer are out of reach
#       (`in->data.file` of a library's parsed struct, a union, stays allowed);
#   R2  no write to a reader's `pos`, `len` or `base` (a variable, parameter or
#       member declared struct mtd_reader, or a cast): cursor and length change
#       only through mtd_rd_* (which check them);
#   R3  no mtd_rd_ptr() (a pointer without a length) and no
#       mtd_scan_space_data() (a whole space); no struct mtd_reader built by
#       an initialiser (`= {p, n}`, a compound literal) or hidden behind a
#       typedef, only mtd_rd_init() (over memory the module owns), 
#       mtd_rd_sub() and mtd_rd_window();
#   R4  a span (the pointer mtd_rd_bytes(), mtd_rd_bytes_at() or mtd_rd_line()
#       hands out, always into a plain local `&x`) is never indexed, offset,
#       dereferenced, assigned, copied into another variable or returned, and
#       never handed to a function of these directories: it may only be a whole
#       argument (casts allowed) of one of the library functions below, all of
#       which take the length with the pointer, or the input pointer of a
#       decoder's stream struct (`z.next_in = x`, `in.src = x`).  Fields are
#       read with mtd_rd_u32be()/mtd_rd_le32_at()..., magics compared with
#       mtd_rd_eq_at(), checksums taken with mtd_rd_crc32*(), fixed headers
#       copied out with mtd_rd_copy()/mtd_rd_copy_at().
# What the check cannot see: the length passed beside a span to a library
# function (review it), and bytes a module decoded into memory it owns.
#   check-reader.sh [ROOT]   (default: the source tree this script is in)
set -euo pipefail
cd "${1:-$(dirname "$0")/..}"
mapfile -t files < <({ find src/lib/formats src/lib/extract src/lib/bundle -type f \( -name '*.c' -o -name '*.h' \); ls src/lib/core/json_read.c src/lib/core/json_read.h; } 2>/dev/null | sort)
[ "${#files[@]}" -gt 0 ] || { echo "check-reader: no files under src/lib/formats or src/lib/extract"; exit 1; }
perl -e '
use strict; use warnings;
# library functions that take a length with the pointer: the only places a span may go
my %sink = map { $_ => 1 } qw(
	memcmp memcpy memchr memmem strnlen write
	lzo_crc32 lzo_adler32 lzma_index_buffer_decode ZSTD_frameHeaderSize ZSTD_getFrameHeader
	LZ4F_getFrameInfo LZ4_decompress_safe_partial
	mtd_crc32 mtd_crc32_raw crc32 EVP_Digest EVP_DigestUpdate mtd_sha256_update
	uncompress lzo1x_decompress_safe lzma_raw_buffer_decode LZ4F_decompress LZ4_decompress_safe
	ZSTD_decompress ZSTD_findFrameCompressedSize ZSTD_getFrameContentSize
	mtd_sink_file mtd_sink_file_write mtd_outdir_file_write
	mtd_env_measure mtd_env_parse mtd_eeprom_decode
	archive_read_open_memory
);
my %getter = (mtd_rd_bytes => 3, mtd_rd_bytes_at => 4, mtd_rd_line => 3);
my $type_re = qr/(?:static\s+)?(?:const\s+)?(?:unsigned\s+char|uint8_t|char|void|Bytef|sqfs_u8)\s*(?:const\s+)?\*/;
my $cast_re = qr/(?:\(\s*(?:const\s+)?[A-Za-z_]\w*(?:\s+\w+)*\s*\**\s*\)\s*)*/;
my (@bad, %src, %local);
for my $f (@ARGV) {
	open(my $fh, "<", $f) or die "$f: $!\n";
	local $/; my $s = <$fh>; close $fh;
	$s =~ s{(/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|\x27(?:\\.|[^\x27\\\n])*\x27)}{
		my $m = $1; (my $b = $m) =~ s/[^\n]/ /g;
		substr($b, 0, 1) = "0" if $m =~ /^["\x27]/; $b }gse;
	$src{$f} = $s;
	# functions defined in these directories (a span must not reach them)
	$local{$1} = 1 while $s =~ /^[A-Za-z_][^;{}()]*?\b([A-Za-z_]\w*)\s*\([^;{}]*\)\s*\{/mg;
}
sub line_of { my ($s, $pos) = @_; return 1 + (substr($s, 0, $pos) =~ tr/\n//); }
sub report { my ($f, $s, $pos, $what) = @_; push @bad, sprintf("%s:%d: %s", $f, line_of($s, $pos), $what); }
# the call whose argument list encloses $pos: (name, start of the argument, end of the argument)
sub enclosing_call {
	my ($s, $pos) = @_;
	my ($depth, $i, $astart) = (0, $pos - 1, undef);
	for (; $i >= 0; $i--) {
		my $c = substr($s, $i, 1);
		if ($c eq ")" || $c eq "]" || $c eq "}") { $depth++; next; }
		if ($c eq "[" || $c eq "{") { return () if !$depth; $depth--; next; }
		if ($c eq "(") { last if !$depth; $depth--; next; }
		if ($c eq ";") { return () if !$depth; }
		$astart = $i + 1 if $c eq "," && !$depth && !defined $astart;
	}
	return () if $i < 0;
	$astart = $i + 1 unless defined $astart;
	my ($j, $aend) = ($pos, undef);
	for ($depth = 0; $j < length $s; $j++) {
		my $c = substr($s, $j, 1);
		if ($c eq "(" || $c eq "[" || $c eq "{") { $depth++; next; }
		if ($c eq ")" || $c eq "]" || $c eq "}") { if (!$depth) { $aend = $j; last; } $depth--; next; }
		if ($c eq "," && !$depth) { $aend = $j; last; }
		return () if $c eq ";";
	}
	return () unless defined $aend;
	my $before = substr($s, 0, $i);
	my ($name) = $before =~ /([A-Za-z_]\w*)\s*$/;
	return ($name // "", $astart, $aend);
}
for my $f (@ARGV) {
	my $s = $src{$f};
	while ($s =~ /(?:\.|->)\s*data\b(?!\s*\.)/g) { report($f, $s, $-[0], "member `data`: read input through a struct mtd_reader"); }
	# readers of this file: variables, parameters and struct members declared struct mtd_reader
	my %rd = (in => 1);
	while ($s =~ /\bstruct\s+mtd_reader\b((?:\s*(?:const\s*)?\**\s*[A-Za-z_]\w*\s*(?:\[[^\]]*\])?\s*(?:,|(?=[;=)\[])))+)/g) {
		my $list = $1;
		$rd{$1} = 1 while $list =~ /([A-Za-z_]\w*)\s*(?:\[[^\]]*\])?\s*(?:,|$)/g;
	}
	my $obj = qr/(?:\b(?:${\ join("|", map { quotemeta } sort keys %rd)})\b|\))\s*(?:\[[^\]]*\]\s*)?/;
	my $wr = qr/\s*(?:=(?!=)|\+=|-=|\*=|\/=|<<=|>>=|&=|\|=|\^=|\+\+|--)/;
	while ($s =~ /$obj(?:\.|->)\s*(len|pos|base)$wr|(?:\+\+|--|&)\s*$obj(?:\.|->)\s*(len|pos|base)\b/g) {
		report($f, $s, $-[0], "a reader\x27s `" . ($1 // $2) . "` changed by hand: move it with mtd_rd_seek/mtd_rd_skip, narrow it with mtd_rd_window/mtd_rd_sub");
	}
	while ($s =~ /\btypedef\s+struct\s+mtd_reader\b/g) { report($f, $s, $-[0], "typedef of struct mtd_reader hides it from this check"); }
	while ($s =~ /\b(mtd_rd_ptr|mtd_scan_space_data)\b/g) { report($f, $s, $-[0], "$1: a pointer without a bound; use the reader getters"); }
	while ($s =~ /struct\s+mtd_reader\s+\w+\s*=\s*\{(?!\s*0?\s*\})|\(\s*struct\s+mtd_reader\s*\)\s*\{/g) { report($f, $s, $-[0], "struct mtd_reader built by an initialiser: use mtd_rd_init/mtd_rd_window/mtd_rd_sub"); }
	# function bodies: spans are tracked per function
	my $depth = 0; my $start = -1;
	for (my $i = 0; $i < length $s; $i++) {
		my $c = substr($s, $i, 1);
		if ($c eq "{") { $start = $i if $depth == 0; $depth++; }
		elsif ($c eq "}") { $depth--; check_body($f, $s, $start, $i) if $depth == 0 && $start >= 0; }
	}
}
sub check_body {
	my ($f, $s, $b, $e) = @_;
	my $body = substr($s, $b, $e - $b + 1);
	my %span;
	while ($body =~ /\b(mtd_rd_bytes_at|mtd_rd_bytes|mtd_rd_line)\s*\(/g) {
		my ($g, $open) = ($1, $+[0] - 1);
		# split the argument list
		my ($d, $cur, @args) = (0, "");
		my $k;
		for ($k = $open + 1; $k < length $body; $k++) {
			my $c = substr($body, $k, 1);
			if ($c eq "(" || $c eq "[" || $c eq "{") { $d++; }
			elsif ($c eq ")" || $c eq "]" || $c eq "}") { if (!$d) { push @args, $cur; last; } $d--; }
			elsif ($c eq "," && !$d) { push @args, $cur; $cur = ""; next; }
			$cur .= $c;
		}
		my $want = $getter{$g};
		if (@args != $want || $args[$want - 1] !~ /^\s*&\s*([A-Za-z_]\w*)\s*$/) {
			report($f, $s, $b + $open, "$g: the span must go into a plain local (&name)");
			next;
		}
		$span{$1} = 1;
	}
	for my $x (sort keys %span) {
		while ($body =~ /(?<![\w.>])\b\Q$x\E\b/g) {
			my ($p, $q) = ($-[0], $+[0]);
			my $before = substr($body, 0, $p);
			my $after = substr($body, $q);
			# &x as the output of a span getter
			if ($before =~ /&\s*$/) {
				my ($name) = enclosing_call($body, $p);
				next if defined $name && exists $getter{$name} && $after =~ /^\s*\)/;
				report($f, $s, $b + $p, "span `$x`: its address goes only to mtd_rd_bytes/mtd_rd_bytes_at/mtd_rd_line");
				next;
			}
			# declaration: `const uint8_t *x;`, `..., *x = NULL,`
			my ($stmt) = $before =~ /([^;{}]*)$/;
			if ($stmt =~ /^\s*$type_re/ && $before =~ /\*\s*$/ && $after =~ /^\s*(?:=\s*(?:NULL|0)\s*)?[;,)]/) {
				next;
			}
			# input pointer of a decoder stream: z.next_in = x; in.src = x;
			if ($stmt =~ /(?:\.|->)\s*(?:next_in|src)\s*=\s*$cast_re$/ && $after =~ /^\s*;/) {
				next;
			}
			# a whole argument of a library function that takes the length too
			my ($name, $as, $ae) = enclosing_call($body, $p);
			if (defined $name) {
				my $arg = substr($body, $as, $ae - $as);
				if ($arg =~ /^\s*$cast_re\Q$x\E\s*$/) {
					next if $sink{$name};
					report($f, $s, $b + $p, "span `$x` passed to $name(): only library functions that take its length may receive it (see scripts/check-reader.sh)");
					next;
				}
			}
			report($f, $s, $b + $p, "span `$x` indexed, offset, dereferenced or copied: read it through the reader instead");
		}
	}
}
if (@bad) { print "$_\n" for @bad; printf "check-reader: %d raw input access(es) outside the reader API\n", scalar @bad; exit 1; }
printf "check-reader: %d files read input only through struct mtd_reader\n", scalar @ARGV;
' "${files[@]}"
