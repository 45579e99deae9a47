//go:build cgo && !nogui

package main

import (
	"testing"

	"github.com/twofold-app/twofold/internal/cheap"
)

// TestHeapKeptAcrossFrames: a frame's worth of C scratch (64 blocks of
// 64 KiB, about what llvmpipe takes) freed and taken again must not go
// back to the system in between once keepHeap has run, or every frame
// faults 4 MiB of fresh pages in. First the process is put where the
// slow GUI processes were, glibc's trim threshold low (its 128 KiB
// start), and the churn must be trimmed there: otherwise the test
// proves nothing.
func TestHeapKeptAcrossFrames(t *testing.T) {
	const blocks, size = 64, 64 << 10 // 4 MiB: 1,024 pages
	frame := func() int { return cheap.FaultsInSecondChurn(blocks, size) }
	if !cheap.SetTrimThreshold(128 << 10) {
		t.Fatal("glibc refused a trim threshold")
	}
	if faults := frame(); faults < 512 {
		t.Fatalf("with a 128 KiB trim threshold a frame faulted only %d pages back in: the test proves nothing", faults)
	}
	if !keepHeap() {
		t.Fatal("glibc refused the heap thresholds")
	}
	if faults := frame(); faults > 64 {
		t.Fatalf("after keepHeap a frame still faulted %d pages back in", faults)
	}
}
