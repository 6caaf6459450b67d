#!/usr/bin/env bash
# Installs everything casedocs needs, idempotently: Debian packages, the project
# virtualenv (.venv) and the LibreOffice-side virtualenv (.venv-uno, which must run
# on Debian's python3 because only it can `import uno`).
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(libreoffice-writer-nogui python3-uno python3-venv fonts-noto-cjk
                 chromium poppler-utils libnss3-tools)

missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON="${CASEDOCS_PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
# Reinstall only when the declared dependencies change.
stamp=.venv/.casedocs-deps
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -e '.[test]'
  echo "$want" > "$stamp"
fi

# The conversion worker (docgen/conversion/uno_worker.py) needs only the standard library and uno.
if [ ! -x .venv-uno/bin/python ]; then
  /usr/bin/python3 -m venv --system-site-packages .venv-uno
fi
