package auth

import (
	"errors"
	"strings"
	"testing"
)

func TestCleanName(t *testing.T) {
	tests := []struct {
		in, want string
		err      string // part of the error; "" if valid
	}{
		{in: "alice", want: "alice"},
		{in: "  Bob the 2nd  ", want: "Bob the 2nd"},
		{in: "\t x.y-z_w \n", want: "x.y-z_w"},
		{in: "Zoë", want: "Zoë"},
		{in: "東京タワー", want: "東京タワー"},
		{in: "٣٤", want: "٣٤"},
		{in: strings.Repeat("é", 20), want: strings.Repeat("é", 20)},
		{in: " " + strings.Repeat("a", 20) + " ", want: strings.Repeat("a", 20)},
		{in: "", err: "empty"},
		{in: "   ", err: "empty"},
		{in: strings.Repeat("a", 21), err: "21 characters, at most 20"},
		{in: strings.Repeat("é", 21), err: "21 characters"},
		{in: "a\x00b", err: "character 2 is the control character U+0000"},
		{in: "a\x1b[31m", err: "control character U+001B"},
		{in: "a\u0085b", err: "control character U+0085"},
		{in: "a\tb", err: "control character U+0009"},
		{in: "a\u00a0b", err: "space character U+00A0"},
		{in: "a\xffb", err: "not valid UTF-8"},
		{in: "\xc3", err: "not valid UTF-8"},
		{in: "<script>", err: "'<' is not allowed"},
		{in: "a\u202eb", err: "not allowed"}, // right-to-left override
		{in: "a\u200bb", err: "not allowed"}, // zero-width space
		{in: "😀", err: "not allowed"},
		{in: "e\u0301", err: "not allowed"}, // combining mark: only precomposed letters
	}
	for _, tt := range tests {
		got, err := CleanName(tt.in)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("CleanName(%q): %v, want %q", tt.in, err, tt.want)
		case tt.err == "" && got != tt.want:
			t.Errorf("CleanName(%q) = %q, want %q", tt.in, got, tt.want)
		case tt.err != "" && (!errors.Is(err, ErrInvalidName) || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("CleanName(%q) = %q, %v; want ErrInvalidName saying %q", tt.in, got, err, tt.err)
		}
	}
}

func TestIssueRejectsBadName(t *testing.T) {
	iss, _ := newTestIssuer(t, testSecret)
	tok, c, err := iss.Issue("bad\x00name")
	if !errors.Is(err, ErrInvalidName) || tok != "" || c != (Claims{}) {
		t.Errorf("Issue with a bad name = %q, %+v, %v; want only ErrInvalidName", tok, c, err)
	}
}
