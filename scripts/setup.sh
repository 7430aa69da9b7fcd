#!/usr/bin/env bash
# Install everything vorort needs on a fresh Debian machine (as root), then migrate.
# Safe to run again: each step checks first and does nothing when it is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# System packages: chromium for browser tests, pango for WeasyPrint (PDF letters),
# poppler for reading PDFs in tests, fonts for letters.
APT_PACKAGES=(chromium libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils libxml2-utils fonts-dejavu-core
              fonts-liberation2 nodejs npm)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
# nodejs/npm may come from another source than Debian (e.g. NodeSource): accept any working npm.
if command -v npm >/dev/null 2>&1; then
    missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
missing=($(printf '%s\n' "${missing[@]}" | sed '/^$/d'))
if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "Missing system packages: ${missing[*]} (run this script as root or install them)" >&2
        exit 1
    fi
    say "Installing system packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Python 3.12: pyenv's, a system python3.12, or fail with a clear message.
find_python() {
    for candidate in "${VORORT_PYTHON:-}" \
        "$(command -v pyenv >/dev/null 2>&1 && echo "$(pyenv root)/versions/3.12.1/bin/python3.12")" \
        "$(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.12*/bin/python3.12 2>/dev/null | tail -n 1)" \
        "$(command -v python3.12 || true)"; do
        if [ -n "$candidate" ] && [ -x "$candidate" ]; then echo "$candidate"; return 0; fi
    done
    return 1
}
PYTHON=$(find_python) || { echo "Python 3.12 not found (set VORORT_PYTHON=/path/to/python3.12)" >&2; exit 1; }

if ! command -v uv >/dev/null 2>&1; then
    say "Installing uv"
    python3 -m pip install --quiet --disable-pip-version-check uv 2>/dev/null \
        || "$PYTHON" -m pip install --quiet --disable-pip-version-check uv
    hash -r
fi
UV=$(command -v uv)

say "Python environment (.venv, from uv.lock)"
"$UV" sync --frozen --quiet --python "$PYTHON"

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "Front-end assets (KERN UX, htmx)"
    npm ci --no-audit --no-fund --loglevel=error
fi

say "Database migrations"
.venv/bin/vorort migrate --verbosity 0
