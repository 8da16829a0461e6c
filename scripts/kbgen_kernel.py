# SPDX-License-Identifier: MIT
"""The parts of the Linux tree the knowledge generators read (device trees, MTD id tables).

kernel_tree(path) returns PATH when given, else unpacks (once) what is needed from the tarball of the
Debian package linux-source-6.1 (/usr/src/linux-source-6.1.tar.xz) into ~/.cache/mtdscope-kb/.
"""
import os
import subprocess
import sys

TARBALL = '/usr/src/linux-source-6.1.tar.xz'
MEMBERS = ['arch/arm/boot/dts', 'arch/arm64/boot/dts', 'arch/mips/boot/dts', 'drivers/mtd/spi-nor',
           'drivers/mtd/nand/spi', 'drivers/mtd/nand/raw/nand_ids.c', 'drivers/mtd/nand/raw/internals.h', 'include/linux/mtd', 'include/dt-bindings',
           'drivers/net/wireless', 'include/linux/pci_ids.h', 'Makefile',
           'arch/mips/lantiq/xway/prom.c', 'arch/mips/ath79/setup.c']


def kernel_tree(path=''):
    if path:
        return path
    cache = os.path.join(os.path.expanduser('~'), '.cache', 'mtdscope-kb')
    top = os.path.join(cache, 'linux-source-6.1')
    stamp = os.path.join(top, '.unpacked')
    want = '\n'.join(MEMBERS) + '\n'
    if os.path.exists(stamp):
        with open(stamp) as f:
            if f.read() == want:
                return top
    if not os.path.exists(TARBALL):
        sys.exit('kbgen: %s is missing: apt-get install linux-source-6.1, or give --kernel DIR' % TARBALL)
    os.makedirs(cache, exist_ok=True)
    print('kbgen: unpacking the needed parts of %s into %s' % (TARBALL, cache), file=sys.stderr)
    subprocess.run(['tar', '-C', cache, '-xJf', TARBALL] + ['linux-source-6.1/' + m for m in MEMBERS], check=True)
    with open(stamp, 'w') as f:
        f.write(want)
    return top
