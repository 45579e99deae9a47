#!/usr/bin/env bash
# Twofold's test command (README: "Run the tests").
# Installs what the tests need on a fresh Debian 12 machine, then runs every test
# with the race detector. Run as root, or as a user who may use sudo.
set -euo pipefail
cd "$(dirname "$0")/.."

# Real peers the tests talk to, and the C toolchain cgo and -race need.
packages=(
  gcc libc6-dev pkg-config                 # cgo, go test -race
  keepassxc oathtool faketime              # KeePass / OTP peers (keepassxc-cli, oathtool)
  python3-pykeepass                        # a second KDBX reader
  gdb                                      # gcore, for the secrets-in-memory test
  libfido2-dev fido2-tools                 # libfido2 and fido2-token/-cred/-assert
  qrencode zbar-tools poppler-utils        # QR and PDF peers
  # Fyne (GLFW) headers: cmd/twofold links the desktop app
  libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev
  libxi-dev libxxf86vm-dev libwayland-dev libxkbcommon-dev
  # the GUI smoke test: a real window under Xvfb, typed into, screenshotted
  xvfb libgl1-mesa-dri xdotool xclip imagemagick x11-utils dbus
  util-linux                               # setpriv/prlimit (memlock test as a normal user)
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

go mod download
go vet ./...
go vet -tags hardware ./fido/ # the real-key tests (README) keep compiling
go vet -tags benchtick ./cmd/twofold/ # the measuring build of scripts/bench-gui.sh keeps compiling
# A build without cgo must still work for the vault; fido/ falls back to ErrUnsupported.
CGO_ENABLED=0 go test -count=1 ./vault/... ./fido/
# The GUI tests keep their screenshots in $TWOFOLD_ARTIFACTS (a new
# directory unless set); what is there is listed at the end, so that the
# run's log names the files.
export TWOFOLD_ARTIFACTS=${TWOFOLD_ARTIFACTS:-$(mktemp -d "${TMPDIR:-/tmp}/twofold-artifacts.XXXXXX")}
rc=0
# The race runtime sleeps a second in every process it ends (its
# atexit_sleep_ms, for reports from other threads), and the CLI scripts
# start hundreds of twofold processes: that second each had pushed the
# cmd/twofold package past go test's 10-minute limit on a loaded 2-core
# machine. The races themselves are still reported as they happen.
# cmd/twofold takes 500-600 s alone on 2 cores and 960 s with other
# builds running (tenth session): 30 minutes leave room for a slow day.
export GORACE=${GORACE:-atexit_sleep_ms=0}
go test -race -count=1 -timeout 30m "$@" ./... || rc=$?
for f in "$TWOFOLD_ARTIFACTS"/*; do
  if [ -e "$f" ]; then echo "artifact: $f ($(stat -c %s "$f") bytes)"; fi
done
exit "$rc"
