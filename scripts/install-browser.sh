#!/usr/bin/env bash
# Installs what the browser suite needs from Debian's packages when it is missing: Chromium
# (/usr/bin/chromium; Playwright's own browser download cannot work here) and the Noto CJK fonts
# (without them every Chinese screenshot shows boxes). Prints one line saying what it did; exits
# non-zero, with apt's message, when it cannot install.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q 'install ok installed' || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -eq 0 ]; then
  echo "browser: $(/usr/bin/chromium --version 2>/dev/null | head -1), fonts-noto-cjk present"
  exit 0
fi
sudo=()
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "browser: ${missing[*]} missing and not root (no sudo)" >&2; exit 1; }
  sudo=(sudo -n)
fi
echo "browser: installing ${missing[*]} with apt-get"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq >/dev/null
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "browser: $(/usr/bin/chromium --version 2>/dev/null | head -1), fonts-noto-cjk installed"
