#!/usr/bin/env bash
# Finds or builds a free-threaded CPython (PEP 703: built with --disable-gil) for the `python`
# bench, and prints its path on stdout (everything else goes to stderr).
#
#   scripts/free-threaded-python.sh [--no-path] [--cached]
#
# 1. A python3.14t or python3.13t on PATH that is a free-threaded build is used as is
#    (--no-path skips this step).
# 2. Else the one built earlier into the cache is used at once:
#    ${PARBENCH_CACHE:-${XDG_CACHE_HOME:-~/.cache}/parbench}/python3.13t/bin/python3.13t
# 3. Else CPython 3.13 is built there, once (about 2 min on 2 cores): from Debian's source
#    package `python3.13` (upstream's tarball inside it), fetched with `apt-get source`, which
#    needs a deb-src line for a suite that has it (bookworm has not; trixie has 3.13.5):
#        echo "deb-src <your Debian mirror, as in /etc/apt/sources.list.d/debian.sources> trixie main" \
#            > /etc/apt/sources.list.d/parbench-trixie-src.list && apt-get update
#    and a C compiler with CPython's build dependencies:
#        apt-get install build-essential libssl-dev zlib1g-dev libffi-dev libbz2-dev \
#            liblzma-dev libsqlite3-dev libreadline-dev libncurses-dev uuid-dev xz-utils
#    (.ci/run does both as root). PARBENCH_FT_SOURCE names a CPython source tarball or
#    directory to build instead. The build goes into a scratch directory beside the cache and
#    is moved into place only when it has installed and runs, so a failed build leaves no
#    half-built interpreter: the script says why (the log's last lines, the log's path) and
#    exits with status 1. The cached interpreter's parbench-build.json records how long the
#    build took; the page shows it.
#
# --cached stops before step 3: it prints a found or cached interpreter, or exits with status 3.
# PARBENCH_FT_BUILD replaces step 3's fetch-and-build by a command called as
# `$PARBENCH_FT_BUILD PREFIX DESTDIR` that must install into DESTDIR/PREFIX (tests stub it).
set -euo pipefail

version=3.13
name="python${version}t"
use_path=1
build=1
for arg in "$@"; do
    case "$arg" in
        --no-path) use_path="" ;;
        --cached) build="" ;;
        -h | --help)
            sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
            exit 0
            ;;
        *)
            echo "error: unknown argument '$arg' (use --no-path, --cached or --help)" >&2
            exit 2
            ;;
    esac
done

say() { echo "free-threaded-python: $*" >&2; }
fail() {
    echo "error: free-threaded-python: $*" >&2
    exit 1
}

# Whether $1 runs and is a free-threaded build.
is_free_threaded() {
    "$1" -c 'import sys, sysconfig; sys.exit(0 if sysconfig.get_config_var("Py_GIL_DISABLED") else 1)' \
        >/dev/null 2>&1
}

if [ -n "$use_path" ]; then
    for candidate in python3.14t python3.13t; do
        if found="$(command -v "$candidate" 2>/dev/null)" && is_free_threaded "$found"; then
            say "using $found (found on PATH)"
            echo "$found"
            exit 0
        fi
    done
fi

cache="${PARBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/parbench}"
final="$cache/$name"
python="$final/bin/$name"
mkdir -p "$cache" || fail "cannot create the cache directory $cache"

if is_free_threaded "$python"; then
    echo "$python"
    exit 0
fi
if [ -z "$build" ]; then
    say "no free-threaded CPython on PATH or in $cache (run without --cached to build one)"
    exit 3
fi

# One build at a time: a second caller waits, then finds the first one's interpreter.
exec 9>"$cache/.$name.lock"
if command -v flock >/dev/null 2>&1; then
    flock 9
    if is_free_threaded "$python"; then
        echo "$python"
        exit 0
    fi
fi

# A cached interpreter that no longer runs (moved, a library gone) is built again, and the
# scratch directories of builds that were killed are removed (one build at a time holds the lock).
rm -rf "$final" "$cache/.build-$name".*
work=""
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
work="$(mktemp -d "$cache/.build-$name.XXXXXX")" || fail "cannot create a build directory in $cache"
log="$cache/$name-build.log"
: >"$log"
stage="$work/stage"
started=$(date +%s)

# Runs "$@" with its output in the log; on failure names the step and the log's last lines.
step() {
    local what="$1"
    shift
    if ! "$@" >>"$log" 2>&1; then
        tail -n 15 "$log" | sed 's/^/    /' >&2
        fail "the build of $name failed while $what; nothing was cached (full log: $log)"
    fi
}

if [ -n "${PARBENCH_FT_BUILD:-}" ]; then
    say "building $name with PARBENCH_FT_BUILD ($PARBENCH_FT_BUILD)"
    step "running $PARBENCH_FT_BUILD" $PARBENCH_FT_BUILD "$final" "$stage"
    source_label="PARBENCH_FT_BUILD"
else
    command -v make >/dev/null 2>&1 || fail "no make to build $name: install build-essential (apt-get install build-essential), or put a python3.13t on PATH"
    cc="${CC:-cc}"
    command -v "$cc" >/dev/null 2>&1 || fail "no C compiler ($cc) to build $name: install build-essential (apt-get install build-essential), or put a python3.13t on PATH"
    mkdir -p "$work/src"
    source="${PARBENCH_FT_SOURCE:-}"
    if [ -z "$source" ]; then
        command -v apt-get >/dev/null 2>&1 || fail "no source for $name: no apt-get here to fetch Debian's python$version; set PARBENCH_FT_SOURCE to a CPython $version source tarball"
        say "fetching Debian's python$version source package (apt-get source)"
        if ! (cd "$work/src" && apt-get source --download-only "python$version") >>"$log" 2>&1; then
            tail -n 3 "$log" | sed 's/^/    /' >&2
            fail "no source for $name: apt-get cannot fetch python$version's source; add a deb-src line for Debian trixie (echo 'deb-src MIRROR trixie main' > /etc/apt/sources.list.d/parbench-trixie-src.list, with MIRROR the Debian mirror your apt sources use) and run apt-get update as root, or set PARBENCH_FT_SOURCE"
        fi
        source="$(ls "$work"/src/python"$version"_*.orig.tar.* 2>/dev/null | head -n 1)"
        [ -n "$source" ] || fail "no source for $name: apt-get source gave no upstream tarball (python${version}_*.orig.tar.*)"
    fi
    source_label="$(basename "$source")"
    if [ -d "$source" ]; then
        cp -a "$source" "$work/src/cpython"
    else
        mkdir -p "$work/src/cpython"
        step "unpacking $source" tar -xf "$source" -C "$work/src/cpython" --strip-components=1
    fi
    jobs="$(nproc 2>/dev/null || echo 2)"
    say "building $name from $source_label into $final (log: $log; about 2 min on 2 cores)"
    cd "$work/src/cpython"
    step "configuring (./configure --disable-gil)" ./configure --disable-gil --without-ensurepip --prefix="$final"
    step "compiling (make -j$jobs)" make -j"$jobs"
    step "installing (make install)" make install DESTDIR="$stage"
    cd "$cache"
fi

[ -x "$stage$final/bin/$name" ] || fail "the build of $name installed no $stage$final/bin/$name; nothing was cached (log: $log)"
seconds=$(($(date +%s) - started))
printf '{"built_by": "scripts/free-threaded-python.sh", "source": "%s", "build_seconds": %d, "jobs": %d}\n' \
    "$source_label" "$seconds" "$(nproc 2>/dev/null || echo 0)" >"$stage$final/parbench-build.json"
mv "$stage$final" "$final"
if ! is_free_threaded "$python"; then
    rm -rf "$final"
    fail "the built $name does not run as a free-threaded build (sysconfig Py_GIL_DISABLED); nothing was cached (log: $log)"
fi
say "built $name in $((seconds / 60)) min $((seconds % 60)) s"
echo "$python"
