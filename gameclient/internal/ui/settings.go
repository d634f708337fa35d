package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// maxSettingsSize bounds the settings file read: it holds two short strings.
const maxSettingsSize = 64 << 10

// Settings are what the client remembers between runs.
type Settings struct {
	Server string `json:"server"`
	Name   string `json:"name"`
}

// SettingsPath is where the client keeps its settings:
// os.UserConfigDir()/gamesock/client.json.
func SettingsPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("settings: %w", err)
	}
	return filepath.Join(dir, "gamesock", "client.json"), nil
}

// LoadSettings reads the settings at path. A missing file is no settings
// and no error.
func LoadSettings(path string) (Settings, error) {
	var s Settings
	if path == "" {
		return s, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("settings: %w", err)
	}
	if len(data) > maxSettingsSize {
		return s, fmt.Errorf("settings %s: over %d bytes", path, maxSettingsSize)
	}
	if err := json.Unmarshal(data, &s); err != nil {
		return Settings{}, fmt.Errorf("settings %s: %w", path, err)
	}
	return s, nil
}

// SaveSettings writes s to path, creating its directory, by way of a
// temporary file so that a crash leaves the old settings whole.
func SaveSettings(path string, s Settings) error {
	if path == "" {
		return nil
	}
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	return nil
}
