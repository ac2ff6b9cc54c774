#!/usr/bin/env bash
# Installs every Debian 12 package autokey-ref needs to build, test, fuzz and
# benchmark. Safe to run again; uses sudo when not root.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config
  libbotan-2-dev librapidcheck-dev libgtest-dev libgmock-dev libbenchmark-dev
  libssl-dev openssl libpcap-dev
  clang-14 libclang-rt-14-dev libfuzzer-14-dev
  spin graphviz groff-base tshark python3 python3-ntp
  gpsd
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-deps: installing ${missing[*]}"
# tshark asks whether non-root users may capture; the default answer is fine.
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
