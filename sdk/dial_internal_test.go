package sdk

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// TestConnectTriesAddressesInTurn checks that a connect moves past
// addresses that refuse to the next one, and stops at MaxConnectAddresses.
// 127.0.0.2 and 127.0.0.3 are loopback addresses nothing listens on.
func TestConnectTriesAddressesInTurn(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws := NewMessageWebSocket()
		if err := ws.Accept(w, r); err == nil {
			ws.Close()
		}
	}))
	defer srv.Close()
	host, port, err := net.SplitHostPort(srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse("ws://game.test:" + port + "/ws")
	ips := []net.IPAddr{{IP: net.ParseIP("127.0.0.2")}, {IP: net.ParseIP("127.0.0.3")}, {IP: net.ParseIP(host)}}
	tests := []struct {
		max  int
		want WebErrorStatus // StatusUnknown for success
	}{
		{3, StatusUnknown},
		{5, StatusUnknown},
		{2, StatusCannotConnect},
	}
	for _, tt := range tests {
		ctl := Control{MaxConnectAddresses: tt.max}.withDefaults()
		hs, err := connectAddrs(context.Background(), u, ips, port, &ctl, nil)
		if hs != nil {
			hs.nc.Close()
		}
		if got := GetStatus(err); got != tt.want {
			t.Errorf("MaxConnectAddresses %d: %v (status %v); want status %v", tt.max, err, got, tt.want)
		}
	}
}
