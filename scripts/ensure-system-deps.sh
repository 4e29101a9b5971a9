#!/usr/bin/env bash
# Installs the system packages Doorstep needs, and only those that are missing.
#
#   scripts/ensure-system-deps.sh run      a CJK font for PDF reports; Node.js when the PWA is built
#   scripts/ensure-system-deps.sh test     the above, plus chromium (browser tests) and poppler-utils
#   scripts/ensure-system-deps.sh python   the venv module, when `python3 -m venv` is not available
#
# Uses apt-get (Debian/Ubuntu) without prompts. Without root or password-less sudo, or without
# apt-get, it prints what to install and exits 0 so the build can go on; a test that needs a
# missing tool then says so itself. DOORSTEP_SKIP_SYSTEM_DEPS=1 skips the whole check.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

mode=${1:-run}
case "$mode" in
run | test | python) ;;
*)
	echo "usage: $0 run|test|python" >&2
	exit 2
	;;
esac

warn() { echo "ensure-system-deps: warning: $*" >&2; }

if [[ "${DOORSTEP_SKIP_SYSTEM_DEPS:-}" == 1 ]]; then
	echo "ensure-system-deps: skipped (DOORSTEP_SKIP_SYSTEM_DEPS=1)"
	exit 0
fi

have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
have_cjk_font() {
	have_pkg fonts-wqy-microhei || have_pkg fonts-noto-cjk ||
		{ have_cmd fc-list && [[ -n "$(fc-list :lang=zh family 2>/dev/null)" ]]; }
}

missing=()
need_font() { have_cjk_font || missing+=(fonts-wqy-microhei); }
need_node() { [[ ! -f pwa/package.json ]] || have_cmd npm || missing+=(nodejs npm); }
need_chromium() { have_cmd chromium || have_cmd chromium-browser || have_cmd google-chrome || missing+=(chromium); }
need_poppler() { have_cmd pdftoppm || missing+=(poppler-utils); }
need_venv() { python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv); }

case "$mode" in
run)
	need_font
	need_node
	;;
test)
	need_font
	need_node
	need_chromium
	need_poppler
	;;
python) need_venv ;;
esac

if ((${#missing[@]} == 0)); then
	echo "ensure-system-deps ($mode): everything is installed"
	exit 0
fi

if ! have_cmd apt-get; then
	warn "missing ${missing[*]}; install them with your system's package manager"
	exit 0
fi
if [[ "$(id -u)" -eq 0 ]]; then
	sudo=()
elif have_cmd sudo && sudo -n true 2>/dev/null; then
	sudo=(sudo -n)
else
	warn "missing ${missing[*]}; not root, so run: sudo apt-get install ${missing[*]}"
	exit 0
fi

echo "ensure-system-deps ($mode): installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! ${sudo[@]+"${sudo[@]}"} apt-get update -qq; then
	warn "apt-get update failed; trying the install with the current package lists"
fi
if ! ${sudo[@]+"${sudo[@]}"} apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
	warn "could not install ${missing[*]}; features that need them will not work"
fi
