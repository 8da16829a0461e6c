#!/usr/bin/env python3
# What a benchmark image is made of, in 4 KiB blocks (the scanner's skip unit):
#   image-stats.py FILE [--max-uniform PCT] [--max-repeated PCT]
# prints one line: size, the share of blocks that are all 0xFF (erased) or all zero, the share of
# 0x00/0xFF bytes anywhere, and the share of blocks that repeat an earlier non-uniform block;
# exits 1 when a --max bound is exceeded.
import hashlib
import sys

BLOCK = 4096


def main():
    args = sys.argv[1:]
    if not args:
        print("usage: image-stats.py FILE [--max-uniform PCT] [--max-repeated PCT]", file=sys.stderr)
        return 2
    path = args.pop(0)
    bounds = {}
    while args:
        k = args.pop(0)
        if k not in ("--max-uniform", "--max-repeated") or not args:
            print(f"image-stats: bad argument {k}", file=sys.stderr)
            return 2
        bounds[k] = float(args.pop(0))
    zero_blk, ff_blk = bytes(BLOCK), b"\xff" * BLOCK
    n = zero = erased = repeated = zbytes = fbytes = 0
    seen = set()
    with open(path, "rb") as f:
        while True:
            b = f.read(BLOCK << 8)
            if not b:
                break
            zbytes += b.count(0)
            fbytes += b.count(0xFF)
            for o in range(0, len(b), BLOCK):
                blk = b[o:o + BLOCK]
                n += 1
                if blk == zero_blk:
                    zero += 1
                elif blk == ff_blk:
                    erased += 1
                else:
                    h = hashlib.blake2b(blk, digest_size=16).digest()
                    if h in seen:
                        repeated += 1
                    else:
                        seen.add(h)
    total = max(n, 1)
    uni = 100.0 * (zero + erased) / total
    rep = 100.0 * repeated / total
    nbytes = zbytes + fbytes
    with open(path, "rb") as f:
        f.seek(0, 2)
        size = f.tell()
    print(f"{path}: {size} bytes; 4 KiB blocks erased {100.0 * erased / total:.2f}%, zero {100.0 * zero / total:.2f}% "
          f"(uniform {uni:.2f}%); 0x00/0xFF bytes {100.0 * nbytes / max(size, 1):.2f}%; "
          f"repeated blocks {rep:.2f}% ({repeated})")
    ok = True
    if "--max-uniform" in bounds and uni > bounds["--max-uniform"]:
        print(f"image-stats: erased/zero blocks {uni:.2f}% > {bounds['--max-uniform']}%", file=sys.stderr)
        ok = False
    if "--max-repeated" in bounds and rep > bounds["--max-repeated"]:
        print(f"image-stats: repeated blocks {rep:.2f}% > {bounds['--max-repeated']}%", file=sys.stderr)
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
