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

// TestConnectIPv6Literal connects to a server on ::1 through a URL with a
// bracketed IPv6 literal and echoes a message.
func TestConnectIPv6Literal(t *testing.T) {
	ln, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Fatalf("listening on ::1 (the loopback every test machine has): %v", err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws := NewMessageWebSocket()
		ws.OnMessageReceived(func(s *MessageWebSocket, m Message) { _ = s.Send(context.Background(), m.Data) })
		_ = ws.Accept(w, r)
	}))
	srv.Listener = ln
	srv.Start()
	defer srv.Close()
	c := NewMessageWebSocket()
	url := "ws://" + ln.Addr().String() + "/ws"
	if err := c.Connect(context.Background(), url); err != nil {
		t.Fatalf("Connect(%s): %v", url, err)
	}
	defer c.Close()
	if ip := c.Information().RemoteAddress.(*net.TCPAddr).IP; !ip.Equal(net.IPv6loopback) {
		t.Errorf("connected to %v", ip)
	}
	if err := c.Send(context.Background(), []byte("over IPv6")); err != nil {
		t.Fatal(err)
	}
	m, err := c.Receive(context.Background())
	if err != nil || string(m.Data) != "over IPv6" {
		t.Fatalf("echo = %q, %v", m.Data, err)
	}
}
