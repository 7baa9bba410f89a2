#!/usr/bin/env bash
# Installs the system tools Clipstream runs (Debian packages) when they are missing.
set -euo pipefail
need=()
command -v "${FFMPEG_PATH:-ffmpeg}" >/dev/null 2>&1 || need+=(ffmpeg)
command -v pocketsphinx_continuous >/dev/null 2>&1 || need+=(pocketsphinx)
[ -d /usr/share/pocketsphinx/model/en-us ] || need+=(pocketsphinx-en-us)
command -v espeak-ng >/dev/null 2>&1 || need+=(espeak-ng)
# Caption fonts burned into exports and served to the studio preview (lib/studio/caption-styles.ts).
[ -f /usr/share/fonts/opentype/league-spartan/LeagueSpartan-Bold.otf ] || need+=(fonts-league-spartan)
[ -f /usr/share/fonts/truetype/open-sans/OpenSans-Bold.ttf ] || need+=(fonts-open-sans)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf ] || need+=(fonts-dejavu-core)
[ -f /usr/share/fonts/opentype/bebas-neue/BebasNeue-Bold.otf ] || need+=(fonts-bebas-neue)
# sox: bench:detect's generator (and the detection test on its audio) synthesizes door slams, jingles, music.
command -v sox >/dev/null 2>&1 || need+=(sox)
if [ "${CLIPSTREAM_SKIP_BROWSER:-}" != "1" ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
fi
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
echo "installing system packages: ${need[*]}"
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
