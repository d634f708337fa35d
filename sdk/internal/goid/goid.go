// Package goid tells a goroutine's id, which Close uses to see that it was
// called from the socket's own event goroutine and must not wait for it.
package goid

import (
	"runtime"
	"strconv"
)

// Current returns the calling goroutine's id. It costs a stack dump of the
// caller's first line, so it belongs on slow paths only.
func Current() uint64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	// "goroutine 123 [running]:..."
	const prefix = len("goroutine ")
	if len(b) <= prefix {
		return 0
	}
	b = b[prefix:]
	i := 0
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	id, _ := strconv.ParseUint(string(b[:i]), 10, 64)
	return id
}
