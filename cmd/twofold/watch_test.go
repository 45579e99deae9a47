package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twofold-app/twofold/internal/peers"
	"github.com/twofold-app/twofold/vault"
	"github.com/twofold-app/twofold/vault/otp"
)

// syncBuffer is a bytes.Buffer safe to read while the command writes.
type syncBuffer struct {
	mu    sync.Mutex
	b     bytes.Buffer
	wrote chan struct{} // closed at the first write
	once  sync.Once
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.once.Do(func() { close(s.wrote) })
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestCodesWatchPrintsEachCodeWhenItChanges drives `codes --watch` with an
// injected clock and ticks: a tick inside the same 30-second step prints
// nothing, a tick into the next step prints the new code (checked against
// oathtool) with its seconds left.
func TestCodesWatchPrintsEachCodeWhenItChanges(t *testing.T) {
	peers.Require(t, "oathtool")
	path := filepath.Join(t.TempDir(), "v.kdbx")
	s, err := vault.Create(path, vault.Credentials{Password: []byte("pw")}, vault.CreateOptions{
		KDF: cheapKDF})
	if err != nil {
		t.Fatal(err)
	}
	key, _ := otp.ParseURI([]byte("otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub"))
	if _, err := s.AddAccount(vault.NewAccount{Key: key}); err != nil {
		t.Fatal(err)
	}
	key.Destroy()
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	s.Lock()

	var mu sync.Mutex
	now := time.Unix(1700000010, 0) // a step starts here: 30 s left
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	ticks := make(chan time.Time)
	tickerMade := make(chan struct{})
	signals := make(chan os.Signal)
	out := syncBuffer{wrote: make(chan struct{})}
	e := env{stdin: strings.NewReader("pw\n"), stdout: &out, stderr: &out, getenv: func(string) string { return "" },
		now: clock, signals: signals,
		ticker: func(time.Duration) (<-chan time.Time, func()) { close(tickerMade); return ticks, func() {} }}
	done := make(chan int)
	go func() { done <- run([]string{"codes", "--watch", "--vault", path}, e) }()
	<-tickerMade
	<-out.wrote // the first round is printed at the starting time
	advance := func(to int64) {
		mu.Lock()
		now = time.Unix(to, 0)
		mu.Unlock()
		ticks <- now // returns once the loop took it: the previous round is printed
	}
	advance(1700000011) // same step [1700000010, 1700000040): nothing new
	advance(1700000025)
	advance(1700000039)
	advance(1700000041) // the next step: a new code, 29 s left
	signals <- os.Interrupt
	if code := <-done; code != 0 {
		t.Fatalf("exit %d: %s", code, out.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	first := peers.OathTool(t, "totp", "JBSWY3DPEHPK3PXP", 6, 30, time.Unix(1700000010, 0), 0)
	second := peers.OathTool(t, "totp", "JBSWY3DPEHPK3PXP", 6, 30, time.Unix(1700000041, 0), 0)
	if len(lines) != 2 {
		t.Fatalf("want one line per code change (2), got %d:\n%s", len(lines), out.String())
	}
	for i, want := range []struct{ code, left string }{{first, "30s left"}, {second, "29s left"}} {
		if !strings.Contains(lines[i], want.code) || !strings.HasSuffix(lines[i], want.left) {
			t.Errorf("line %d = %q, want code %s and %q", i, lines[i], want.code, want.left)
		}
	}
}

// TestCodesWatchExplainsHOTP: --watch follows the TOTP accounts and says
// on standard error that an HOTP one has no countdown (it used to leave
// it out without a word).
func TestCodesWatchExplainsHOTP(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v.kdbx")
	s, err := vault.Create(path, vault.Credentials{Password: []byte("pw")}, vault.CreateOptions{KDF: cheapKDF})
	if err != nil {
		t.Fatal(err)
	}
	for _, uri := range []string{"otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP", "otpauth://hotp/Bank:me?secret=JBSWY3DPEHPK3PXP&counter=3"} {
		key, _ := otp.ParseURI([]byte(uri))
		if _, err := s.AddAccount(vault.NewAccount{Key: key}); err != nil {
			t.Fatal(err)
		}
		key.Destroy()
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	s.Lock()
	signals := make(chan os.Signal)
	out := syncBuffer{wrote: make(chan struct{})}
	var errOut syncBuffer
	errOut.wrote = make(chan struct{})
	e := env{stdin: strings.NewReader("pw\n"), stdout: &out, stderr: &errOut, getenv: func(string) string { return "" },
		now: func() time.Time { return time.Unix(1700000010, 0) }, signals: signals,
		ticker: func(time.Duration) (<-chan time.Time, func()) { return nil, func() {} }}
	done := make(chan int)
	go func() { done <- run([]string{"codes", "--watch", "--vault", path}, e) }()
	<-out.wrote
	signals <- os.Interrupt
	if code := <-done; code != 0 {
		t.Fatalf("exit %d: %s%s", code, out.String(), errOut.String())
	}
	if !strings.Contains(out.String(), "GitHub (alice)") || strings.Contains(out.String(), "Bank") {
		t.Errorf("stdout = %q, want the TOTP account only", out.String())
	}
	if want := "Bank (me) is an HOTP account: no countdown"; !strings.Contains(errOut.String(), want) {
		t.Errorf("stderr = %q, want %q", errOut.String(), want)
	}
}
