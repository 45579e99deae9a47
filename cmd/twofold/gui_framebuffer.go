//go:build cgo && !nogui

package main

/*
// GLFW, compiled into the binary by github.com/go-gl/glfw (see gui_idle.go
// for why it is declared here rather than called through go-gl).
void glfwWindowHint(int hint, int value);
#define TWOFOLD_GLFW_DEPTH_BITS   0x00021005
#define TWOFOLD_GLFW_STENCIL_BITS 0x00021006
*/
import "C"

// noDepthBuffer asks GLFW for a window framebuffer without depth and
// stencil buffers. Fyne draws its 2D scene in order with the depth test
// off and clips with scissors, so it never reads them; but it clears the
// depth buffer every frame, and with software GL (llvmpipe, as on
// machines without a GPU driver) clearing it was about a sixth of
// the drawing threads' time for the once-a-second countdown frame
// (README, "The window").
//
// Call it on Fyne's goroutine after the app's first NewWindow (which
// initialises GLFW; GLFW resets hints at initialisation) and before that
// window is first shown (which creates it with the hints in force). Fyne
// sets its own hints at creation but none of these two. The hints can
// only fail before GLFW is initialised or with an unknown hint.
func noDepthBuffer() {
	C.glfwWindowHint(C.TWOFOLD_GLFW_DEPTH_BITS, 0)
	C.glfwWindowHint(C.TWOFOLD_GLFW_STENCIL_BITS, 0)
}
