package frame

import "unicode/utf8"

// UTF8 validates UTF-8 text that arrives in pieces, such as the fragments of a
// text message, without copying it. The zero value is ready to use.
type UTF8 struct {
	pend [utf8.UTFMax]byte // the start of a rune split across pieces
	n    int
}

// Write validates p as the continuation of the text seen so far and reports
// whether it is still valid.
func (v *UTF8) Write(p []byte) bool {
	if v.n > 0 {
		// Complete the pending rune with at most 3 bytes of p.
		for len(p) > 0 && v.n < utf8.UTFMax {
			v.pend[v.n] = p[0]
			v.n++
			p = p[1:]
			if utf8.FullRune(v.pend[:v.n]) {
				break
			}
		}
		if !utf8.FullRune(v.pend[:v.n]) {
			return v.n < utf8.UTFMax
		}
		// The loop stops at the first full rune, so the pending bytes are
		// exactly one rune, valid or not.
		if r, size := utf8.DecodeRune(v.pend[:v.n]); r == utf8.RuneError && size == 1 {
			return false
		}
		v.n = 0
	}
	// Hold back an incomplete rune at the end of p.
	tail := 0
	for i := len(p) - 1; i >= 0 && i >= len(p)-utf8.UTFMax+1; i-- {
		if utf8.RuneStart(p[i]) {
			if !utf8.FullRune(p[i:]) {
				tail = len(p) - i
			}
			break
		}
	}
	if !utf8.Valid(p[:len(p)-tail]) {
		return false
	}
	v.n = copy(v.pend[:], p[len(p)-tail:])
	return true
}

// Done reports whether the text ended on a rune boundary, and resets v.
func (v *UTF8) Done() bool {
	ok := v.n == 0
	v.n = 0
	return ok
}
