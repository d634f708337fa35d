package auth

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestLoginHandler(t *testing.T) {
	iss, _ := newTestIssuer(t, testSecret)
	srv := httptest.NewServer(iss.LoginHandler())
	defer srv.Close()

	const jsonType, formType = "application/json", "application/x-www-form-urlencoded"
	tests := []struct {
		name, method, ctype, body string
		status                    int
		wantName                  string // on 200
		errText                   string // part of the JSON error otherwise
	}{
		{"json", "POST", jsonType, `{"name":" Ann "}`, 200, "Ann", ""},
		{"json without content type", "POST", "", `{"name":"Ann"}`, 200, "Ann", ""},
		{"form", "POST", formType, "name=Bo+B", 200, "Bo B", ""},
		{"form charset", "POST", formType + "; charset=utf-8", "name=Cy", 200, "Cy", ""},
		{"bad name", "POST", jsonType, `{"name":"a\u0000"}`, 400, "", "control character"},
		{"empty name", "POST", jsonType, `{"name":""}`, 400, "", "invalid name: empty"},
		{"long name", "POST", formType, "name=" + strings.Repeat("x", 30), 400, "", "30 characters"},
		{"no name field", "POST", jsonType, `{}`, 400, "", "invalid name: empty"},
		{"form without name", "POST", formType, "nom=x", 400, "", "no name field"},
		{"bad json", "POST", jsonType, `{"name":`, 400, "", "not JSON"},
		{"json array", "POST", jsonType, `["x"]`, 400, "", "not JSON"},
		{"unknown field", "POST", jsonType, `{"name":"a","admin":true}`, 400, "", "admin"},
		{"two objects", "POST", jsonType, `{"name":"a"}{"name":"b"}`, 400, "", "after the JSON"},
		{"empty body", "POST", jsonType, ``, 400, "", "empty body"},
		{"too large json", "POST", jsonType, `{"name":"` + strings.Repeat(" ", MaxLoginBody) + `a"}`, 413, "", "over 4096 bytes"},
		{"too large form", "POST", formType, "name=a&x=" + strings.Repeat("y", MaxLoginBody), 413, "", "over 4096 bytes"},
		{"get", "GET", "", "", 405, "", "use POST"},
		{"put", "PUT", jsonType, `{"name":"a"}`, 405, "", "use POST"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, srv.URL+"/login", strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if tt.ctype != "" {
				req.Header.Set("Content-Type", tt.ctype)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q, want application/json", ct)
			}
			if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control %q, want no-store", cc)
			}
			if tt.status == 405 && resp.Header.Get("Allow") != "POST" {
				t.Errorf("Allow %q, want POST", resp.Header.Get("Allow"))
			}
			dec := json.NewDecoder(resp.Body)
			dec.DisallowUnknownFields()
			if tt.status != 200 {
				var e struct{ Error string }
				if err := dec.Decode(&e); err != nil {
					t.Fatalf("error body: %v", err)
				}
				if !strings.Contains(e.Error, tt.errText) {
					t.Errorf("error %q does not say %q", e.Error, tt.errText)
				}
				return
			}
			var lr LoginResponse
			if err := dec.Decode(&lr); err != nil {
				t.Fatalf("body: %v", err)
			}
			c, err := iss.Verify(lr.Token)
			if err != nil {
				t.Fatalf("Verify the token from login: %v", err)
			}
			want := Claims{PlayerID: lr.PlayerID, Name: tt.wantName, Expires: lr.Expires.UTC()}
			if c != want || lr.Name != tt.wantName {
				t.Errorf("login said %+v, token says %+v, want name %q", lr, c, tt.wantName)
			}
		})
	}
}

// TestLoginResponseJSON pins the field names clients read.
func TestLoginResponseJSON(t *testing.T) {
	iss, _ := newTestIssuer(t, testSecret)
	rec := httptest.NewRecorder()
	iss.LoginHandler().ServeHTTP(rec, httptest.NewRequest("POST", "/login", strings.NewReader(`{"name":"ann"}`)))
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"token", "player_id", "name", "expires"} {
		if _, ok := m[k].(string); !ok {
			t.Errorf("response %s has no string %q", rec.Body, k)
		}
	}
	if len(m) != 4 {
		t.Errorf("response %s has %d fields, want 4", rec.Body, len(m))
	}
	if exp, _ := time.Parse(time.RFC3339, m["expires"].(string)); !exp.Equal(time.Date(2026, 1, 2, 4, 4, 5, 0, time.UTC)) {
		t.Errorf("expires %v, want RFC 3339 of the expiry", m["expires"])
	}
}
