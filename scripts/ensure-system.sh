#!/usr/bin/env bash
# Installs the system tools Clipstream runs (Debian packages) when they are missing. The one list of them:
# the container images call it too (Dockerfile, recorder/Dockerfile).
#
#   bash scripts/ensure-system.sh            a development machine or CI: everything below
#   bash scripts/ensure-system.sh app        the web and functions images: media tools, speech model, fonts
#   bash scripts/ensure-system.sh recorder   the recorder image: ffmpeg
set -euo pipefail
role="${1:-dev}"
case "$role" in dev | app | recorder) ;; *)
  echo "usage: ensure-system.sh [dev|app|recorder]" >&2
  exit 2
  ;;
esac
need=()
# ffmpeg reads https:// sources through the system's CA store (Node carries its own).
[ -f /etc/ssl/certs/ca-certificates.crt ] || need+=(ca-certificates)
command -v "${FFMPEG_PATH:-ffmpeg}" >/dev/null 2>&1 || need+=(ffmpeg)
if [ "$role" != "recorder" ]; then
  command -v pocketsphinx_continuous >/dev/null 2>&1 || need+=(pocketsphinx)
  [ -d /usr/share/pocketsphinx/model/en-us ] || need+=(pocketsphinx-en-us)
  # Caption fonts burned into exports and served to the studio preview (lib/studio/caption-styles.ts).
  [ -f /usr/share/fonts/opentype/league-spartan/LeagueSpartan-Bold.otf ] || need+=(fonts-league-spartan)
  [ -f /usr/share/fonts/truetype/open-sans/OpenSans-Bold.ttf ] || need+=(fonts-open-sans)
  [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf ] || need+=(fonts-dejavu-core)
  [ -f /usr/share/fonts/opentype/bebas-neue/BebasNeue-Bold.otf ] || need+=(fonts-bebas-neue)
fi
if [ "$role" = "dev" ]; then
  # The demo stream's and the benchmarks' generated speech.
  command -v espeak-ng >/dev/null 2>&1 || need+=(espeak-ng)
  # sox: bench:detect's generator (and the detection test on its audio) synthesizes door slams, jingles, music.
  command -v sox >/dev/null 2>&1 || need+=(sox)
  if [ "${CLIPSTREAM_SKIP_BROWSER:-}" != "1" ]; then
    command -v chromium >/dev/null 2>&1 || need+=(chromium)
  fi
fi
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
echo "installing system packages: ${need[*]}"
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
