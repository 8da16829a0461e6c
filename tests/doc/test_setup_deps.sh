#!/usr/bin/env bash
# scripts/setup.sh installs the package of every tool, library and module the build, the
# tests and the benchmarks use (scripts/check-setup-deps.sh), and the check finds a miss.
. "$SRCDIR/tests/lib.sh"
need dpkg-query python3
cd "$SRCDIR" || exit 1
out=$(bash scripts/check-setup-deps.sh 2>&1)
ok $? "check-setup-deps: every use is covered by setup.sh"
printf '%s\n' "$out" | sed 's/^/#   /'
# the same check with jq and zsh taken out of the lists must name them
sed -e 's/ jq / /; s/ zsh / /' scripts/setup.sh >"$T/setup.sh"
out=$(SETUP_SH=$T/setup.sh bash scripts/check-setup-deps.sh 2>&1)
ok $((! $?)) "check-setup-deps fails when setup.sh leaves packages out"
like "$out" 'MISS +(cmd|word) jq .*: jq' "... naming jq and its package"
like "$out" 'MISS +(cmd|word) zsh .*: zsh' "... naming zsh and its package"
done_testing
