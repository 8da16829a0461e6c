#!/usr/bin/env bash
# tests/scan/score_scan.py, the held-out scan scorer (issue 12): on a gzip'd tar inside random bytes made
# by tar and gzip, a truth that matches scores everything found and exact with no false finding; a truth
# with a wrong offset, a wrong type and an invented damage scores the miss, the false finding and the
# unnamed defect.  The held-out corpus itself lives outside the repository (tests/data/scores/scan-heldout-round2.md).
. "$SRCDIR/tests/lib.sh"
need python3 tar gzip
SCORE="$SRCDIR/tests/scan/score_scan.py"

mkdir -p "$T/c/d"
printf 'config line\n%.0s' $(seq 1 300) >"$T/c/d/cfg.txt"
tar -C "$T/c" -cf "$T/t.tar" d; gzip -n -c "$T/t.tar" >"$T/t.tar.gz"
python3 -c "import random,sys; r=random.Random(5); sys.stdout.buffer.write(bytes(r.getrandbits(8) for _ in range(3000)))" >"$T/img.bin"
cat "$T/t.tar.gz" >>"$T/img.bin"
cat >"$T/good.json" <<'J'
{"schema": "mtdscope.scan-truth/1", "images": [{"file": "img.bin", "components": [
  {"offset": 3000, "type": "gzip", "children": [{"offset": 0, "type": "tar", "children": null}]}]}]}
J
cat >"$T/bad.json" <<'J'
{"schema": "mtdscope.scan-truth/1", "images": [{"file": "img.bin", "components": [
  {"offset": 3001, "type": "gzip", "damage": "invented", "children": []},
  {"offset": 0, "type": "squashfs", "children": null}]}]}
J
cd "$T" || exit 1
python3 "$SCORE" --mtdscope "$MTDSCOPE" --json good.json >good.out; ok $? "scorer runs on a matching truth"
field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }
is "$(field good.out expected)" 2 "two expected components (gzip and the tar it decodes to)"
is "$(field good.out exact)" 2 "both found at their exact offset"
is "$(field good.out false)" 0 "no false finding"
python3 "$SCORE" --mtdscope "$MTDSCOPE" --json bad.json >bad.out; ok $? "scorer runs on a wrong truth"
is "$(field bad.out found)" 1 "the gzip is found by type, the squashfs is not"
is "$(field bad.out exact)" 0 "neither at its stated offset"
is "$(field bad.out false)" 1 "the gzip at 3000 counts as a false finding for that truth"
is "$(field bad.out named)" 0 "the invented defect is not named"
python3 "$SCORE" --mtdscope "$MTDSCOPE" missing.json 2>/dev/null; ok $([ $? -ne 0 ]; echo $?) "a missing truth file fails"
done_testing
