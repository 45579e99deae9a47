#!/usr/bin/env bash
# Builds Twofold and opens its window on the default vault
# ($TWOFOLD_VAULT, else $XDG_DATA_HOME/twofold/vault.kdbx), installing what
# the build needs on Debian 12 first (as root, or through sudo).
#
#   scripts/run.sh                  open the window (first run: create the vault)
#   scripts/run.sh --vault FILE     open another vault
#   scripts/run.sh --package        also build dist/twofold.tar.xz with a .desktop entry
set -euo pipefail
cd "$(dirname "$0")/.."

# C toolchain for cgo, and the X11/Wayland/OpenGL headers GLFW builds against.
packages=(gcc libc6-dev pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev
  libxinerama-dev libxi-dev libxxf86vm-dev libwayland-dev libxkbcommon-dev)
command -v go >/dev/null 2>&1 || packages+=(golang-go ca-certificates)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing: ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Debian 12's Go (1.19) predates toolchain switching (Go 1.21), so fetch the
# toolchain go.mod asks for from the Go module proxy, as Go 1.21+ would.
go_bin=go
minor=$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')
if [ "${minor:-0}" -lt 21 ]; then
  want=$(sed -nE 's/^go ([0-9.]+)$/\1/p' go.mod)
  arch=$(go env GOARCH)
  mod="golang.org/toolchain@v0.0.1-go${want}.linux-${arch}"
  echo "fetching Go ${want} (Debian's Go $(go env GOVERSION) is too old)" >&2
  dir=$(cd "$(mktemp -d)" && go mod init bootstrap >/dev/null 2>&1 && GOFLAGS=-mod=mod go mod download -json "$mod" | sed -nE 's/^\s*"Dir": "(.*)",?$/\1/p')
  go_bin="$dir/bin/go"
  chmod +x "$dir/bin/"* "$dir/pkg/tool/"*/* 2>/dev/null || true
fi

if [ "${1:-}" = "--package" ]; then
  shift
  # fyne package reads FyneApp.toml beside the main package.
  cp FyneApp.toml cmd/twofold/FyneApp.toml
  trap 'rm -f cmd/twofold/FyneApp.toml cmd/twofold/twofold' EXIT
  (cd cmd/twofold && "$go_bin" tool fyne package -os linux --release --tags no_animations,migrated_fynedo --icon "$PWD/../../assets/icon.png")
  mkdir -p dist && mv cmd/twofold/Twofold.tar.xz dist/twofold.tar.xz
  echo "packaged dist/twofold.tar.xz" >&2
fi

# no_animations: a blinking cursor would repaint the window 60 times a second.
# migrated_fynedo: every widget update goes through fyne.Do, so Fyne's
# per-call thread checks (a stack walk each) are off, as FyneApp.toml says.
"$go_bin" build -tags no_animations,migrated_fynedo -o bin/twofold ./cmd/twofold

vault=${TWOFOLD_VAULT:-${XDG_DATA_HOME:-$HOME/.local/share}/twofold/vault.kdbx}
mkdir -p -m 0700 "$(dirname "$vault")"
exec bin/twofold gui "$@"
