#!/usr/bin/env bash
# Install the Debian packages the project needs, only those that are missing.
# As root it runs apt-get; otherwise it prints the exact command and stops.
set -euo pipefail

missing=()
for spec in "$@"; do
    # A spec is "package" or "package:command" (the command proves it is there,
    # for tools that may come from outside Debian's archive, such as Node.js).
    pkg=${spec%%:*}
    cmd=${spec#*:}
    if [ "$cmd" != "$spec" ] && command -v "$cmd" >/dev/null 2>&1; then
        continue
    fi
    if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        continue
    fi
    missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

install_cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
    echo "These system packages are missing: ${missing[*]}" >&2
    echo "Run as root, then try again:" >&2
    echo "  sudo apt-get update && sudo $install_cmd" >&2
    exit 1
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
$install_cmd
