// Package memscan reads a running process's memory the way a core dump
// does and looks for secrets in it. Test-only.
//
// A core dump (the kernel's, or gdb's gcore) holds every readable mapping
// except those marked MADV_DONTDUMP ("dd" in /proc/PID/smaps), which is
// how memguard's locked pages stay out. Reading /proc/PID/mem over those
// ranges sees what a dump would, without writing Go's gigabyte of reserved
// address space to disk.
package memscan

import (
	"bufio"
	"bytes"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// Form is one spelling of a secret to look for.
type Form struct {
	Name  string
	Bytes []byte
}

// TextForms are the spellings a secret is likely to sit in memory as:
// raw, base32 (upper and lower, unpadded), hex (lower and upper), and
// base64 of its first whole 3-byte groups (so it matches wherever the
// secret starts inside a longer base64 text).
func TextForms(s []byte) []Form {
	b32 := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(s)
	h := hex.EncodeToString(s)
	forms := []Form{
		{"raw", s},
		{"base32", []byte(b32)},
		{"base32 lower", bytes.ToLower([]byte(b32))},
		{"hex", []byte(h)},
		{"hex upper", bytes.ToUpper([]byte(h))},
	}
	if n := len(s) / 3 * 3; n >= 12 {
		forms = append(forms, Form{"base64", []byte(base64.RawStdEncoding.EncodeToString(s[:n]))})
	}
	return forms
}

// Search reads every dumpable mapping of pid and reports whether canary
// (something the process surely holds in ordinary memory) occurs — if not,
// the search proves nothing — and which forms of which secrets do, as
// "NAME as FORM".
func Search(pid int, canary []byte, secrets map[string][]Form) (canaryFound bool, leaks []string, err error) {
	smaps, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps", pid))
	if err != nil {
		return false, nil, err
	}
	ranges, err := dumpableRanges(string(smaps))
	if err != nil {
		return false, nil, err
	}
	mem, err := os.Open(fmt.Sprintf("/proc/%d/mem", pid))
	if err != nil {
		return false, nil, err
	}
	defer mem.Close()
	seen := map[string]bool{}
	for _, r := range ranges {
		buf := make([]byte, r.hi-r.lo)
		if _, err := mem.ReadAt(buf, int64(r.lo)); err != nil {
			continue // [vsyscall] and the like cannot be read; gcore skips them too
		}
		canaryFound = canaryFound || bytes.Contains(buf, canary)
		for name, forms := range secrets {
			for _, f := range forms {
				leak := name + " as " + f.Name
				if seen[leak] {
					continue
				}
				if i := bytes.Index(buf, f.Bytes); i >= 0 {
					seen[leak] = true
					leaks = append(leaks, leak+" "+describe(r, buf, i, len(f.Bytes)))
				}
			}
		}
	}
	return canaryFound, leaks, nil
}

// describe says where a found secret lies and what surrounds it (the
// secret itself masked), so a failure report points at the code that left
// it: a JSON key, a URI parameter or a struct's neighbours name it.
func describe(r mapping, buf []byte, at, n int) string {
	const around = 64
	lo, hi := max(at-around, 0), min(at+n+around, len(buf))
	show := func(b []byte) string {
		return strings.Map(func(c rune) rune {
			if c < 0x20 || c > 0x7e {
				return '.'
			}
			return c
		}, string(b))
	}
	return fmt.Sprintf("at %#x in %s: %q[secret]%q", r.lo+uint64(at), r.name, show(buf[lo:at]), show(buf[at+n:hi]))
}

// mapping is one range of the address space: [lo, hi) and what smaps
// names it ("[heap]", "[stack]", a file, or "anonymous").
type mapping struct {
	lo, hi uint64
	name   string
}

// dumpableRanges parses smaps: the readable mappings whose VmFlags lack dd.
func dumpableRanges(smaps string) ([]mapping, error) {
	var ranges []mapping
	var cur mapping
	readable := false
	for _, line := range strings.Split(smaps, "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) >= 2 && strings.Contains(f[0], "-") && len(f[1]) == 4:
			lo, hi, _ := strings.Cut(f[0], "-")
			a, err1 := strconv.ParseUint(lo, 16, 64)
			b, err2 := strconv.ParseUint(hi, 16, 64)
			if err1 != nil || err2 != nil {
				return nil, fmt.Errorf("smaps line %q", line)
			}
			cur, readable = mapping{a, b, "anonymous"}, f[1][0] == 'r'
			if len(f) >= 6 {
				cur.name = f[5]
			}
		case len(f) > 0 && f[0] == "VmFlags:":
			if readable && !strings.Contains(line, " dd") {
				ranges = append(ranges, cur)
			}
		}
	}
	if len(ranges) == 0 {
		return nil, fmt.Errorf("no mappings parsed from smaps")
	}
	return ranges, nil
}

// ReadN reads exactly n bytes (a secret a child process reports).
func ReadN(r io.Reader, n int) ([]byte, error) {
	b := make([]byte, n)
	_, err := io.ReadFull(r, b)
	return b, err
}

// Child is a test binary re-run as a child process that reports its
// secrets on standard output (their sizes known to both sides), then a
// 16-byte heap canary and "ready\n", and then holds them until its
// standard input closes.
type Child struct {
	Pid     int
	Secrets [][]byte
	Canary  []byte
	stop    func()
}

// StartChild runs os.Args[0] with -test.run=^testName$ and env set to 1,
// and reads what it reports. The child runs as the twofold binary runs
// itself: with async preemption off (see cmd/twofold/preempt.go: a
// preemption signal leaves the vector registers of an interrupted copy
// in the signal stack, which is dumpable memory).
func StartChild(testName, env string, sizes []int) (*Child, error) {
	cmd := exec.Command(os.Args[0], "-test.run=^"+testName+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), env+"=1", "GODEBUG=asyncpreemptoff=1")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &Child{Pid: cmd.Process.Pid, stop: func() { _ = stdin.Close(); _ = cmd.Wait() }}
	out := bufio.NewReader(stdout)
	for _, n := range append(sizes, 16) {
		b, err := ReadN(out, n)
		if err != nil {
			c.Stop()
			return nil, fmt.Errorf("read from child: %w", err)
		}
		c.Secrets = append(c.Secrets, b)
	}
	c.Canary, c.Secrets = c.Secrets[len(sizes)], c.Secrets[:len(sizes)]
	if line, err := out.ReadString('\n'); err != nil || line != "ready\n" {
		c.Stop()
		return nil, fmt.Errorf("child said %q instead of ready: %v", line, err)
	}
	return c, nil
}

// Stop lets the child end and waits for it.
func (c *Child) Stop() { c.stop() }
