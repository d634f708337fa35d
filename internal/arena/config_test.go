package arena

import (
	"errors"
	"testing"
)

func TestValidate(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatalf("DefaultConfig().Validate() = %v", err)
	}
	tests := []struct {
		name   string
		change func(*Config)
	}{
		{"tiny width", func(c *Config) { c.Width = 10 }},
		{"huge height", func(c *Config) { c.Height = 1 << 30 }},
		{"no warmup", func(c *Config) { c.WarmupTicks = 0 }},
		{"no match", func(c *Config) { c.MatchTicks = 0 }},
		{"negative results", func(c *Config) { c.ResultsTicks = -1 }},
		{"negative respawn", func(c *Config) { c.RespawnTicks = -1 }},
		{"too many asteroids", func(c *Config) { c.Asteroids = 1 << 20 }},
		{"negative pickups", func(c *Config) { c.Pickups = -1 }},
		{"no ships", func(c *Config) { c.MaxShips = 0 }},
		{"256 ships", func(c *Config) { c.MaxShips = 256 }},
		{"no health", func(c *Config) { c.ShipHealth = 0 }},
		{"int8 health", func(c *Config) { c.ShipHealth = 128 }},
		{"uint16 shield", func(c *Config) { c.ShieldTicks = 1 << 16 }},
		{"no cooldown", func(c *Config) { c.FireCooldown = 0 }},
		{"no bullet life", func(c *Config) { c.BulletTTL = 0 }},
		{"no pickup period", func(c *Config) { c.PickupRespawnTicks = 0 }},
		{"no asteroid period", func(c *Config) { c.AsteroidRespawnTicks = 0 }},
	}
	for _, tt := range tests {
		c := DefaultConfig()
		tt.change(&c)
		if err := c.Validate(); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("%s: Validate() = %v, want ErrInvalidConfig", tt.name, err)
		}
	}
}

func TestNewPanicsOnInvalidConfig(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Errorf("New with an invalid config did not panic")
		}
	}()
	New(Config{}, 1)
}

func TestNewPlacesTheField(t *testing.T) {
	cfg := DefaultConfig()
	w := New(cfg, 11)
	if len(w.Asteroids) != cfg.Asteroids || len(w.Pickups) != cfg.Pickups || len(w.Ships) != 0 {
		t.Fatalf("new world has %d asteroids, %d pickups, %d ships", len(w.Asteroids), len(w.Pickups), len(w.Ships))
	}
	kinds := map[PickupKind]int{}
	for _, p := range w.Pickups {
		kinds[p.Kind]++
	}
	if kinds[PickupShield] != 2 || kinds[PickupRapidFire] != 2 || kinds[PickupHealth] != 2 {
		t.Errorf("pickup kinds %v, want two of each", kinds)
	}
	for i := 1; i < len(w.Asteroids); i++ {
		if w.Asteroids[i].ID <= w.Asteroids[i-1].ID {
			t.Errorf("asteroids out of id order: %d after %d", w.Asteroids[i].ID, w.Asteroids[i-1].ID)
		}
	}
}
