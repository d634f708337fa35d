package auth

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"
)

// testSecret is a fixed 32-byte secret.
var testSecret = []byte("0123456789abcdef0123456789abcdef")

// fakeClock is a clock a test moves by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func newTestIssuer(t testing.TB, secret []byte) (*Issuer, *fakeClock) {
	t.Helper()
	clk := &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 600, time.UTC)}
	iss, err := NewIssuer(secret, time.Hour, clk.now)
	if err != nil {
		t.Fatal(err)
	}
	return iss, clk
}

func TestNewIssuer(t *testing.T) {
	if _, err := NewIssuer(testSecret[:31], 0, nil); err == nil || !strings.Contains(err.Error(), "31 bytes") {
		t.Errorf("NewIssuer with a 31-byte secret: %v, want an error naming the length", err)
	}
	iss, err := NewIssuer(testSecret, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if iss.ttl != DefaultTTL {
		t.Errorf("ttl = %v, want default %v", iss.ttl, DefaultTTL)
	}
	_, c, err := iss.Issue("ann")
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(c.Expires); d < DefaultTTL-time.Minute || d > DefaultTTL {
		t.Errorf("token with the real clock expires in %v, want about %v", d, DefaultTTL)
	}

	// The issuer keeps its own copy of the secret.
	secret := append([]byte(nil), testSecret...)
	iss, _ = NewIssuer(secret, time.Hour, nil)
	tok, _, _ := iss.Issue("ann")
	secret[0] ^= 1
	if _, err := iss.Verify(tok); err != nil {
		t.Errorf("Verify after the caller changed its secret slice: %v", err)
	}
}

func TestNewSecret(t *testing.T) {
	a, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewSecret()
	if len(a) != MinSecretLen || string(a) == string(b) {
		t.Errorf("NewSecret gave %x then %x, want two different %d-byte secrets", a, b, MinSecretLen)
	}
	if _, err := NewIssuer(a, 0, nil); err != nil {
		t.Errorf("NewIssuer(NewSecret()): %v", err)
	}
}

func TestIssueVerify(t *testing.T) {
	iss, clk := newTestIssuer(t, testSecret)
	tok, c, err := iss.Issue("  Zoë_99 ")
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "Zoë_99" {
		t.Errorf("Name = %q, want the trimmed name", c.Name)
	}
	if !validPlayerID(c.PlayerID) || len(c.PlayerID) != 14 {
		t.Errorf("PlayerID = %q, want g- and 12 base32hex characters", c.PlayerID)
	}
	if want := time.Date(2026, 1, 2, 4, 4, 5, 0, time.UTC); !c.Expires.Equal(want) || c.Expires.Location() != time.UTC {
		t.Errorf("Expires = %v, want %v (whole seconds, UTC)", c.Expires, want)
	}
	if len(tok) > MaxTokenLen/2 {
		t.Errorf("token is %d bytes, want well under %d", len(tok), MaxTokenLen)
	}
	got, err := iss.Verify(tok)
	if err != nil {
		t.Fatalf("Verify(Issue()): %v", err)
	}
	if got != c {
		t.Errorf("Verify = %+v, want %+v", got, c)
	}

	_, c2, _ := iss.Issue("Zoë_99")
	if c2.PlayerID == c.PlayerID {
		t.Errorf("two logins got the same player id %q", c.PlayerID)
	}

	clk.t = c.Expires.Add(-time.Second)
	if _, err := iss.Verify(tok); err != nil {
		t.Errorf("Verify a second before expiry: %v", err)
	}
}

// TestVerifyRejects checks that each way of spoiling a token gives the
// error for it.
func TestVerifyRejects(t *testing.T) {
	iss, clk := newTestIssuer(t, testSecret)
	tok, _, err := iss.Issue("ann")
	if err != nil {
		t.Fatal(err)
	}
	body, sig, _ := strings.Cut(tok, ".")
	other, _ := NewIssuer([]byte(strings.Repeat("x", 32)), time.Hour, clk.now)
	otherTok, _, _ := other.Issue("ann")
	// A payload with another player's id, validly encoded, old signature.
	forged := base64.RawURLEncoding.EncodeToString([]byte(`{"v":1,"id":"g-000000000000","name":"ann","exp":9999999999}`))

	tests := []struct {
		name  string
		token string
		want  error
		text  string
	}{
		{"empty", "", ErrMalformed, "no '.'"},
		{"garbage", "hello world", ErrMalformed, "byte 5 is ' '"},
		{"no dot", "helloworld", ErrMalformed, "no '.'"},
		{"no payload", "." + sig, ErrMalformed, "empty payload"},
		{"no signature", body + ".", ErrMalformed, "signature"},
		{"signature not base64", body + ".!!!!", ErrMalformed, "'!', not base64url"},
		{"signature bad padding bits", body + "." + sig[:len(sig)-1] + "B", ErrMalformed, "signature"},
		{"signature short", body + "." + sig[:20], ErrMalformed, "signature"},
		{"too long", strings.Repeat("a", MaxTokenLen+1), ErrMalformed, "513 bytes"},
		{"too long but genuine prefix", tok + strings.Repeat("A", MaxTokenLen), ErrMalformed, "at most 512"},
		{"tampered payload", forged + "." + sig, ErrBadSignature, ""},
		{"payload byte changed", flip(body, 3) + "." + sig, ErrBadSignature, ""},
		{"tampered mac", body + "." + flip(sig, 5), ErrBadSignature, ""},
		{"wrong secret", otherTok, ErrBadSignature, ""},
		{"extra dot", body + "." + sig + ".x", ErrMalformed, "signature"},
		{"newline in signature", body + "." + sig[:10] + "\n" + sig[10:], ErrMalformed, `'\n', not base64url`},
		{"carriage return in payload", body[:5] + "\r" + body[5:] + "." + sig, ErrMalformed, `'\r', not base64url`},
		{"padding", body + "." + sig + "=", ErrMalformed, "'='"},
		{"space", " " + tok, ErrMalformed, "byte 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := iss.Verify(tt.token)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Verify: %v (claims %+v), want %v", err, c, tt.want)
			}
			if !strings.Contains(err.Error(), tt.text) {
				t.Errorf("error %q does not say %q", err, tt.text)
			}
			if c != (Claims{}) {
				t.Errorf("claims %+v returned with the error", c)
			}
		})
	}

	t.Run("expired", func(t *testing.T) {
		clk.t = clk.t.Add(time.Hour)
		_, err := iss.Verify(tok)
		if !errors.Is(err, ErrExpired) || !strings.Contains(err.Error(), "2026-01-02T04:04:05Z") {
			t.Errorf("Verify at expiry: %v, want ErrExpired saying when", err)
		}
	})
}

// TestVerifySignedButInvalid checks the payload checks that a signature
// alone would let through, should the secret ever sign something else.
func TestVerifySignedButInvalid(t *testing.T) {
	iss, _ := newTestIssuer(t, testSecret)
	tests := []struct{ name, payload, text string }{
		{"not JSON", `nope`, "payload"},
		{"version", `{"v":2,"id":"g-000000000000","name":"a","exp":9999999999}`, "version 2"},
		{"unknown field", `{"v":1,"id":"g-000000000000","name":"a","exp":9999999999,"admin":true}`, "admin"},
		{"trailing data", `{"v":1,"id":"g-000000000000","name":"a","exp":9999999999}{}`, "after"},
		{"bad id", `{"v":1,"id":"admin","name":"a","exp":9999999999}`, "player id"},
		{"bad id chars", `{"v":1,"id":"g-00000000000z","name":"a","exp":9999999999}`, "player id"},
		{"bad name", `{"v":1,"id":"g-000000000000","name":"<b>","exp":9999999999}`, "name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := b64.EncodeToString([]byte(tt.payload))
			tok := body + "." + b64.EncodeToString(mac(iss.secret, body))
			_, err := iss.Verify(tok)
			if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tt.text) {
				t.Errorf("Verify: %v, want ErrMalformed saying %q", err, tt.text)
			}
		})
	}
}

// flip returns s with the base64url character at i replaced by another.
func flip(s string, i int) string {
	c := byte('A')
	if s[i] == 'A' {
		c = 'B'
	}
	return s[:i] + string(c) + s[i+1:]
}

func BenchmarkVerify(b *testing.B) {
	iss, _ := newTestIssuer(b, testSecret)
	tok, _, _ := iss.Issue("Zoë 99")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := iss.Verify(tok); err != nil {
			b.Fatal(err)
		}
	}
}
