package sdk_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/gamesock/gamesock/sdk"
)

// A game server upgrades requests in an http.Handler and lets in only
// players with a valid token: Authorize runs before the handshake completes,
// and Reject chooses the HTTP status a refused client sees.
func ExampleMessageWebSocket_Accept() {
	tokens := map[string]string{"t0k3n": "ada"} // token -> player
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var player string
		ws := sdk.NewMessageWebSocket()
		ws.Control.Authorize = func(req *sdk.UpgradeRequest) error {
			p, ok := tokens[req.URL.Query().Get("token")]
			if !ok {
				return sdk.Reject(http.StatusUnauthorized, "unknown token")
			}
			player = p
			return nil
		}
		ws.OnMessageReceived(func(s *sdk.MessageWebSocket, m sdk.Message) {
			_ = s.Send(context.Background(), fmt.Appendf(nil, "%s says %s", player, m.Data))
		})
		// On success the socket lives on after the handler returns.
		_ = ws.Accept(w, r)
	}))
	defer srv.Close()
	url := "ws" + strings.TrimPrefix(srv.URL, "http") + "/play"
	ctx := context.Background()

	intruder := sdk.NewMessageWebSocket()
	err := intruder.Connect(ctx, url+"?token=guess")
	fmt.Println("without a token:", sdk.GetStatus(err))

	c := sdk.NewMessageWebSocket()
	if err := c.Connect(ctx, url+"?token=t0k3n"); err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	_ = c.Send(ctx, []byte("hello"))
	m, err := c.Receive(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(m.Data))
	// Output:
	// without a token: HTTP 401 Unauthorized
	// ada says hello
}
