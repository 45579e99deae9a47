//go:build cgo

package fido_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/twofold-app/twofold/fido"
	"github.com/twofold-app/twofold/internal/fidotest/softkey"
)

// bioKey plugs a key with a fingerprint sensor whose finger follows
// samples, and gives it the PIN 1234.
func bioKey(t *testing.T, samples ...softkey.Sample) (*fido.Device, *softkey.Fingers) {
	t.Helper()
	f := softkey.NewFingers(samples...)
	_, d := plug(t, softkey.Config{Bio: true, Finger: f.Finger})
	setPIN(t, d, "1234")
	return d, f
}

func enroll(t *testing.T, d *fido.Device, name string) *fido.Fingerprint {
	t.Helper()
	fp, err := d.EnrollFingerprint(context.Background(), name, (&ui{pins: []string{"1234"}}).callbacks())
	if err != nil {
		t.Fatal(err)
	}
	return fp
}

func fingerprints(t *testing.T, d *fido.Device) string {
	t.Helper()
	fps, err := d.Fingerprints(context.Background(), (&ui{pins: []string{"1234"}}).callbacks())
	if err != nil {
		t.Fatal(err)
	}
	var s []string
	for _, f := range fps {
		s = append(s, f.IDString()+"="+f.Name)
	}
	return strings.Join(s, " ")
}

// samples summarizes the StepSample progress: state, verdict, remaining.
func samples(u *ui) string {
	var s []string
	for _, p := range u.progress {
		if p.Step == fido.StepSample && p.State != fido.StepStarted {
			s = append(s, fmt.Sprintf("%s/%s/%d", p.State, p.Sample, p.Remaining))
		}
	}
	return strings.Join(s, " ")
}

func TestEnrollFingerprintWithABadSample(t *testing.T) {
	d, finger := bioKey(t, softkey.SampleTooFast)
	if got := fingerprints(t, d); got != "" {
		t.Fatalf("new key has fingerprints %q", got)
	}
	u := &ui{pins: []string{"0000", "1234"}}
	fp, err := d.EnrollFingerprint(context.Background(), "right index", u.callbacks())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := samples(u), "retry/too fast/4 ok/good/3 ok/good/2 ok/good/1 ok/good/0"; got != want {
		t.Errorf("samples:\n got %s\nwant %s", got, want)
	}
	if u.progress[1].Detail != "touch the sensor more slowly" {
		t.Errorf("advice for a fast sample: %q", u.progress[1].Detail)
	}
	// The wrong PIN is caught before the first touch.
	if got := u.retriesShown(); got != "8 7 " || len(u.touches) != 5 || u.done != 5 {
		t.Errorf("retries shown %q, %d touch prompts, %d closed", got, len(u.touches), u.done)
	}
	if n := len(finger.Requests()); n != 5 {
		t.Errorf("%d captures", n)
	}
	if fp.Name != "right index" || len(fp.ID) == 0 {
		t.Fatalf("fingerprint %+v", fp)
	}
	if got := fingerprints(t, d); got != fp.IDString()+"=right index" {
		t.Errorf("list: %q", got)
	}
	info := mustInfo(t, d)
	if !info.Options["bioEnroll"] || !info.Options["uv"] || info.UVRetries != 8 {
		t.Errorf("info after enrolling: options %v, uv retries %d", info.Options, info.UVRetries)
	}
}

func TestRenameAndDeleteFingerprints(t *testing.T) {
	d, _ := bioKey(t)
	a := enroll(t, d, "right index")
	b := enroll(t, d, "")
	if got, want := fingerprints(t, d), a.IDString()+"=right index "+b.IDString()+"="; got != want {
		t.Fatalf("list %q, want %q", got, want)
	}
	pin := func() *fido.Callbacks { return (&ui{pins: []string{"1234"}}).callbacks() }
	if err := d.RenameFingerprint(context.Background(), b.ID, "left thumb", pin()); err != nil {
		t.Fatal(err)
	}
	if err := d.DeleteFingerprint(context.Background(), a.ID, pin()); err != nil {
		t.Fatal(err)
	}
	if got := fingerprints(t, d); got != b.IDString()+"=left thumb" {
		t.Fatalf("after rename and delete: %q", got)
	}
	err := d.DeleteFingerprint(context.Background(), a.ID, pin())
	if !errors.Is(err, fido.ErrFingerprintNotFound) {
		t.Fatalf("deleting twice: %v", err)
	}
	if err := d.RenameFingerprint(context.Background(), b.ID, "", pin()); !errors.Is(err, fido.ErrInvalidName) {
		t.Fatalf("empty name: %v", err)
	}
	if err := d.DeleteFingerprint(context.Background(), b.ID, pin()); err != nil {
		t.Fatal(err)
	}
	if info := mustInfo(t, d); info.Options["bioEnroll"] || info.Options["uv"] {
		t.Errorf("options after deleting every finger: %v", info.Options)
	}
	if err := d.DeleteFingerprint(context.Background(), b.ID, pin()); !errors.Is(err, fido.ErrFingerprintNotFound) {
		t.Fatalf("delete on an empty key: %v", err)
	}
}

func TestEnrollNoFinger(t *testing.T) {
	d, _ := bioKey(t, softkey.SampleGood, softkey.SampleNoUserActivity)
	u := &ui{pins: []string{"1234"}}
	_, err := d.EnrollFingerprint(context.Background(), "x", u.callbacks())
	if !errors.Is(err, fido.ErrTouchTimeout) {
		t.Fatalf("got %v", err)
	}
	if got := samples(u); got != "ok/good/3 failed/no finger/3" {
		t.Errorf("samples %s", got)
	}
	if got := fingerprints(t, d); got != "" {
		t.Errorf("half an enrolment stored: %q", got)
	}
}

func TestEnrollCancelled(t *testing.T) {
	asked := make(chan struct{})
	finger := func(ctx context.Context, req softkey.FingerRequest) (softkey.Sample, error) {
		if req.Remaining == 4 {
			return softkey.SampleGood, nil
		}
		close(asked)
		<-ctx.Done() // the platform's CTAPHID_CANCEL
		return 0, ctx.Err()
	}
	_, d := plug(t, softkey.Config{Bio: true, Finger: finger, Keepalive: softkey.NoKeepalive})
	setPIN(t, d, "1234")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := d.EnrollFingerprint(ctx, "x", (&ui{pins: []string{"1234"}}).callbacks())
		done <- err
	}()
	<-asked
	cancel()
	if err := <-done; !errors.Is(err, fido.ErrCancelled) {
		t.Fatalf("got %v", err)
	}
	if got := fingerprints(t, d); got != "" {
		t.Errorf("cancelled enrolment stored: %q", got)
	}
}

func TestFingerprintsNeedASensor(t *testing.T) {
	_, d := plug(t, softkey.Config{})
	setPIN(t, d, "1234")
	if _, err := d.Fingerprints(context.Background(), nil); !errors.Is(err, fido.ErrUnsupported) {
		t.Fatalf("list: %v", err)
	}
	if _, err := d.EnrollFingerprint(context.Background(), "x", nil); !errors.Is(err, fido.ErrUnsupported) {
		t.Fatalf("enrol: %v", err)
	}
}

func TestSampleStatusText(t *testing.T) {
	seen := map[string]bool{}
	for s := fido.SampleGood; s <= fido.SampleNoUserPresenceTransition; s++ {
		if seen[s.Advice()] || strings.HasPrefix(s.String(), "sample status") {
			t.Errorf("%d: %q / %q", int(s), s, s.Advice())
		}
		seen[s.Advice()] = true
	}
}
