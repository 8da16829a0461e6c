#!/usr/bin/env bash
# `mtdscope console` against a scripted bootloader console (tests/net/fake_uboot.py): the
# TP-Link MT7621 U-Boot 1.1.3 of seed 001, where only "tpl" typed inside a one-second
# window stops autoboot, and a mainline countdown ("Hit any key to stop autoboot").
. "$SRCDIR/tests/lib.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3) || skip_all "python3 not installed"
FAKE="$SRCDIR/tests/net/fake_uboot.py"

# 1. Vendor menu, keyed interrupt: bursts of 'tpl' through the window, prompt, checked commands.
cat > "$T/script" <<'EOF'
# seed 001: interrupt with tpl, then check the environment
printenv ipaddr
	expect ipaddr=192.168.0.1
setenv serverip 192.168.0.5
printenv serverip
	expect serverip=192.168.0.5
	timeout 5
EOF
out=$("$MTDSCOPE" console -q --exec "$PY $FAKE mt7621" --interrupt tpl --interrupt-after-countdown --script "$T/script" --log "$T/log1" 2>&1)
rc=$?
is "$rc" 0 "MT7621 menu: tpl bursts reach the prompt and the script passes"
like "$out" "at the prompt 'MT7621 #'" "prompt MT7621 # detected"
like "$out" "autoboot message 'Please choose the operation'" "the vendor menu is recognised as the autoboot window"
bursts=$(printf '%s' "$out" | grep -oE '[0-9]+ interrupt bursts' | cut -d' ' -f1)
like "${bursts:-0}" '^([2-9]|[1-9][0-9]+)$' "the interrupt is sent in bursts ($bursts), not once"
like "$(cat "$T/log1")" '^\[ *[0-9]+\.[0-9]{3}\] < U-Boot 1\.1\.3' "log: timestamped transcript lines"
like "$(cat "$T/log1")" '> printenv serverip' "log: the commands sent"
like "$(cat "$T/log1")" '< <INTERRUPT>' "the keys typed by the bursts are cleared with Ctrl-C"
# the prompt was reached inside the window: the fake boots Linux when tpl comes too late
if grep -q 'Starting kernel' "$T/log1"; then ok 1 "stopped before the kernel started"; else ok 0 "stopped before the kernel started"; fi

# 2. The wrong interrupt: the board boots; mtdscope says so and shows the end of the transcript.
out=$("$MTDSCOPE" console -q --exec "$PY $FAKE mt7621" --interrupt x --window 3 -c version 2>&1)
rc=$?
is "$rc" 1 "wrong interrupt string fails"
like "$out" "no prompt came \(try another --interrupt\)" "the failure says what to try"
like "$out" "Starting kernel" "the transcript tail shows the board booting"

# 3. Mainline countdown, default interrupt (a key): prompt '=>'.
out=$("$MTDSCOPE" console -q --exec "$PY $FAKE modern" -c version --expect 'U-Boot 2023' 2>&1)
is "$?" 0 "mainline countdown stopped with the default key"
like "$out" "at the prompt '=>'" "prompt => detected"
like "$out" "autoboot message 'Hit any key to stop autoboot'" "countdown recognised"

# 4. Expected text missing: the step fails, naming the command and the text.
out=$("$MTDSCOPE" console -q --exec "$PY $FAKE mt7621" --interrupt tpl -c 'printenv ipaddr' --expect ipaddr= \
	-c 'tftpboot 0x80a00000 test.bin' --expect 'Bytes transferred =' -c version 2>&1)
is "$?" 1 "missing expected text fails"
like "$out" "step 2 of 3 failed: 'tftpboot 0x80a00000 test.bin': expected 'Bytes transferred =' in its output; it ended with 'Unknown command" "failure names the command, the text and the last line"

# 5. Per-command timeout.
out=$("$MTDSCOPE" console -q --exec "$PY $FAKE mt7621" --interrupt tpl -c 'sleep 5' --timeout 1 2>&1)
is "$?" 1 "a command past its timeout fails"
like "$out" "'sleep 5' did not return to the prompt within 1 s" "timeout message"

# 6. A serial line (--line): the fake console on a pseudo-terminal, configured raw 115200.
"$PY" "$FAKE" mt7621 --pty "$T/ptyname" &
FPID=$!
for _ in $(seq 50); do [ -s "$T/ptyname" ] && break; sleep 0.1; done
out=$("$MTDSCOPE" console -q --line "$(cat "$T/ptyname")" --baud 115200 --interrupt tpl -c printenv --expect bootdelay=1 2>&1)
is "$?" 0 "--line: interrupt and command over a tty"
kill $FPID 2>/dev/null; wait $FPID 2>/dev/null

# 7. Scripted console already at its prompt (--no-stop).
out=$(printf 'version\r' | "$MTDSCOPE" console -q --exec "$PY $FAKE modern" --no-stop --wait 5 -c version 2>&1)
rc=$?
# the modern fake boots when no key comes; --no-stop only sends Ctrl-C after silence, which stops it
is "$rc" 0 "--no-stop finds the prompt with a Ctrl-C nudge"

# 8. --json: the prompt, each command's output, the transcript
out=$("$MTDSCOPE" console --json --exec "$PY $FAKE mt7621" --interrupt tpl -c 'printenv serverip' -c 'setenv a b' 2>/dev/null)
is "$(printf '%s' "$out" | jq -r '.prompt')" "MT7621 #" "--json: prompt"
is "$(printf '%s' "$out" | jq -r '.steps[0].output')" "serverip=192.168.0.5" "--json: a command's output, echo and prompt removed"
is "$(printf '%s' "$out" | jq -r '[.steps[] | select(.ok)] | length')" 2 "--json: both steps ok"
like "$(printf '%s' "$out" | jq -r '.transcript')" 'Ralink UBoot Version' "--json: transcript included"

# 10. The seed-001 loader as posted: no menu, no countdown, 'tpl' wanted silently during a window.
#     A word is sent from power-on by default; after a countdown only, the loader goes past.
out=$("$MTDSCOPE" console -q --exec "$PY $FAKE tplink-silent --delay 1" --interrupt tpl -c 'printenv serverip' \
	--expect serverip=192.168.0.5 2>&1)
is "$?" 0 "silent TP-Link loader: 'tpl' sent from power-on reaches the prompt"
like "$out" "the interrupt 'tpl' sent from power-on, [0-9]+ bursts" "the bursts started at power-on, not after a countdown"
out=$("$MTDSCOPE" console -q --exec "$PY $FAKE tplink-silent --delay 1" --interrupt tpl --interrupt-after-countdown \
	--wait 10 -c version 2>&1)
is "$?" 1 "silent TP-Link loader, interrupt only after a countdown: fails"
like "$out" "the boot loader went past without stopping \('Starting kernel" "it says the loader went past without stopping"
out=$("$MTDSCOPE" console -q --exec "$PY $FAKE modern" --interrupt-from-start -c version 2>&1)
is "$?" 0 "--interrupt-from-start with the default key stops a mainline countdown too"
echo x > "$T/img"
j=$("$MTDSCOPE" netboot --json --exec "$PY $FAKE tplink-silent --delay 1" --interrupt tpl --image "$T/img" \
	--bind 127.0.0.1 --port $((20000 + $$ % 20000)) 2>/dev/null)
is "$(printf '%s' "$j" | jq -r '.steps[] | select(.step=="stop autoboot") | .ok')" true "netboot: the silent loader stopped with 'tpl' from power-on"
like "$(printf '%s' "$j" | jq -r '.steps[] | select(.step=="stop autoboot") | .detail')" "sent from power-on" "netboot: says the interrupt was sent from power-on"

# 9. Usage errors
"$MTDSCOPE" console -c version >/dev/null 2>&1; is "$?" 2 "no --line or --exec: usage error"
"$MTDSCOPE" console --exec true --expect x >/dev/null 2>&1; is "$?" 2 "--expect without --cmd: usage error"
"$MTDSCOPE" console --line /nonexistent/tty >/dev/null 2>&1; is "$?" 1 "missing serial device fails"
done_testing
