// Command vaultgen writes a large test vault (benchmarks, load tests).
// The password is read from the first line of standard input.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/twofold-app/twofold/internal/vaultgen"
	"github.com/twofold-app/twofold/vault"
)

func main() {
	n := flag.Int("n", 10000, "accounts")
	out := flag.String("o", "", "vault path (must not exist)")
	iterations := flag.Uint64("iterations", 2, "Argon2id iterations")
	memMiB := flag.Uint64("memory-mib", 64, "Argon2id memory (MiB)")
	lanes := flag.Uint("parallelism", 2, "Argon2id lanes")
	flag.Parse()
	line, _ := bufio.NewReader(os.Stdin).ReadString('\n')
	kdf := vault.KDFParams{KDF: vault.KDFArgon2id, Iterations: *iterations, MemoryBytes: *memMiB << 20, Parallelism: uint32(*lanes)}
	if err := vaultgen.Generate(*out, []byte(strings.TrimRight(line, "\r\n")), *n, vault.CreateOptions{KDF: kdf}); err != nil {
		fmt.Fprintln(os.Stderr, "vaultgen:", err)
		os.Exit(1)
	}
}
