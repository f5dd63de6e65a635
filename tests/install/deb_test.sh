#!/usr/bin/env bash
# The Debian package end to end: scripts/package.sh builds it (from BUILD_DIR when that build is
# portable, else its own portable build), apt installs it, the installed `sparkify --version`,
# man page, completion and docs are checked, the quickstart runs with the installed binary, and
# the package is removed again. Exits 77 (skipped) where it cannot run: not root, no apt/dpkg,
# or a sparkify package that this test did not install is already present.
set -uo pipefail
cd "$(dirname "$0")/../.."
skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

[ "$(id -u)" = 0 ] || skip "installing a .deb needs root"
command -v apt-get >/dev/null && command -v dpkg >/dev/null || skip "apt-get/dpkg not found (not Debian)"
command -v cpack >/dev/null || skip "cpack not found"
if dpkg-query -W -f='${Status}' sparkify 2>/dev/null | grep -q 'install ok installed'; then
  skip "a sparkify package is already installed; not touching it"
fi

work=$(mktemp -d /tmp/sparkify-deb-XXXXXX)
cleanup() {
  if dpkg-query -W -f='${Status}' sparkify 2>/dev/null | grep -q 'installed'; then
    apt-get remove -y -qq -o DPkg::Lock::Timeout=600 sparkify >/dev/null 2>&1 || dpkg -r sparkify >/dev/null 2>&1
  fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "== package (BUILD_DIR=${SPARKIFY_BUILD_DIR:-none})"
deb=$(BUILD_DIR="${SPARKIFY_BUILD_DIR:-}" OUT_DIR="$work" nice scripts/package.sh | tail -1) ||
  fail "scripts/package.sh failed"
[ -f "$deb" ] || fail "no .deb produced ($deb)"
echo "built $(basename "$deb") ($(du -k "$deb" | cut -f1) KB)"

depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for lib in libsimdjson libsnappy libzstd libcurl libssl libfmt libc6; do
  grep -q "$lib" <<<"$depends" || fail "Depends lacks $lib: $depends"
done
contents=$(dpkg-deb -c "$deb")
for f in ./usr/bin/sparkify ./usr/share/man/man1/sparkify.1 \
         ./usr/share/bash-completion/completions/sparkify \
         ./usr/share/doc/sparkify/README.md ./usr/share/doc/sparkify/LICENSE; do
  grep -q " $f" <<<"$contents" || fail "the package lacks $f"
done

echo "== install"
# Serialise with other package operations on this machine; apt resolves Depends (already
# installed by setup.sh, so this works offline).
flock /tmp/sparkify-deb-test.lock apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends "$deb" >"$work/apt.log" 2>&1 ||
  { cat "$work/apt.log"; fail "apt-get install $deb failed"; }
[ -x /usr/bin/sparkify ] || fail "/usr/bin/sparkify missing after install"
version=$(/usr/bin/sparkify --version) || fail "sparkify --version failed"
echo "installed: sparkify --version -> $version"
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+ ]] || fail "unexpected version text: $version"
number=${version%% *}  # "0.1.0 (JSON parse kernel: haswell)" -> "0.1.0"
grep -q "^\.TH SPARKIFY 1 .*sparkify $number" /usr/share/man/man1/sparkify.1 ||
  fail "the man page does not carry version $number"
bash -c 'source /usr/share/bash-completion/completions/sparkify && complete -p sparkify' >/dev/null ||
  fail "the bash completion does not load"

echo "== quickstart with the installed binary"
SPARKIFY=/usr/bin/sparkify nice scripts/quickstart.sh "$work/quick" >"$work/quick.log" 2>&1 ||
  { cat "$work/quick.log"; fail "the quickstart failed with the installed binary"; }
/usr/bin/sparkify verify --lake "$work/quick/lake" >/dev/null || fail "verify failed on the quickstart lake"
/usr/bin/sparkify report --lake "$work/quick/lake" --output "$work/quick/report.html" >/dev/null ||
  fail "report failed on the quickstart lake"
echo "quickstart: $(grep -c . "$work/quick.log") lines of output, lake verified, report written"

echo "== remove"
flock /tmp/sparkify-deb-test.lock apt-get remove -y -qq -o DPkg::Lock::Timeout=600 sparkify >/dev/null 2>&1 || fail "apt-get remove failed"
[ ! -e /usr/bin/sparkify ] || fail "/usr/bin/sparkify still there after remove"
echo "ok - built, installed, ran and removed $(basename "$deb")"
