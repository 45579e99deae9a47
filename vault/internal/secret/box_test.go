package secret

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"unsafe"
)

func TestSealOpenReplaceDrop(t *testing.T) {
	b := NewBox()
	defer b.Wipe()
	h, err := b.Seal([]byte("JBSWY3DPEHPK3PXP"))
	if err != nil {
		t.Fatal(err)
	}
	empty, _ := b.Seal(nil)
	buf, err := b.Open(h)
	if err != nil || string(buf.Bytes()) != "JBSWY3DPEHPK3PXP" {
		t.Fatalf("open: %q %v", buf.Bytes(), err)
	}
	buf.Destroy()
	if e, err := b.Open(empty); err != nil || e.Size() != 0 {
		t.Errorf("empty secret: %v", err)
	}
	if err := b.Replace(h, []byte("new")); err != nil {
		t.Fatal(err)
	}
	err = b.With(h, func(p []byte) error {
		if string(p) != "new" {
			return fmt.Errorf("got %q", p)
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
	b.Drop(h)
	if _, err := b.Open(h); err == nil {
		t.Error("a dropped secret still opens")
	}
}

func TestSealWithWritesStraightIntoLockedMemory(t *testing.T) {
	b := NewBox()
	defer b.Wipe()
	h, err := b.SealWith(5000, func(dst []byte) {
		for i := range dst {
			dst[i] = byte(i)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	var seen []byte
	_ = b.With(h, func(p []byte) error { seen = bytes.Clone(p); return nil })
	if len(seen) != 5000 || seen[4999] != byte(4999%256) {
		t.Errorf("round trip of a scratch-grown secret failed (%d bytes)", len(seen))
	}
	if !b.scratch.IsAlive() || bytes.ContainsAny(b.scratch.Bytes(), "\x01\x02\x03") {
		t.Error("scratch memory was not wiped after use")
	}
}

func TestWipeMakesEverythingUnusable(t *testing.T) {
	b := NewBox()
	h, _ := b.Seal([]byte("hunter2-value"))
	if s := fmt.Sprintf("%v %+v %#v", b, b, b); strings.Contains(s, "hunter2") {
		t.Errorf("Box prints %q", s)
	}
	b.Wipe()
	b.Wipe() // idempotent
	if _, err := b.Open(h); !errors.Is(err, ErrWiped) {
		t.Errorf("Open after Wipe: %v", err)
	}
	if err := b.With(h, func([]byte) error { return nil }); !errors.Is(err, ErrWiped) {
		t.Errorf("With after Wipe: %v", err)
	}
	if _, err := b.Seal([]byte("x")); !errors.Is(err, ErrWiped) {
		t.Errorf("Seal after Wipe: %v", err)
	}
	if !b.Wiped() {
		t.Error("Wiped() is false")
	}
}

// TestBuffersAreLeftOutOfCoreDumps reads the kernel's view of the mapping
// that holds a buffer: its VmFlags must include dd (MADV_DONTDUMP).
func TestBuffersAreLeftOutOfCoreDumps(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("MADV_DONTDUMP is Linux-only")
	}
	buf := NewBuffer(64)
	defer buf.Destroy()
	addr := uintptr(unsafe.Pointer(&buf.Bytes()[0]))
	flags, err := vmFlags(addr)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(" "+flags+" ", " dd ") {
		t.Errorf("mapping of a secret buffer has VmFlags %q, want dd", flags)
	}
}

func vmFlags(addr uintptr) (string, error) {
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	inside := false
	for sc.Scan() {
		line := sc.Text()
		var lo, hi uintptr
		if n, _ := fmt.Sscanf(line, "%x-%x ", &lo, &hi); n == 2 {
			inside = addr >= lo && addr < hi
			continue
		}
		if inside && strings.HasPrefix(line, "VmFlags:") {
			return strings.TrimSpace(strings.TrimPrefix(line, "VmFlags:")), nil
		}
	}
	return "", fmt.Errorf("no mapping holds %#x", addr)
}

func TestRewriteReplacesInLockedScratch(t *testing.T) {
	b := NewBox()
	defer b.Wipe()
	h, _ := b.Seal([]byte("a\nb\n"))
	err := b.Rewrite(h, 4, func(old, dst []byte) (int, error) {
		n := copy(dst, old[:1])
		n += copy(dst[n:], " ok")
		return n + copy(dst[n:], old[1:]), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	_ = b.With(h, func(p []byte) error {
		if string(p) != "a ok\nb\n" {
			t.Errorf("rewritten to %q", p)
		}
		return nil
	})
	failed := errors.New("keep it")
	if err := b.Rewrite(h, 0, func(_, _ []byte) (int, error) { return 0, failed }); !errors.Is(err, failed) {
		t.Errorf("error from fn: %v", err)
	}
	_ = b.With(h, func(p []byte) error {
		if string(p) != "a ok\nb\n" {
			t.Errorf("a failed rewrite changed the secret to %q", p)
		}
		return nil
	})
}

func TestPaddingNeverLeavesAPartialSalsaBlock(t *testing.T) {
	for n := 0; n < 300; n++ {
		if l := paddedLen(n); l < n+lenSize || l < 32 || (l-32)%64 != 0 {
			t.Fatalf("paddedLen(%d) = %d", n, l)
		}
	}
	b := NewBox()
	defer b.Wipe()
	// A rewrite that grows past the pad area's size reallocates it.
	h, _ := b.Seal(bytes.Repeat([]byte("x"), 10))
	err := b.Rewrite(h, 9000, func(old, dst []byte) (int, error) {
		return copy(dst, bytes.Repeat([]byte("y"), 9000)), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	_ = b.With(h, func(p []byte) error {
		if len(p) != 9000 || p[8999] != 'y' {
			t.Errorf("grown rewrite: %d bytes", len(p))
		}
		return nil
	})
}

func TestDeriveSealsWhatFnKeeps(t *testing.T) {
	b := NewBox()
	defer b.Wipe()
	h, _ := b.Seal([]byte("otpauth://totp/x?secret=ABC"))
	d, ok, err := b.Derive(h, func(plain, work []byte) (int, error) {
		if len(work) != 2*len(plain) {
			t.Errorf("work is %d bytes for %d of plaintext", len(work), len(plain))
		}
		return copy(work, plain[len(plain)-3:]), nil
	})
	if err != nil || !ok {
		t.Fatalf("derive: %v %v", ok, err)
	}
	if err := b.With(d, func(p []byte) error {
		if string(p) != "ABC" {
			return fmt.Errorf("derived %q", p)
		}
		return nil
	}); err != nil {
		t.Error(err)
	}
	n := b.Len()
	if _, ok, err := b.Derive(h, func(_, _ []byte) (int, error) { return 0, nil }); ok || err != nil {
		t.Errorf("keeping nothing: %v %v", ok, err)
	}
	boom := errors.New("boom")
	if _, ok, err := b.Derive(h, func(_, w []byte) (int, error) { return len(w), boom }); ok || !errors.Is(err, boom) {
		t.Errorf("failing fn: %v %v", ok, err)
	}
	if b.Len() != n {
		t.Error("Derive sealed a secret it should not have")
	}
	if bytes.ContainsAny(b.scratch.Bytes(), "ABC") || bytes.Contains(b.pad.Bytes(), []byte("otpauth")) {
		t.Error("scratch memory was not wiped after use")
	}
}
