package conn

// Copied from gameclient/internal/headless/gameserver_test.go: the game
// server package is internal to gameserver/, so the test runs its binary.

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

// gameServer is the real game server (the gameserver command) running in a
// child process: its package is internal to gameserver/, so the bots meet
// it the way they meet it in production, over loopback.
type gameServer struct {
	url string // the session endpoint

	cmd  *exec.Cmd
	done chan error

	mu  sync.Mutex
	log bytes.Buffer
}

// startGameServer builds the gameserver command and runs it on a free
// loopback port with the given extra flags, until the test ends.
func startGameServer(t *testing.T, flags ...string) *gameServer {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "gameserver")
	build := exec.Command("go", "build", "-o", bin, "github.com/gamesock/gamesock/gameserver")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the game server: %v\n%s", err, out)
	}
	args := append([]string{"-addr", "127.0.0.1:0", "-admin", "", "-replays", filepath.Join(dir, "replays"), "-log-level", "info"}, flags...)
	s := &gameServer{cmd: exec.Command(bin, args...), done: make(chan error, 1)}
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
	case s.url = <-urls:
	case err := <-s.done:
		t.Fatalf("the game server exited before serving: %v\n%s", err, s.output())
	case <-time.After(30 * time.Second):
		t.Fatalf("the game server did not say where it serves within 30 s\n%s", s.output())
	}
	return s
}

// scan keeps the server's log, and sends the session URL from its
// "serving" record.
func (s *gameServer) scan(r io.Reader, urls chan<- string) {
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

func (s *gameServer) output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.String()
}

// stop shuts the server down as an operator would (SIGINT), and kills it
// if it has not exited in 15 s.
func (s *gameServer) stop(t *testing.T) {
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("the game server's graceful shutdown failed: %v\n%s", err, s.output())
		}
	case <-time.After(15 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
		t.Errorf("the game server did not stop within 15 s of SIGINT\n%s", s.output())
	}
}
