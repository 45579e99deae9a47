// Package cheap lets tests watch the C heap (glibc's malloc), for the
// GUI's allocator settings (cmd/twofold/gui_heap.go).
package cheap

/*
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <malloc.h>
#include <sys/resource.h>

static int set_trim(long n) { return mallopt(M_TRIM_THRESHOLD, n); }

// churn mallocs n blocks of size bytes, writes them, frees them in
// reverse order (as a frame's scratch is freed) and returns the page
// faults this thread took meanwhile: memory the heap had given back
// faults in again.
static long churn(int n, long size) {
	void *blocks[256];
	struct rusage before, after;
	if (n > 256) n = 256;
	getrusage(RUSAGE_THREAD, &before);
	for (int i = 0; i < n; i++) {
		blocks[i] = malloc(size);
		if (blocks[i]) memset(blocks[i], 1, size);
	}
	for (int i = n - 1; i >= 0; i--) free(blocks[i]);
	getrusage(RUSAGE_THREAD, &after);
	return after.ru_minflt - before.ru_minflt;
}
*/
import "C"

import "runtime"

// FaultsInSecondChurn allocates n blocks of size bytes in the C heap,
// writes and frees them, twice, and returns the page faults the second
// round took: memory the first round's free gave back to the system
// faults in again. Both rounds run on one OS thread, so that they use
// the same malloc arena and the count is that thread's.
func FaultsInSecondChurn(n int, size int) int {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	C.churn(C.int(n), C.long(size))
	return int(C.churn(C.int(n), C.long(size)))
}

// SetTrimThreshold sets glibc's M_TRIM_THRESHOLD: how much free memory
// at the top of the heap makes free give it back. glibc starts at
// 128 KiB and raises it as the process frees large mappings, so a test
// sets it to show what a process whose threshold stayed low does.
func SetTrimThreshold(n int) bool { return C.set_trim(C.long(n)) != 0 }
