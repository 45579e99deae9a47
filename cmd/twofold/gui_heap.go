//go:build cgo && !nogui

package main

/*
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

static int twofold_keep_heap(void) {
#ifdef __GLIBC__
	// Allocations of 4 MiB and more still get their own mapping;
	// up to 32 MiB of free heap stays with the process.
	return mallopt(M_MMAP_THRESHOLD, 4 << 20) && mallopt(M_TRIM_THRESHOLD, 32 << 20);
#else
	return 0;
#endif
}
*/
import "C"

// keepHeap stops glibc from giving the C heap back to the system after
// every frame. Mesa's software rasteriser (llvmpipe) takes about 4 MiB
// of scratch from malloc for each frame and frees it at the next; with
// glibc's adaptive thresholds that memory sat at the top of the heap in
// some processes and was trimmed every time (brk down 4 MiB, then up
// again in 21 steps), so each once-a-second frame faulted 4 MiB of fresh
// zeroed pages back in: 2–3 ms of kernel time a frame, about 0.25 % of a
// core, in roughly one start in six (README, "The window"). Fixed
// thresholds keep it. Call it before the window's first frame; it
// reports whether the C library took the setting (false off glibc).
func keepHeap() bool { return C.twofold_keep_heap() != 0 }
