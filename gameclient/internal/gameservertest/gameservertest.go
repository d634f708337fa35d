// Package gameservertest runs the real game server, the gameserver command,
// for the client's tests: its packages are internal to gameserver/, so the
// clients meet it the way they meet it in production, over loopback.
package gameservertest

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Server is the game server running in a child process.
type Server struct {
	URL string // the session endpoint

	cmd  *exec.Cmd
	done chan error

	mu  sync.Mutex
	log bytes.Buffer
}

// Start builds the gameserver command and runs it on a free loopback port
// with the given extra flags (later flags win over the defaults), until
// the test ends, when it is stopped with SIGINT as an operator would.
func Start(t *testing.T, flags ...string) *Server {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "gameserver")
	build := exec.Command("go", "build", "-o", bin, "github.com/gamesock/gamesock/gameserver")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the game server: %v\n%s", err, out)
	}
	args := append([]string{"-addr", "127.0.0.1:0", "-admin", "", "-replays", filepath.Join(dir, "replays"), "-log-level", "info"}, flags...)
	s := &Server{cmd: exec.Command(bin, args...), done: make(chan error, 1)}
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start the game server: %v", err)
	}
	urls := make(chan string, 1)
	go func() {
		s.scan(stderr, urls)
		s.done <- s.cmd.Wait()
	}()
	t.Cleanup(func() { s.stop(t) })

	select {
	case s.URL = <-urls:
	case err := <-s.done:
		t.Fatalf("the game server exited before serving: %v\n%s", err, s.Output())
	case <-time.After(30 * time.Second):
		t.Fatalf("the game server did not say where it serves within 30 s\n%s", s.Output())
	}
	return s
}

// scan keeps the server's log, and sends the session URL from its
// "serving" record.
func (s *Server) scan(r io.Reader, urls chan<- string) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		s.mu.Lock()
		s.log.WriteString(line + "\n")
		s.mu.Unlock()
		if !strings.Contains(line, "msg=serving") {
			continue
		}
		for f := range strings.FieldsSeq(line) {
			if u, ok := strings.CutPrefix(f, "session="); ok {
				select {
				case urls <- u:
				default:
				}
			}
		}
	}
}

// Output is what the server logged so far.
func (s *Server) Output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.String()
}

// stop shuts the server down as an operator would (SIGINT), and kills it
// if it has not exited in 15 s.
func (s *Server) stop(t *testing.T) {
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("the game server's graceful shutdown failed: %v\n%s", err, s.Output())
		}
	case <-time.After(15 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
		t.Errorf("the game server did not stop within 15 s of SIGINT\n%s", s.Output())
	}
}
