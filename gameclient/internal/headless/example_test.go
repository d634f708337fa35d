package headless_test

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/gamesock/gamesock/gameclient/internal/headless"
)

// A load test: 16 bots for 30 s against a local server, stopped early by
// Ctrl-C, with the newest replay checked at the end.
func ExampleRun() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rep, err := headless.Run(ctx, headless.Options{
		Server:         "ws://127.0.0.1:8080/session",
		Bots:           16,
		Duration:       30 * time.Second,
		DownloadReplay: true,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "load test:", err)
		return
	}
	rep.Write(os.Stdout)
	if !rep.OK() {
		fmt.Println("the run was not clean")
	}
}
