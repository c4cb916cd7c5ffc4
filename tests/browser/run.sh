#!/usr/bin/env bash
# Renders a report.html in headless Chromium and prints what a reader would meet:
#
#   tests/browser/run.sh PATH/report.html
#   -> RESULT {"errors":[],"svgs":6,"visible":6}
#
# A copy of the page gets two small scripts: one first in <head> that records every error
# (window.onerror and the `error` event), one that, once the page has loaded, counts the
# <svg> elements and those with a non-zero bounding box, and writes the result into the DOM,
# which Chromium dumps. Exit 0 with the RESULT line; 3 when no Chromium is installed; 1 when
# Chromium fails or prints no result.
set -euo pipefail

page=${1:?usage: tests/browser/run.sh PATH/report.html}
browser=""
for b in chromium chromium-browser google-chrome; do
    if command -v "$b" >/dev/null 2>&1; then browser=$b; break; fi
done
if [ -z "$browser" ]; then
    echo "no chromium found (apt-get install chromium)" >&2
    exit 3
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

head_script='<script>window.__nssimErrors=[];window.onerror=function(m){window.__nssimErrors.push(String(m));};window.addEventListener("error",function(e){window.__nssimErrors.push("error event: "+(e.message||(e.target&&e.target.outerHTML)||""));},true);</script>'
tail_script='<script>window.addEventListener("load",function(){var s=Array.prototype.slice.call(document.querySelectorAll("svg"));var v=s.filter(function(x){var r=x.getBoundingClientRect();return r.width>0&&r.height>0;}).length;var p=document.createElement("pre");p.id="nssim-browser-result";p.textContent="RESULT "+JSON.stringify({errors:window.__nssimErrors,svgs:s.length,visible:v});document.body.appendChild(p);});</script>'

# Inject after <head> and before </body> (the page has one of each); awk, so a fresh machine
# needs nothing more than Chromium.
awk -v h="$head_script" -v t="$tail_script" '
    !dh && (i = index($0, "<head>"))  { $0 = substr($0, 1, i + 5) h substr($0, i + 6); dh = 1 }
    !db && (j = index($0, "</body>")) { $0 = substr($0, 1, j - 1) t substr($0, j); db = 1 }
    { print }
    END { if (!dh || !db) { print "not a report page" > "/dev/stderr"; exit 1 } }
' "$page" >"$work/report.html"

profile="$work/profile"
mkdir -p "$profile"
if ! timeout 120 "$browser" --headless=new --no-sandbox --disable-gpu \
    --disable-background-networking --disable-component-update --disable-sync \
    --no-first-run --user-data-dir="$profile" --virtual-time-budget=5000 \
    --dump-dom "file://$work/report.html" >"$work/dom.html" 2>"$work/stderr.txt"; then
    echo "chromium failed:" >&2
    cat "$work/stderr.txt" >&2
    exit 1
fi
result=$(grep -o 'RESULT {.*}' "$work/dom.html" | head -1 || true)
if [ -z "$result" ]; then
    echo "chromium printed no result; its stderr:" >&2
    cat "$work/stderr.txt" >&2
    exit 1
fi
echo "$result"
