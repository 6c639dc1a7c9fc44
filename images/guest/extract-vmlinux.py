#!/usr/bin/python3
"""Unpack the ELF vmlinux from a compressed x86 bzImage.

The guest boots the uncompressed ELF through PVH, which skips the
real-mode setup and the in-guest decompression (about 3 s under TCG).
The bzImage carries the ELF as one xz or zstd stream; find its magic,
decompress, and keep the first result that is an ELF image.

usage: extract-vmlinux.py BZIMAGE OUT
"""
import lzma
import shutil
import subprocess
import sys

XZ_MAGIC = b"\xfd7zXZ\x00"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


def candidates(data, magic):
    pos = data.find(magic)
    while pos >= 0:
        yield pos
        pos = data.find(magic, pos + 1)


def try_xz(blob):
    try:
        return lzma.LZMADecompressor().decompress(blob)
    except lzma.LZMAError:
        return b""


def try_zstd(blob):
    if not shutil.which("zstd"):
        sys.exit("extract-vmlinux: the kernel is zstd-compressed: install zstd")
    res = subprocess.run(["zstd", "-dcq"], input=blob, capture_output=True)
    return res.stdout  # trailing garbage after the frame is expected


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: extract-vmlinux.py BZIMAGE OUT")
    data = open(sys.argv[1], "rb").read()
    for magic, unpack in ((XZ_MAGIC, try_xz), (ZSTD_MAGIC, try_zstd)):
        for pos in candidates(data, magic):
            out = unpack(data[pos:])
            if out[:4] == b"\x7fELF":
                tmp = sys.argv[2] + ".tmp"
                with open(tmp, "wb") as f:
                    f.write(out)
                shutil.move(tmp, sys.argv[2])
                return
    sys.exit(f"extract-vmlinux: no xz or zstd ELF image found in {sys.argv[1]}")


if __name__ == "__main__":
    main()
