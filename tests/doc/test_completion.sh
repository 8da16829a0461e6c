#!/usr/bin/env bash
# The bash and zsh completions generated from the command table and the --help texts:
# bash's completion function is called with COMP_WORDS for partial command lines and its
# answers checked; every command completes every option its --help shows.  zsh's is loaded
# through compinit and its per-command option specs checked the same way.
. "$SRCDIR/tests/lib.sh"
export LC_ALL=C ASAN_OPTIONS=detect_leaks=0
bc=$DOCDIR/mtdscope zc=$DOCDIR/_mtdscope
[ -f "$bc" ]
ok $? "bash completion generated"
[ -f "$zc" ]
ok $? "zsh completion generated"

commands=$("$MTDSCOPE" help | sed -n '/^commands:/,/^$/p' | awk 'NF >= 2 && $1 != "commands:" {print $1}')
help_opts() { # CMD -> the long and short options its --help shows, sorted
	"$MTDSCOPE" "$1" --help | grep -E '^ {1,4}-' | sed -E 's/^ +//; s/  .*//' | grep -oE -- '(^|[ ,/])--?[A-Za-z][A-Za-z0-9-]*' |
		sed 's/^[ ,\/]//' | sort -u
}

# complete WORD... : the answers of bash completion for the command line WORD... (the last
# word is the one being completed), one a line, sorted
complete_bash() {
	bash --norc -c '
		source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
		_mtdscope
		printf "%s\n" "${COMPREPLY[@]}" | sort' _ "$bc" "$@"
}
lines() { printf '%s\n' "$@" | sort; }

is "$(complete_bash mtdscope sc)" "scan" "bash: mtdscope sc -> scan"
is "$(complete_bash mtdscope e)" "$(lines eeprom env extract)" "bash: mtdscope e -> eeprom env extract"
is "$(complete_bash mtdscope '')" "$(lines $commands)" "bash: mtdscope <TAB> -> every command of the table"
is "$(complete_bash mtdscope --v)" "--version" "bash: mtdscope --v -> --version"
is "$(complete_bash mtdscope help s)" "$(lines scan serve split)" "bash: mtdscope help s -> scan serve split"
is "$(complete_bash mtdscope --color=never sc)" "scan" "bash: a global option before the command"
is "$(complete_bash mtdscope scan --max-)" "$(lines --max-decoded --max-depth --max-ratio)" "bash: scan --max-"
is "$(complete_bash mtdscope layout --kind '')" "$(lines proc-mtd kernel-log mtdparts dts dtb gpt)" \
	"bash: layout --kind <TAB> -> the kinds its help lists"
is "$(complete_bash mtdscope plan --via '')" "$(lines uboot mtd shell flashrom)" "bash: plan --via <TAB>"
is "$(complete_bash mtdscope scan --color = al)" "always" "bash: scan --color=al (split at '=') -> always"
is "$(complete_bash mtdscope scan --color=n)" "--color=never" "bash: scan --color=n (one word) -> --color=never"
is "$(complete_bash mtdscope serve --port '')" "" "bash: serve --port <TAB> offers nothing (a number)"
mkdir -p "$T/dir/sub" && : >"$T/dir/file.bin"
is "$(complete_bash mtdscope scan "$T/dir/f")" "$T/dir/file.bin" "bash: scan FILE completes file names"
is "$(complete_bash mtdscope split -C "$T/dir/")" "$T/dir/sub" "bash: split -C DIR completes directories only"
is "$(complete_bash mtdscope extract --only "$T/dir/")" "" "bash: extract --only TYPE does not offer files"

for c in $commands; do
	[ "$c" = help ] && continue
	want=$(help_opts "$c")
	got=$(complete_bash mtdscope "$c" - | sed 's/=$//' | sort -u)
	is "$got" "$want" "bash: mtdscope $c -<TAB> offers exactly the options of its --help"
done

if ! command -v zsh >/dev/null; then
	ok 0 "# SKIP zsh not installed (run scripts/setup.sh)"
	done_testing
	exit
fi
mkdir -p "$T/fpath" && cp "$zc" "$T/fpath/"
out=$(zsh -f -c 'fpath=("$1" $fpath); autoload -U compinit; compinit -u -d "$2/zcompdump"
	print -r -- "${_comps[mtdscope]}"' _ "$T/fpath" "$T" 2>&1)
is "$out" "_mtdscope" "zsh: compinit registers _mtdscope for mtdscope"
zsh -n "$zc"
ok $? "zsh: the completion parses (zsh -n)"

# complete_zsh WORD...: call _mtdscope as zsh's completion would for words=(WORD...) with
# CURRENT on the last word, with _arguments and _describe replaced by recorders.
complete_zsh() {
	zsh -f -c 'fpath=("$1" $fpath); autoload -U compinit; compinit -u -d "$2/zcompdump"; shift 2
		_arguments() { local a; for a in "$@"; do print -r -- "A:$a"; done; }
		_describe() { local a; for a in "${(@P)${@[-1]}}"; do print -r -- "D:$a"; done; }
		_files() { print -r -- "F:$*"; }
		autoload -Uz _mtdscope
		words=("$@"); CURRENT=$#words
		_mtdscope' _ "$T/fpath" "$T" "$@" 2>&1
}
got=$(complete_zsh mtdscope '' | sed -n 's/^D://p' | sed 's/:.*//' | sort)
is "$got" "$(lines $commands)" "zsh: mtdscope <TAB> describes every command of the table"
got=$(complete_zsh mtdscope help '' | sed -n 's/^D://p' | sed 's/:.*//' | sort)
is "$got" "$(lines $commands)" "zsh: mtdscope help <TAB> describes the commands"
for c in $commands; do
	[ "$c" = help ] && continue
	want=$(help_opts "$c")
	# each spec: optional (exclusions), optional *, the option name, then = + [ or :
	got=$(complete_zsh mtdscope "$c" - | sed -n 's/^A://p' | grep -v '^-[sS]$' |
		sed -E 's/^\([^)]*\)//; s/^\*//; s/^(--?[A-Za-z0-9-]+).*/\1/' | grep '^-' | sort -u)
	is "$got" "$want" "zsh: mtdscope $c - has a spec for exactly the options of its --help"
done
got=$(complete_zsh mtdscope layout --kind '' | sed -n 's/^A://p' | grep -- '^--kind')
like "$got" '\(proc-mtd kernel-log mtdparts dts dtb gpt\)$' "zsh: layout --kind completes the kinds its help lists"
done_testing
