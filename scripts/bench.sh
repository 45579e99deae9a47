#!/usr/bin/env bash
# Benchmarks the vault against keepassxc-cli on the same 10,000-entry file
# with the same KDF (Argon2id, 64 MiB, 2 iterations, 2 lanes) and prints
# the ratios. Needs keepassxc-cli (scripts/test.sh installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
vaultfile=$dir/10k.kdbx
echo pw | go run ./internal/cmd/vaultgen -n 10000 -o "$vaultfile" -iterations 2 -memory-mib 64 -parallelism 2

# Mean milliseconds of a command over $runs runs.
mean_ms() {
  local total=0 start end
  for _ in $(seq "$runs"); do
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s%N)
    total=$((total + (end - start) / 1000000))
  done
  echo $((total / runs))
}

kx_open=$(mean_ms sh -c "echo pw | keepassxc-cli ls -q -R '$vaultfile'")
cp "$vaultfile" "$dir/edit.kdbx"
kx_edit=$(mean_ms sh -c "echo pw | keepassxc-cli edit -q -t renamed '$dir/edit.kdbx' 'Group 0/Service0'")

bench=$(go test -run '^$' -bench 'Unlock10k|KDF10k|Save10k|Codes10k' -benchtime "${runs}x" -count 1 ./vault/ | tee /dev/stderr)
ms() { echo "$bench" | awk -v n="$1" '$1 ~ n {printf "%d", $3/1e6}'; }
tf_unlock=$(ms Unlock10k); tf_kdf=$(ms KDF10k); tf_save=$(ms Save10k); tf_codes=$(ms Codes10k)

echo
echo "10,000 entries, Argon2id 64 MiB x 2 iterations x 2 lanes, $runs runs, $(nproc) cores"
printf '%-44s %8s\n' "measure" "ms"
printf '%-44s %8d\n' "Twofold unlock (KDF + decrypt + parse)" "$tf_unlock"
printf '%-44s %8d\n' "  of which the KDF" "$tf_kdf"
printf '%-44s %8d\n' "keepassxc-cli ls -R (process start + unlock)" "$kx_open"
printf '%-44s %8d\n' "Twofold save" "$tf_save"
printf '%-44s %8d\n' "keepassxc-cli edit (unlock + change + save)" "$kx_edit"
printf '%-44s %8d\n' "Twofold: all 10,000 codes once" "$tf_codes"
awk -v a="$tf_unlock" -v b="$kx_open" -v k="$tf_kdf" -v s="$tf_save" -v e="$kx_edit" 'BEGIN {
  printf "ratio unlock Twofold/keepassxc-cli: %.2f\n", a / b
  printf "KDF share of Twofold unlock: %.0f%%\n", 100 * k / a
  printf "keepassxc-cli save alone (edit - ls): %d ms; ratio Twofold/keepassxc-cli: %.2f\n", e - b, s / (e - b > 0 ? e - b : 1)
}'
