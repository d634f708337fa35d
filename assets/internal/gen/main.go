// Command gen draws the game's assets and writes them to a directory: run
// by `go generate ./assets`, whose output is committed and embedded.
package main

import (
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gamesock/gamesock/assets/internal/art"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run() error {
	out := flag.String("out", "data", "directory to write the assets to")
	flag.Parse()
	files, err := art.Files()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	if err := removeStale(*out, files); err != nil {
		return err
	}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if err := os.WriteFile(filepath.Join(*out, name), files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}

// removeStale deletes generated files the generator no longer makes, so
// they stop being embedded.
func removeStale(dir string, files map[string][]byte) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := e.Name()
		if _, keep := files[name]; keep || e.IsDir() {
			continue
		}
		if strings.HasSuffix(name, ".png") || strings.HasSuffix(name, ".wav") {
			if err := os.Remove(filepath.Join(dir, name)); err != nil {
				return err
			}
		}
	}
	return nil
}
