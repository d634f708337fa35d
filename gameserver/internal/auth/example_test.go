package auth_test

import (
	"fmt"
	"net/http"
	"time"

	"github.com/gamesock/gamesock/gameserver/internal/auth"
	"github.com/gamesock/gamesock/sdk/session"
)

// A server that logs guests in over HTTP and lets them open sessions with
// the token they got.
func Example() {
	secret, err := auth.NewSecret() // or a configured one, shared by every node
	if err != nil {
		panic(err)
	}
	issuer, err := auth.NewIssuer(secret, 12*time.Hour, nil)
	if err != nil {
		panic(err)
	}
	srv := session.NewServer(session.ServerOptions{Authenticate: issuer.Authenticate})
	mux := http.NewServeMux()
	mux.Handle("/login", issuer.LoginHandler()) // it answers 405 itself
	mux.Handle("/session", srv)

	// What LoginHandler does for {"name": " Ann "}:
	token, claims, err := issuer.Issue(" Ann ")
	if err != nil {
		panic(err)
	}
	c, err := issuer.Verify(token)
	fmt.Println(claims.Name, c.PlayerID == claims.PlayerID, err)
	// Output: Ann true <nil>
}
