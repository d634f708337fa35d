package auth

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// FuzzVerify checks that Verify never panics, and accepts only tokens the
// issuer made: whatever it accepts must be byte for byte one of them.
func FuzzVerify(f *testing.F) {
	iss, _ := newTestIssuer(f, testSecret)
	// The tokens are sealed from fixed claims rather than Issued: the fuzzing
	// workers each run this setup, and must agree on what was issued.
	issued := make(map[string]Claims)
	exp := time.Date(2026, 1, 2, 4, 0, 0, 0, time.UTC)
	for k, name := range []string{"ann", "Zoë 99", strings.Repeat("é", 20)} {
		c := Claims{PlayerID: fmt.Sprintf("g-%012d", k), Name: name, Expires: exp}
		tok, err := seal(iss.secret, c)
		if err != nil {
			f.Fatal(err)
		}
		issued[tok] = c
		f.Add(tok)
		f.Add(tok[:len(tok)-1])
		f.Add(tok + "=")
		f.Add(strings.Replace(tok, ".", "..", 1))
	}
	f.Add("")
	f.Add(".")
	f.Add("e30.")
	f.Add(strings.Repeat("A", 600))
	f.Fuzz(func(t *testing.T, token string) {
		c, err := iss.Verify(token)
		if err != nil {
			if c != (Claims{}) {
				t.Errorf("Verify(%q) returned claims %+v with error %v", token, c, err)
			}
			return
		}
		want, ok := issued[token]
		if !ok {
			t.Fatalf("Verify accepted %q, which was never issued: %+v", token, c)
		}
		if c != want {
			t.Errorf("Verify(%q) = %+v, want %+v", token, c, want)
		}
		if !c.Expires.After(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) {
			t.Errorf("accepted an expired token: %+v", c)
		}
	})
}
