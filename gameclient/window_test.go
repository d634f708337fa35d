package main

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gamesock/gamesock/gameclient/internal/gameservertest"
)

// screenshotDir is where the window test leaves its PNGs for a person to
// look at (the README names it); each run overwrites them.
const screenshotDir = "screenshots"

// buildCommand builds the main package pkg into dir.
func buildCommand(t *testing.T, dir, pkg string) string {
	t.Helper()
	bin := filepath.Join(dir, filepath.Base(pkg))
	out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput()
	if err != nil {
		t.Fatalf("build %s: %v\n%s", pkg, err, out)
	}
	return bin
}

// logBuffer keeps a child's output, safe for the reader goroutine.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestWindowUnderXvfb plays the window client under Xvfb against a real
// game server with scripted input, and checks its screenshots.
func TestWindowUnderXvfb(t *testing.T) {
	xvfb, err := exec.LookPath("xvfb-run")
	if err != nil {
		t.Fatal("xvfb-run is not installed: run `make deps` (the window test needs Xvfb)")
	}
	dir := t.TempDir()
	server := gameservertest.Start(t, "-warmup", "2s", "-match", "14s", "-results", "5s", "-bots", "6").URL
	client := buildCommand(t, dir, "github.com/gamesock/gamesock/gameclient")

	shots, err := filepath.Abs(screenshotDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"match.png", "results.png"} {
		if err := os.Remove(filepath.Join(shots, name)); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	// Warmup 2 s and a match of 14 s: the match's screenshot comes 5-13 s
	// in, the results about 16 s in, and their screenshot a moment later,
	// after which the client exits by itself; -exit-after only bounds a
	// run that never gets there.
	cmd := exec.CommandContext(ctx, xvfb, "-a", "-s", "-screen 0 1280x720x24", client,
		"-server", server, "-name", "tester", "-script", "fly", "-screenshots", shots,
		"-exit-after", "60s", "-settings", filepath.Join(dir, "client.json"), "-mute", "-log-level", "info")
	var out logBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("the client under Xvfb: %v\n%s", err, out.String())
	}
	for line := range strings.Lines(out.String()) {
		if strings.HasPrefix(line, "frame time") {
			t.Log(strings.TrimSpace(line))
		}
	}

	match := readPNG(t, filepath.Join(shots, "match.png"), out.String())
	results := readPNG(t, filepath.Join(shots, "results.png"), out.String())
	checks := []pixelCheck{
		{"the arena", match, image.Rect(0, 110, 1280, 690), 150, distinctColors, "distinct colours"},
		{"the HUD's score panel", match, image.Rect(10, 10, 310, 102), 300, textPixels, "text pixels"},
		{"the HUD's network panel", match, image.Rect(1090, 10, 1270, 102), 300, textPixels, "text pixels"},
		{"the toasts", match, image.Rect(640, 112, 1280, 300), 150, textPixels, "text pixels"},
		{"the net graph", match, image.Rect(10, 522, 330, 682), 40, textPixels, "text pixels"},
		{"the results table", results, image.Rect(30, 140, 870, 360), 1000, textPixels, "text pixels"},
	}
	for _, c := range checks {
		n := c.measure(c.img, c.area)
		t.Logf("%s: %d %s", c.what, n, c.units)
		if n < c.atLeast {
			t.Errorf("%s (%v) has %d %s, want at least %d", c.what, c.area, n, c.units, c.atLeast)
		}
	}
}

// pixelCheck is a region of a screenshot that must have enough of
// something.
type pixelCheck struct {
	what    string
	img     image.Image
	area    image.Rectangle
	atLeast int
	measure func(image.Image, image.Rectangle) int
	units   string
}

func readPNG(t *testing.T, path, log string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("screenshot: %v\nclient output:\n%s", err, log)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot %s: %v", path, err)
	}
	if b := img.Bounds(); b.Dx() != 1280 || b.Dy() != 720 {
		t.Fatalf("screenshot %s is %v, want 1280x720", path, b)
	}
	return img
}

// distinctColors counts the colours in r.
func distinctColors(img image.Image, r image.Rectangle) int {
	seen := map[[3]uint32]bool{}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c, g, b, _ := img.At(x, y).RGBA()
			seen[[3]uint32{c >> 8, g >> 8, b >> 8}] = true
		}
	}
	return len(seen)
}

// textPixels counts the bright pixels in r: text and lines drawn on the
// dark panels, not the starfield's faint specks (which are few).
func textPixels(img image.Image, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c, g, b, _ := img.At(x, y).RGBA()
			if (c>>8)+(g>>8)+(b>>8) > 3*130 {
				n++
			}
		}
	}
	return n
}

// TestWindowWithoutDisplay: where no window can open, the client says so
// and what to do instead, and exits with an error, rather than crash.
func TestWindowWithoutDisplay(t *testing.T) {
	dir := t.TempDir()
	client := buildCommand(t, dir, "github.com/gamesock/gamesock/gameclient")
	cmd := exec.Command(client, "-exit-after", "5s", "-settings", filepath.Join(dir, "client.json"), "-mute")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DISPLAY=") && !strings.HasPrefix(kv, "WAYLAND_DISPLAY=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("exit: %v; want status 1\n%s", err, out)
	}
	for _, want := range []string{"cannot open the game's window", "-headless", "xvfb-run"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
