#!/bin/bash
# Recreate files/bw2-hello-world.{ihex,srec} of the round-3 scan held-out corpus from a clone of
# github.com/ReFirmLabs/binwalk: testing/tests/input-vectors/ at commit cddfede (binwalk 2, MIT).
# Not router formats: they count for false findings only.   usage: recreate-binwalk2.sh BINWALK_GIT OUTDIR
set -euo pipefail
g=$1; out=$2; mkdir -p "$out"
for f in hello-world.ihex hello-world.srec; do
  git -C "$g" show cddfede795971045d99422bd7a9676c8803ec5ee:testing/tests/input-vectors/$f > "$out/bw2-$f"
done
