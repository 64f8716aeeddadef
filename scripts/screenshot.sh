#!/usr/bin/env bash
# Regenerates the picture of the example page's first screen that README.md shows:
# reports/example/index.html in headless Chromium at 1400 x 900, saved as
# reports/example/first-screen.png. The same browser and flags as tests/browser.rs.
# Then one picture of each section's lead (its heading, answer and chart, the detail folded)
# beside it: reports/example/leads/<section id>.png.
#
#   scripts/screenshot.sh [PAGE [PNG]]     (defaults: the example page and its picture)
#
# Needs Chromium (`apt-get install chromium`, which .ci/run does when it is missing);
# PARBENCH_CHROMIUM names another browser binary.
set -euo pipefail
cd "$(dirname "$0")/.."

page="${1:-reports/example/index.html}"
png="${2:-reports/example/first-screen.png}"
width=1400
height=900

browser="${PARBENCH_CHROMIUM:-}"
if [ -z "$browser" ]; then
    for name in chromium chromium-browser google-chrome chrome; do
        if command -v "$name" >/dev/null 2>&1; then
            browser="$(command -v "$name")"
            break
        fi
    done
fi
if [ -z "$browser" ]; then
    echo "error: no Chromium found (looked for \$PARBENCH_CHROMIUM, chromium, chromium-browser, google-chrome, chrome); install it with apt-get install chromium" >&2
    exit 1
fi
if [ ! -f "$page" ]; then
    echo "error: no page at '$page': run cargo bench (or parbench report) first, or name a page" >&2
    exit 1
fi

profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT

# shoot URL PNG: the first $width x $height px of URL, saved as PNG.
shoot() {
    local out
    out="$(realpath -m "$2")"
    mkdir -p "$(dirname "$out")"
    rm -f "$out"
    "$browser" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
        --hide-scrollbars --user-data-dir="$profile" --window-size="$width,$height" \
        --virtual-time-budget=5000 --screenshot="$out" "$1" \
        >/dev/null 2>"$profile/chromium.log" || {
        cat "$profile/chromium.log" >&2
        echo "error: $browser could not take the screenshot" >&2
        exit 1
    }
    if [ ! -s "$out" ]; then
        cat "$profile/chromium.log" >&2
        echo "error: $browser wrote no picture to $out" >&2
        exit 1
    fi
}

shoot "file://$(realpath "$page")" "$png"
echo "$png: first $width x $height px of $page"

# Each section's lead: a copy of the page showing that section alone (its folded detail
# stays closed), from the top.
leads="$(dirname "$png")/leads"
rm -rf "$leads"
for id in $(grep -o '<section id="[^"]*"' "$page" | sed 's/<section id="//; s/"$//'); do
    alone="$profile/$id.html"
    sed "s|</head>|<style>header,nav#contents,main>:not(#$id){display:none}</style></head>|" \
        "$page" >"$alone"
    shoot "file://$alone" "$leads/$id.png"
done
echo "$leads/: the lead of each section of $page"
