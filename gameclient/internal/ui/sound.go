package ui

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ebitengine/oto/v3"

	"github.com/gamesock/gamesock/assets"
	"github.com/gamesock/gamesock/internal/arena"
)

// Sound limits. The queue is short because an effect that waited is
// better dropped than played late.
const (
	soundQueue       = 16              // requests waiting for the sound goroutine; more are dropped
	maxVoices        = 8               // effects playing at once; a ninth stops the oldest
	masterVolume     = 0.5             // scales every effect's volume
	audioOpenTimeout = 3 * time.Second // how long the device may take to open before the client runs silent
)

// The sound's states, as sounds.status reports them.
const (
	soundOpening  int32 = iota // the device is being opened
	soundOn                    // effects play
	soundMuted                 // Options.Mute
	soundNoDevice              // the device failed or did not open in time
	soundClosed                // Game.Close
)

// audioDevice is where the effects are played: an oto context, or a fake
// in tests. start must not keep pcm beyond the voice's life.
type audioDevice interface {
	// start plays pcm (16-bit little-endian mono at assets.SampleRate) at
	// volume (0 to 1).
	start(pcm []byte, volume float64) voice
}

// voice is one effect playing. *oto.Player is one.
type voice interface {
	IsPlaying() bool
	Close() error
}

// audioOpener opens the audio device; it may block or fail.
type audioOpener func() (audioDevice, error)

// sounds plays the game's sound effects on a goroutine of its own, so that
// a slow or stuck audio device never holds up Update: play only offers the
// effect's name to that goroutine and drops it when the queue is full.
// The client runs silent when muted or when there is no audio device, and
// says so once in its log.
type sounds struct {
	log   *slog.Logger
	state atomic.Int32

	reqs    chan string
	quit    chan struct{}
	settled chan struct{} // closed once the device is open or given up on
	done    chan struct{} // closed when the sound goroutine has exited
	stop    sync.Once
	dropped atomic.Uint64 // requests dropped because the queue was full
}

// newSounds starts the sound effects on the system's audio device, or
// runs silent if mute.
func newSounds(mute bool, log *slog.Logger) *sounds {
	if mute {
		s := &sounds{log: log, settled: make(chan struct{}), done: make(chan struct{})}
		s.state.Store(soundMuted)
		close(s.settled)
		close(s.done)
		log.Info("sound: off (muted)")
		return s
	}
	return startSounds(openOto, audioOpenTimeout, log)
}

// startSounds starts the sound goroutine, which opens the device with open
// and gives up on it after timeout.
func startSounds(open audioOpener, timeout time.Duration, log *slog.Logger) *sounds {
	s := &sounds{
		log:     log,
		reqs:    make(chan string, soundQueue),
		quit:    make(chan struct{}),
		settled: make(chan struct{}),
		done:    make(chan struct{}),
	}
	go s.run(open, timeout)
	return s
}

// play starts the named effect (assets.SoundShot, ...) without blocking.
func (s *sounds) play(name string) {
	if st := s.state.Load(); st != soundOn && st != soundOpening {
		return
	}
	select {
	case s.reqs <- name:
	default:
		s.dropped.Add(1)
	}
}

// status is the sound's state as a line for the screen.
func (s *sounds) status() string {
	switch s.state.Load() {
	case soundOpening:
		return "sound: starting"
	case soundOn:
		return "sound: on"
	case soundMuted:
		return "sound: off (muted)"
	case soundNoDevice:
		return "sound: off (no audio device)"
	default:
		return "sound: off"
	}
}

// close stops the effects playing and waits for the sound goroutine.
func (s *sounds) close() {
	s.stop.Do(func() {
		if s.state.Swap(soundClosed) == soundMuted {
			return
		}
		close(s.quit)
	})
	<-s.done
	if n := s.dropped.Load(); n > 0 {
		s.log.Debug("sound: effects dropped, the queue being full", "count", n)
	}
}

// errSoundClosed says the sounds were closed while the device opened.
var errSoundClosed = errors.New("sound: closed")

// run is the sound goroutine: it opens the device, then plays the effects
// asked for until close.
func (s *sounds) run(open audioOpener, timeout time.Duration) {
	defer close(s.done)
	dev, err := s.open(open, timeout)
	on := s.opened(err)
	close(s.settled)
	if on {
		s.serve(dev, decodeEffects(s.log))
	}
}

// opened records how opening the device went, and reports whether the
// effects can play.
func (s *sounds) opened(err error) bool {
	switch {
	case errors.Is(err, errSoundClosed):
		return false
	case err != nil:
		if s.state.CompareAndSwap(soundOpening, soundNoDevice) {
			s.log.Info("sound: off (no audio device)", "err", err)
		}
		return false
	case !s.state.CompareAndSwap(soundOpening, soundOn):
		return false // closed meanwhile
	}
	s.log.Debug("sound: on")
	return true
}

// open opens the device on a goroutine of its own and waits for it at most
// timeout. Requests arriving meanwhile are dropped rather than played late.
// A driver that hangs cannot be interrupted: on timeout or close its
// goroutine is left to finish on its own, holding only what it opened.
func (s *sounds) open(open audioOpener, timeout time.Duration) (audioDevice, error) {
	type opened struct {
		dev audioDevice
		err error
	}
	res := make(chan opened, 1)
	go func() {
		dev, err := open()
		res <- opened{dev, err}
	}()
	t := time.NewTimer(timeout)
	defer t.Stop()
	for {
		select {
		case r := <-res:
			return r.dev, r.err
		case <-t.C:
			return nil, fmt.Errorf("sound: the audio device did not open within %v", timeout)
		case <-s.quit:
			return nil, errSoundClosed
		case <-s.reqs:
		}
	}
}

// serve plays the effects asked for until close, then stops them.
func (s *sounds) serve(dev audioDevice, pcm map[string][]byte) {
	var voices []voice
	defer func() {
		for _, v := range voices {
			v.Close()
		}
	}()
	for {
		select {
		case <-s.quit:
			return
		case name := <-s.reqs:
			data, ok := pcm[name]
			if !ok {
				s.log.Debug("sound: no such effect", "name", name)
				continue
			}
			voices = startVoice(dev, voices, data, effectVolume(name))
		}
	}
}

// startVoice starts pcm, first dropping the voices that have finished and,
// at maxVoices, the oldest one still playing.
func startVoice(dev audioDevice, voices []voice, pcm []byte, volume float64) []voice {
	kept := voices[:0]
	for _, v := range voices {
		if v.IsPlaying() {
			kept = append(kept, v)
		} else {
			v.Close()
		}
	}
	clear(voices[len(kept):]) // let the closed players be collected
	voices = kept
	if len(voices) >= maxVoices {
		voices[0].Close()
		n := copy(voices, voices[1:])
		voices[n] = nil
		voices = voices[:n]
	}
	return append(voices, dev.start(pcm, volume))
}

// effectVolume is an effect's volume: the explosions loudest, the shots,
// which come in bursts, softest.
func effectVolume(name string) float64 {
	v := 0.6
	switch name {
	case assets.SoundShot:
		v = 0.35
	case assets.SoundExplosion:
		v = 0.8
	case assets.SoundNotify:
		v = 0.5
	}
	return v * masterVolume
}

// decodeEffects decodes the effects the client plays; one that does not
// decode stays silent.
func decodeEffects(log *slog.Logger) map[string][]byte {
	names := []string{assets.SoundShot, assets.SoundExplosion, assets.SoundPickup, assets.SoundNotify}
	pcm := make(map[string][]byte, len(names))
	for _, name := range names {
		wav, ok := assets.Sound(name)
		if !ok {
			log.Warn("sound: no such asset", "name", name)
			continue
		}
		data, err := decodeWAV(wav)
		if err != nil {
			log.Warn("sound: effect left silent", "name", name, "err", err)
			continue
		}
		pcm[name] = data
	}
	return pcm
}

// openOto opens the system's audio device. oto allows one context per
// process, so a second Game in the same process runs silent.
func openOto() (audioDevice, error) {
	ctx, ready, err := oto.NewContext(&oto.NewContextOptions{
		SampleRate:      assets.SampleRate,
		ChannelCount:    1,
		Format:          oto.FormatSignedInt16LE,
		ApplicationName: "gamesock arena",
	})
	if err != nil {
		return nil, err
	}
	<-ready
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return otoDevice{ctx}, nil
}

// otoDevice plays on an oto context.
type otoDevice struct{ ctx *oto.Context }

func (d otoDevice) start(pcm []byte, volume float64) voice {
	p := d.ctx.NewPlayer(bytes.NewReader(pcm))
	p.SetVolume(volume)
	p.Play()
	return p
}

// pickupReach is how near the own ship must be to a pickup that vanished
// for the ship to have taken it: touching, plus its flight over the
// snapshots that may have been skipped.
const pickupReach = arena.ShipRadius + arena.PickupRadius + 4*arena.ShipMaxSpeed

// ownCues finds in the snapshots what the own ship did that sounds: the
// server sends worlds, not the steps' events, so a shot is an own bullet
// the last snapshot did not have, and a pickup is one gone from beside the
// own ship when no other ship was nearer.
type ownCues struct {
	ship    arena.PlayerID
	primed  bool // a snapshot of this world was seen
	tick    uint64
	bullets []uint32       // the last snapshot's own bullets
	pickups []arena.Pickup // the last snapshot's pickups
}

// reset starts over for a newly seated ship.
func (c *ownCues) reset(ship arena.PlayerID) {
	c.ship, c.primed = ship, false
}

// observe reads the next snapshot: whether the own ship fired and whether
// it took a pickup since the last. The first snapshot of a world (a new
// seat, a new match) only primes it.
func (c *ownCues) observe(w *arena.World) (shot, pickup bool) {
	if w == nil {
		return false, false
	}
	if c.primed && w.Tick > c.tick {
		shot, pickup = c.fired(w), c.tookPickup(w)
	}
	c.primed, c.tick = true, w.Tick
	c.bullets = c.bullets[:0]
	for _, b := range w.Bullets {
		if b.Owner == c.ship {
			c.bullets = append(c.bullets, b.ID)
		}
	}
	c.pickups = append(c.pickups[:0], w.Pickups...)
	return shot, pickup
}

// fired reports whether w has an own bullet the last snapshot had not.
func (c *ownCues) fired(w *arena.World) bool {
	for _, b := range w.Bullets {
		if b.Owner == c.ship && !slices.Contains(c.bullets, b.ID) {
			return true
		}
	}
	return false
}

// tookPickup reports whether a pickup of the last snapshot is gone from w
// and the own ship is the living ship nearest to where it was, within
// pickupReach.
func (c *ownCues) tookPickup(w *arena.World) bool {
	own := w.Ship(c.ship)
	if own == nil || !own.Alive {
		return false
	}
	for _, p := range c.pickups {
		if _, still := slices.BinarySearchFunc(w.Pickups, p.ID, func(q arena.Pickup, id uint32) int {
			return cmp.Compare(q.ID, id)
		}); still {
			continue
		}
		d := dist2(own.Pos, p.Pos)
		if d > pickupReach*pickupReach {
			continue
		}
		nearest := true
		for i := range w.Ships {
			s := &w.Ships[i]
			if s.ID != c.ship && s.Alive && dist2(s.Pos, p.Pos) < d {
				nearest = false
				break
			}
		}
		if nearest {
			return true
		}
	}
	return false
}

// dist2 is the squared distance between a and b.
func dist2(a, b arena.Vec) int64 {
	dx, dy := int64(a.X)-int64(b.X), int64(a.Y)-int64(b.Y)
	return dx*dx + dy*dy
}

// The WAV format the effects are in.
const (
	wavPCM        = 1
	wavChannels   = 1
	wavBits       = 16
	wavHeaderSize = 12 // "RIFF", size, "WAVE"
	wavChunkHead  = 8  // id, size
	wavFmtSize    = 16
)

// decodeWAV returns the samples of a WAV file in the effects' format
// (16-bit PCM, mono, assets.SampleRate), a slice of wav. It walks the
// chunks rather than assuming a 44-byte header, and refuses anything else.
func decodeWAV(wav []byte) ([]byte, error) {
	if len(wav) < wavHeaderSize || string(wav[0:4]) != "RIFF" || string(wav[8:12]) != "WAVE" {
		return nil, errors.New("wav: not a RIFF WAVE file")
	}
	var haveFmt bool
	for rest := wav[wavHeaderSize:]; len(rest) >= wavChunkHead; {
		id, size := string(rest[0:4]), binary.LittleEndian.Uint32(rest[4:8])
		body := rest[wavChunkHead:]
		if uint64(size) > uint64(len(body)) {
			return nil, fmt.Errorf("wav: chunk %q of %d bytes overruns the file's %d left", id, size, len(body))
		}
		body = body[:size]
		switch id {
		case "fmt ":
			if err := checkWAVFormat(body); err != nil {
				return nil, err
			}
			haveFmt = true
		case "data":
			if !haveFmt {
				return nil, errors.New("wav: data before the fmt chunk")
			}
			return body[:len(body)&^1], nil
		}
		// Chunks are padded to an even size.
		skip := wavChunkHead + int(size) + int(size&1)
		if skip > len(rest) {
			break
		}
		rest = rest[skip:]
	}
	return nil, errors.New("wav: no data chunk")
}

// checkWAVFormat accepts only the effects' format.
func checkWAVFormat(f []byte) error {
	if len(f) < wavFmtSize {
		return fmt.Errorf("wav: fmt chunk of %d bytes, want %d", len(f), wavFmtSize)
	}
	format := binary.LittleEndian.Uint16(f[0:2])
	channels := binary.LittleEndian.Uint16(f[2:4])
	rate := binary.LittleEndian.Uint32(f[4:8])
	bits := binary.LittleEndian.Uint16(f[14:16])
	if format != wavPCM || channels != wavChannels || rate != assets.SampleRate || bits != wavBits {
		return fmt.Errorf("wav: format %d, %d channels, %d Hz, %d bits; want PCM (1), mono, %d Hz, 16 bits",
			format, channels, rate, bits, assets.SampleRate)
	}
	return nil
}
