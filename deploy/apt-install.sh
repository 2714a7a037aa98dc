#!/usr/bin/env bash
# Install the Debian packages listed in deploy/apt-packages.txt that are not installed yet.
# Fast and silent when all are present; needs root otherwise (as on CI and the developer machines).
set -euo pipefail
list="$(dirname "${BASH_SOURCE[0]}")/apt-packages.txt"
missing=()
while read -r package; do
    [[ -z "$package" || "$package" == \#* ]] && continue
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done < "$list"
if ((${#missing[@]})); then
    echo "apt-install.sh: installing ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
