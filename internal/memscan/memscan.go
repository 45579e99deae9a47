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
	ranges, err := DumpableRanges(string(smaps))
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
		buf := make([]byte, r[1]-r[0])
		if _, err := mem.ReadAt(buf, int64(r[0])); err != nil {
			continue // [vsyscall] and the like cannot be read; gcore skips them too
		}
		canaryFound = canaryFound || bytes.Contains(buf, canary)
		for name, forms := range secrets {
			for _, f := range forms {
				leak := name + " as " + f.Name
				if !seen[leak] && bytes.Contains(buf, f.Bytes) {
					seen[leak] = true
					leaks = append(leaks, leak)
				}
			}
		}
	}
	return canaryFound, leaks, nil
}

// DumpableRanges parses smaps: the readable mappings whose VmFlags lack dd.
func DumpableRanges(smaps string) ([][2]uint64, error) {
	var ranges [][2]uint64
	var cur [2]uint64
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
			cur, readable = [2]uint64{a, b}, f[1][0] == 'r'
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
// and reads what it reports.
func StartChild(testName, env string, sizes []int) (*Child, error) {
	cmd := exec.Command(os.Args[0], "-test.run=^"+testName+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), env+"=1")
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
