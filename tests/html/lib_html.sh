# Helpers for the --html tests: headless chromium (root needs --no-sandbox; a profile of its own).
need chromium python3 jq
# the screenshots are read with Debian's PIL (python3-pil): the python3 on PATH may be another one
PYPIL=
for p in python3 /usr/bin/python3; do
	if "$p" -c 'import PIL' 2>/dev/null; then PYPIL=$p; break; fi
done
[ -n "$PYPIL" ] || skip_all "python3-pil not installed (run scripts/setup.sh)"
CHK="$SRCDIR/tests/html/check_dom.py"
chrome() { # chrome ARGS... URL
	timeout 90 chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
		--user-data-dir="$T/chrome-profile" "$@" 2>>"$T/chrome.log"
}
shot() { # shot HTML PNG: a 1280 px wide screenshot
	chrome --window-size=1280,2000 --screenshot="$2" "file://$1" >/dev/null
}
dom() { # dom HTML OUT: the DOM chromium built, serialised
	chrome --dump-dom "file://$1" >"$2"
}
# nonblank PNG NAME: the screenshot has many colours and is not mostly white
nonblank() {
	local w h c nw
	read -r w h c nw < <("$PYPIL" "$CHK" png "$1")
	ok $(( ${c:-0} >= 16 && ${nw:-0} >= 30 ? 0 : 1 )) "$2: screenshot not blank (${w}x${h}, $c colours, $nw/1000 not white)"
}
# covers DOM JSON NAME: every partition name and every problem of the scan JSON is text of the page
covers() {
	python3 "$CHK" text "$1" >"$T/text"
	local miss=
	while IFS= read -r s; do
		grep -qF -- "$s" "$T/text" || miss+="$s; "
	done < <({ jq -r '(.partitions // [])[] | .name, .problems[]?' "$2"; jq -r '.components[].problems[]?, (.layout_problems // [])[], (.layout_notes // [])[]' "$2"; })
	is "$miss" "" "$3: every partition name and problem of scan --json is in the DOM"
}
