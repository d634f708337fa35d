package ui

import (
	"bytes"
	"encoding/binary"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/gamesock/gamesock/assets"
	"github.com/gamesock/gamesock/internal/arena"
)

// testDeadline bounds every wait in these tests: far beyond what any
// step takes, it only turns a hang into a clear failure.
const testDeadline = 10 * time.Second

// fakeVoice is an effect "playing" on a fakeDevice until finished.
type fakeVoice struct {
	pcm      []byte
	volume   float64
	finished atomic.Bool
	closed   atomic.Bool
}

func (v *fakeVoice) IsPlaying() bool { return !v.finished.Load() && !v.closed.Load() }
func (v *fakeVoice) Close() error    { v.closed.Store(true); return nil }

// fakeDevice reports every voice started; with stuck set, start waits
// until release is called, as a driver that hangs would.
type fakeDevice struct {
	started chan *fakeVoice
	stuck   bool
	release chan struct{}
	once    sync.Once
}

func newFakeDevice(stuck bool) *fakeDevice {
	return &fakeDevice{started: make(chan *fakeVoice, 1024), stuck: stuck, release: make(chan struct{})}
}

func (d *fakeDevice) start(pcm []byte, volume float64) voice {
	v := &fakeVoice{pcm: pcm, volume: volume}
	d.started <- v
	if d.stuck {
		<-d.release
	}
	return v
}

func (d *fakeDevice) unstick() { d.once.Do(func() { close(d.release) }) }

// next waits for the next voice started.
func (d *fakeDevice) next(t *testing.T) *fakeVoice {
	t.Helper()
	select {
	case v := <-d.started:
		return v
	case <-time.After(testDeadline):
		t.Fatal("no effect started")
		return nil
	}
}

// logLines collects what a logger wrote.
type logLines struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logLines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logLines) count(substr string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Count(l.buf.String(), substr)
}

func newLogLines() (*logLines, *slog.Logger) {
	l := &logLines{}
	return l, slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// waitClosed fails t unless ch closes within testDeadline.
func waitClosed(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(testDeadline):
		t.Fatalf("%s did not happen", what)
	}
}

// startOn starts sounds on dev and waits for the device to be in use.
func startOn(t *testing.T, dev audioDevice) *sounds {
	t.Helper()
	s := startSounds(func() (audioDevice, error) { return dev, nil }, testDeadline, slog.New(slog.DiscardHandler))
	waitClosed(t, s.settled, "opening the fake device")
	if got := s.status(); got != "sound: on" {
		t.Fatalf("status with a working device = %q, want %q", got, "sound: on")
	}
	return s
}

func TestSoundPlayNeverBlocksOnAStuckDevice(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	dev := newFakeDevice(true)
	s := startOn(t, dev)
	s.play(assets.SoundShot)
	dev.next(t) // the sound goroutine is now stuck in the device

	const plays = 10 * soundQueue
	returned := make(chan struct{})
	go func() {
		defer close(returned)
		for range plays {
			s.play(assets.SoundExplosion)
		}
	}()
	waitClosed(t, returned, "play returning while the device is stuck")
	if got, want := s.dropped.Load(), uint64(plays-soundQueue); got != want {
		t.Errorf("dropped %d effects, want %d (all beyond the queue of %d)", got, want, soundQueue)
	}
	dev.unstick()
	s.close()
}

func TestSoundSilentWithoutDevice(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	hang := make(chan struct{})
	defer close(hang) // before VerifyNone: lets the abandoned opener finish
	tests := []struct {
		name    string
		mute    bool
		open    audioOpener
		timeout time.Duration
		status  string
	}{
		{name: "muted", mute: true, status: "sound: off (muted)"},
		{
			name:    "device fails",
			open:    func() (audioDevice, error) { return nil, errors.New("no PulseAudio, no ALSA") },
			timeout: testDeadline,
			status:  "sound: off (no audio device)",
		},
		{
			name:    "device hangs",
			open:    func() (audioDevice, error) { <-hang; return nil, errors.New("gave up") },
			timeout: time.Millisecond,
			status:  "sound: off (no audio device)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs, log := newLogLines()
			var s *sounds
			if tt.mute {
				s = newSounds(true, log)
			} else {
				s = startSounds(tt.open, tt.timeout, log)
			}
			waitClosed(t, s.settled, "giving up on the device")
			if got := s.status(); got != tt.status {
				t.Errorf("status = %q, want %q", got, tt.status)
			}
			for range 10 * soundQueue {
				s.play(assets.SoundNotify)
			}
			if n := len(s.reqs); n != 0 {
				t.Errorf("%d effects queued with no device, want none", n)
			}
			s.close()
			s.close()
			if n := logs.count("sound: off"); n != 1 {
				t.Errorf("the log says the sound is off %d times, want once:\n%s", n, logs.buf.String())
			}
		})
	}
}

func TestSoundCloseStopsGoroutineAndVoices(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	dev := newFakeDevice(false)
	s := startOn(t, dev)
	s.play(assets.SoundShot)
	s.play(assets.SoundPickup)
	shot, pickup := dev.next(t), dev.next(t)
	s.close()
	waitClosed(t, s.done, "the sound goroutine exiting")
	if !shot.closed.Load() || !pickup.closed.Load() {
		t.Errorf("voices closed: shot %v, pickup %v; want both stopped by close", shot.closed.Load(), pickup.closed.Load())
	}
	if got := s.status(); got != "sound: off" {
		t.Errorf("status after close = %q, want %q", got, "sound: off")
	}
	s.play(assets.SoundNotify)
	if n := len(s.reqs) + len(dev.started); n != 0 {
		t.Errorf("an effect played after close (%d queued or started)", n)
	}
}

func TestSoundCloseWhileOpening(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	hang := make(chan struct{})
	s := startSounds(func() (audioDevice, error) { <-hang; return nil, errors.New("gave up") }, testDeadline,
		slog.New(slog.DiscardHandler))
	s.close()
	waitClosed(t, s.settled, "settling on close")
	if got := s.status(); got != "sound: off" {
		t.Errorf("status = %q, want %q", got, "sound: off")
	}
	close(hang) // lets the abandoned opener finish, for goleak
}

func TestSoundVoices(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	dev := newFakeDevice(false)
	s := startOn(t, dev)
	defer s.close()

	var voices []*fakeVoice
	for range maxVoices + 3 {
		s.play(assets.SoundExplosion)
		voices = append(voices, dev.next(t))
	}
	for i, v := range voices {
		if want := i < 3; v.closed.Load() != want {
			t.Errorf("voice %d closed = %v, want %v (the oldest give way beyond %d)", i, v.closed.Load(), want, maxVoices)
		}
		if v.volume <= 0 || v.volume > masterVolume {
			t.Errorf("voice %d volume %v, want in (0, %v]", i, v.volume, masterVolume)
		}
	}
	// A finished voice makes room: no playing one is stopped for the next.
	voices[5].finished.Store(true)
	s.play(assets.SoundShot)
	shot := dev.next(t)
	if !voices[5].closed.Load() || voices[3].closed.Load() {
		t.Errorf("after voice 5 finished: closed 5 = %v (want true), closed 3 = %v (want false)",
			voices[5].closed.Load(), voices[3].closed.Load())
	}
	if want, _ := decodeWAV(mustSound(t, assets.SoundShot)); !bytes.Equal(shot.pcm, want) {
		t.Errorf("the shot played %d bytes, not the shot's %d samples", len(shot.pcm), len(want)/2)
	}
	s.play("no such effect")
	s.play(assets.SoundNotify)
	if v := dev.next(t); len(v.pcm) == 0 || bytes.Equal(v.pcm, shot.pcm) {
		t.Errorf("after an unknown name, the next effect played %d bytes, want the notify", len(v.pcm))
	}
}

func mustSound(t *testing.T, name string) []byte {
	t.Helper()
	b, ok := assets.Sound(name)
	if !ok {
		t.Fatalf("no asset %q", name)
	}
	return b
}

func TestDecodeEffects(t *testing.T) {
	// The effects' lengths (assets.Sound*) at assets.SampleRate.
	want := map[string]int{
		assets.SoundShot:      3528,  // 0.16 s
		assets.SoundExplosion: 17640, // 0.8 s
		assets.SoundPickup:    9922,  // 0.45 s
		assets.SoundNotify:    2646,  // 0.12 s
	}
	pcm := decodeEffects(slog.New(slog.DiscardHandler))
	if len(pcm) != len(want) {
		t.Errorf("decoded %d effects, want %d", len(pcm), len(want))
	}
	for name, samples := range want {
		data := pcm[name]
		if got := len(data) / 2; got != samples {
			t.Errorf("%s: %d samples, want %d", name, got, samples)
		}
		wav := mustSound(t, name)
		if !bytes.HasSuffix(wav, data) {
			t.Errorf("%s: the samples are not the data chunk that ends the file", name)
		}
	}
}

// wavFile builds a WAV file from a format and samples, with extra chunks
// before the data.
func wavFile(format, channels uint16, rate uint32, bits uint16, samples []int16, extra ...[]byte) []byte {
	fmtChunk := binary.LittleEndian.AppendUint16(nil, format)
	fmtChunk = binary.LittleEndian.AppendUint16(fmtChunk, channels)
	fmtChunk = binary.LittleEndian.AppendUint32(fmtChunk, rate)
	fmtChunk = binary.LittleEndian.AppendUint32(fmtChunk, rate*uint32(channels)*uint32(bits)/8)
	fmtChunk = binary.LittleEndian.AppendUint16(fmtChunk, channels*bits/8)
	fmtChunk = binary.LittleEndian.AppendUint16(fmtChunk, bits)
	var data []byte
	for _, v := range samples {
		data = binary.LittleEndian.AppendUint16(data, uint16(v))
	}
	body := []byte("WAVE")
	body = append(body, chunk("fmt ", fmtChunk)...)
	for _, e := range extra {
		body = append(body, e...)
	}
	body = append(body, chunk("data", data)...)
	return append(binary.LittleEndian.AppendUint32([]byte("RIFF"), uint32(len(body))), body...)
}

// chunk is a RIFF chunk, padded to an even size.
func chunk(id string, body []byte) []byte {
	c := append([]byte(id), binary.LittleEndian.AppendUint32(nil, uint32(len(body)))...)
	c = append(c, body...)
	if len(body)%2 == 1 {
		c = append(c, 0)
	}
	return c
}

func TestDecodeWAV(t *testing.T) {
	samples := []int16{0, 1, -1, 32767, -32768, 1234}
	good := wavFile(1, 1, assets.SampleRate, 16, samples)
	tests := []struct {
		name    string
		wav     []byte
		samples int
		err     string
	}{
		{name: "plain", wav: good, samples: len(samples)},
		{name: "a LIST chunk of odd size first", wav: wavFile(1, 1, assets.SampleRate, 16, samples, chunk("LIST", []byte("INFOabc"))), samples: len(samples)},
		{name: "empty data", wav: wavFile(1, 1, assets.SampleRate, 16, nil), samples: 0},
		{name: "empty", wav: nil, err: "not a RIFF WAVE"},
		{name: "not WAVE", wav: append([]byte("RIFF\x04\x00\x00\x00AVI "), good[12:]...), err: "not a RIFF WAVE"},
		{name: "truncated", wav: good[:len(good)-3], err: "overruns"},
		{name: "no data", wav: good[:12+8+16], err: "no data chunk"},
		{name: "data first", wav: append(append([]byte(nil), good[:12]...), chunk("data", []byte{1, 2})...), err: "data before the fmt"},
		{name: "short fmt", wav: append(append([]byte(nil), good[:12]...), chunk("fmt ", []byte{1, 0})...), err: "fmt chunk of 2 bytes"},
		{name: "stereo", wav: wavFile(1, 2, assets.SampleRate, 16, samples), err: "2 channels"},
		{name: "8-bit", wav: wavFile(1, 1, assets.SampleRate, 8, samples), err: "8 bits"},
		{name: "44100 Hz", wav: wavFile(1, 1, 44100, 16, samples), err: "44100 Hz"},
		{name: "float", wav: wavFile(3, 1, assets.SampleRate, 16, samples), err: "format 3"},
		{name: "huge chunk size", wav: append(append([]byte(nil), good[:12]...), "JUNK\xff\xff\xff\xff"...), err: "overruns"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pcm, err := decodeWAV(tt.wav)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("decodeWAV error = %v, want one saying %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("decodeWAV: %v", err)
			}
			if len(pcm)/2 != tt.samples {
				t.Fatalf("%d samples, want %d", len(pcm)/2, tt.samples)
			}
			for i, want := range samples[:tt.samples] {
				if got := int16(binary.LittleEndian.Uint16(pcm[2*i:])); got != want {
					t.Errorf("sample %d = %d, want %d", i, got, want)
				}
			}
		})
	}
}

func FuzzDecodeWAV(f *testing.F) {
	f.Add(wavFile(1, 1, assets.SampleRate, 16, []int16{1, 2, 3}))
	f.Add(wavFile(1, 1, assets.SampleRate, 16, []int16{1}, chunk("LIST", []byte("x"))))
	f.Add([]byte("RIFF\x00\x00\x00\x00WAVE"))
	f.Fuzz(func(t *testing.T, wav []byte) {
		pcm, err := decodeWAV(wav)
		if err != nil {
			return
		}
		if len(pcm)%2 != 0 || len(pcm) > len(wav) {
			t.Fatalf("%d bytes of samples from a %d-byte file", len(pcm), len(wav))
		}
	})
}

// cueWorld is a world at tick with the given ships, bullets and pickups.
func cueWorld(tick uint64, ships []arena.Ship, bullets []arena.Bullet, pickups []arena.Pickup) *arena.World {
	return &arena.World{Tick: tick, Ships: ships, Bullets: bullets, Pickups: pickups}
}

func TestOwnCues(t *testing.T) {
	const own, other arena.PlayerID = 1, 2
	at := func(x int32) arena.Vec { return arena.Vec{X: x, Y: 0} }
	ship := func(id arena.PlayerID, x int32) arena.Ship { return arena.Ship{ID: id, Alive: true, Pos: at(x)} }
	dead := arena.Ship{ID: own, Pos: at(0)}
	bullet := func(id uint32, owner arena.PlayerID) arena.Bullet { return arena.Bullet{ID: id, Owner: owner} }
	pickup := arena.Pickup{ID: 50, Kind: arena.PickupShield, Pos: at(20 * arena.Sub)}
	near, far := int32(10*arena.Sub), int32(pickupReach+30*arena.Sub)

	type step struct {
		w            *arena.World
		shot, pickup bool
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"the first snapshot only primes", []step{
			{w: cueWorld(10, []arena.Ship{ship(own, 0)}, []arena.Bullet{bullet(7, own)}, nil)},
		}},
		{"a new own bullet is a shot, once", []step{
			{w: cueWorld(10, []arena.Ship{ship(own, 0)}, nil, nil)},
			{w: cueWorld(11, []arena.Ship{ship(own, 0)}, []arena.Bullet{bullet(7, own)}, nil), shot: true},
			{w: cueWorld(12, []arena.Ship{ship(own, 0)}, []arena.Bullet{bullet(7, own)}, nil)},
			{w: cueWorld(13, []arena.Ship{ship(own, 0)}, []arena.Bullet{bullet(7, own), bullet(9, own)}, nil), shot: true},
		}},
		{"another ship's bullet is silent", []step{
			{w: cueWorld(10, []arena.Ship{ship(own, 0)}, nil, nil)},
			{w: cueWorld(11, []arena.Ship{ship(own, 0)}, []arena.Bullet{bullet(7, other)}, nil)},
		}},
		{"a new match's world primes again", []step{
			{w: cueWorld(500, []arena.Ship{ship(own, 0)}, nil, nil)},
			{w: cueWorld(1, []arena.Ship{ship(own, 0)}, []arena.Bullet{bullet(3, own)}, nil)},
			{w: cueWorld(2, []arena.Ship{ship(own, 0)}, []arena.Bullet{bullet(3, own), bullet(4, own)}, nil), shot: true},
		}},
		{"a pickup gone from beside the own ship", []step{
			{w: cueWorld(10, []arena.Ship{ship(own, near)}, nil, []arena.Pickup{pickup})},
			{w: cueWorld(11, []arena.Ship{ship(own, near)}, nil, nil), pickup: true},
		}},
		{"a pickup still there", []step{
			{w: cueWorld(10, []arena.Ship{ship(own, near)}, nil, []arena.Pickup{pickup})},
			{w: cueWorld(11, []arena.Ship{ship(own, near)}, nil, []arena.Pickup{pickup})},
		}},
		{"a pickup gone far away", []step{
			{w: cueWorld(10, []arena.Ship{ship(own, far)}, nil, []arena.Pickup{pickup})},
			{w: cueWorld(11, []arena.Ship{ship(own, far)}, nil, nil)},
		}},
		{"a pickup taken by a nearer ship", []step{
			{w: cueWorld(10, []arena.Ship{ship(own, near), ship(other, pickup.Pos.X)}, nil, []arena.Pickup{pickup})},
			{w: cueWorld(11, []arena.Ship{ship(own, near), ship(other, pickup.Pos.X)}, nil, nil)},
		}},
		{"a dead ship takes nothing", []step{
			{w: cueWorld(10, []arena.Ship{dead}, nil, []arena.Pickup{pickup})},
			{w: cueWorld(11, []arena.Ship{dead}, nil, nil)},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c ownCues
			c.reset(own)
			for i, st := range tt.steps {
				shot, pickup := c.observe(st.w)
				if shot != st.shot || pickup != st.pickup {
					t.Errorf("snapshot %d (tick %d): shot %v, pickup %v; want %v, %v", i, st.w.Tick, shot, pickup, st.shot, st.pickup)
				}
			}
		})
	}
}
