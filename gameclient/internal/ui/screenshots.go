package ui

import (
	"errors"
	"fmt"
	"image"
	"image/png"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"github.com/hajimehoshi/ebiten/v2"
)

// shooter saves the screen as PNGs when a scene asks: capture reads the
// pixels in Draw, and a goroutine encodes and writes them.
type shooter struct {
	dir     string
	log     *slog.Logger
	pending []string // names asked for, taken at the next Draw
	taken   map[string]bool

	wg   sync.WaitGroup
	mu   sync.Mutex
	errs []error
}

func newShooter(dir string, log *slog.Logger) *shooter {
	return &shooter{dir: dir, log: log, taken: map[string]bool{}}
}

// request asks for the next frame as dir/name.png, once per name.
func (s *shooter) request(name string) {
	if s.dir == "" || s.taken[name] {
		return
	}
	s.taken[name] = true
	s.pending = append(s.pending, name)
}

// capture takes the screenshots asked for, from the frame just drawn.
func (s *shooter) capture(screen *ebiten.Image) {
	if len(s.pending) == 0 {
		return
	}
	b := screen.Bounds()
	img := image.NewRGBA(b)
	// The screen is opaque, so its premultiplied pixels are plain RGBA.
	screen.ReadPixels(img.Pix)
	for _, name := range s.pending {
		path := filepath.Join(s.dir, name+".png")
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			if err := writePNG(path, img); err != nil {
				s.mu.Lock()
				s.errs = append(s.errs, err)
				s.mu.Unlock()
				return
			}
			s.log.Info("screenshot saved", "path", path)
		}()
	}
	s.pending = s.pending[:0]
}

// took reports whether every one of names was captured (requested, and
// taken from a frame since).
func (s *shooter) took(names ...string) bool {
	if len(s.pending) > 0 {
		return false
	}
	for _, n := range names {
		if !s.taken[n] {
			return false
		}
	}
	return true
}

// wait waits for the screenshots being written and returns their errors.
func (s *shooter) wait() error {
	s.wg.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	return errors.Join(s.errs...)
}

func writePNG(path string, img image.Image) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("screenshot: %w", err)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("screenshot: %w", err)
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("screenshot %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("screenshot %s: %w", path, err)
	}
	return nil
}
