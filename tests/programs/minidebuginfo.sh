#!/usr/bin/env bash
# Builds DIR/prog.c into DIR/prog stripped as Fedora strips its packages: its local functions' symbols kept only as
# MiniDebugInfo, an xz-compressed ELF file in the .gnu_debugdata section (the recipe of gdb's manual). Keeps the
# unstripped build as DIR/unstripped. Used by the MiniDebugInfo tests.
#
#   tests/programs/minidebuginfo.sh DIR [GCC OPTIONS...]
set -euo pipefail
cd "$1"
shift
gcc -O1 "$@" -o prog prog.c
cp prog unstripped
nm -D prog --format=posix --defined-only | awk '{ print $1 }' | sort > dynsyms
nm prog --format=posix --defined-only | awk '{ if ($2 == "T" || $2 == "t" || $2 == "D") print $1 }' | sort > funcsyms
comm -13 dynsyms funcsyms > keep_symbols
objcopy --only-keep-debug prog debug
objcopy -S --remove-section .gdb_index --remove-section .comment --keep-symbols=keep_symbols debug mini_debuginfo
strip --strip-all -R .comment prog
xz mini_debuginfo
objcopy --add-section .gnu_debugdata=mini_debuginfo.xz prog
