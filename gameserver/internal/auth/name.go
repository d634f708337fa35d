package auth

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxNameRunes is the longest display name, in characters, after trimming.
const MaxNameRunes = 20

// ErrInvalidName is matched (with errors.Is) by every error CleanName and
// Issue return for a name that is not acceptable; the error's text says why.
var ErrInvalidName = errors.New("invalid name")

// CleanName trims the spaces around a display name and checks what is left:
// 1 to MaxNameRunes characters, each a letter, a digit, a space or one of
// "-_.". It returns the trimmed name, or an error matching ErrInvalidName
// that says what is wrong. Names are shown to other players, which is why the
// set is this narrow: no control characters, no markup, no look-alike
// punctuation.
func CleanName(name string) (string, error) {
	if !utf8.ValidString(name) {
		return "", fmt.Errorf("%w: not valid UTF-8", ErrInvalidName)
	}
	name = strings.TrimSpace(name)
	n := utf8.RuneCountInString(name)
	switch {
	case n == 0:
		return "", fmt.Errorf("%w: empty", ErrInvalidName)
	case n > MaxNameRunes:
		return "", fmt.Errorf("%w: %d characters, at most %d allowed", ErrInvalidName, n, MaxNameRunes)
	}
	for i, r := range name {
		if err := checkNameRune(r); err != nil {
			return "", fmt.Errorf("%w: character %d %w", ErrInvalidName, utf8.RuneCountInString(name[:i])+1, err)
		}
	}
	return name, nil
}

// checkNameRune says why r may not appear in a name, or returns nil.
func checkNameRune(r rune) error {
	switch {
	case r == ' ', r == '-', r == '_', r == '.':
		return nil
	case unicode.IsLetter(r), unicode.IsDigit(r):
		return nil
	case unicode.IsControl(r):
		return fmt.Errorf("is the control character %U", r)
	case unicode.IsSpace(r):
		return fmt.Errorf("is the space character %U; only plain spaces are allowed", r)
	default:
		return fmt.Errorf("%q is not allowed; only letters, digits, spaces and - _ . are", r)
	}
}
