#!/usr/bin/env bash
# README command 1: install, build, and run the main job. Until the daemon
# exists, the main job verifies a real ntpd 4.2.8p15 Autokey/IFF session
# (the seed's scenario) packet by packet with autokey-trace.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
fixture=../shared/fixtures/ntpd-4.2.8p15/iff-md5-512
build/bin/autokey-trace verify "$fixture/exchange.pcap" \
  --keys "$fixture/client:client_password" --keys "$fixture/server:server_password"
