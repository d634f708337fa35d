package replay

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/gamesock/gamesock/internal/arena"
)

// Header is what a match started from, and who took part.
type Header struct {
	RoomID string
	Match  uint32 // the room's match number
	Config arena.Config
	Seed   uint64
	// Roster lists the ships that took part, in order of joining. A
	// Recorder adds every ship passed to Join that is not listed yet, so it
	// may start empty.
	Roster  []Entry
	Started time.Time
	// HashEvery is the ticks between the world hashes a replay keeps
	// (besides the last tick's). 0 means DefaultHashEvery; 1 lets Play name
	// the exact tick a re-simulation diverges at, for 8 bytes a tick.
	HashEvery uint32
}

// Entry is one ship on a Header's roster.
type Entry struct {
	Ship arena.PlayerID
	Name string
	Bot  bool
}

// Names returns the roster's names, in order.
func (h *Header) Names() []string {
	names := make([]string, len(h.Roster))
	for i, e := range h.Roster {
		names[i] = e.Name
	}
	return names
}

// appendHeader appends h's encoding (without the section length).
func appendHeader(dst []byte, h *Header) ([]byte, error) {
	if len(h.RoomID) > MaxRoomIDLen {
		return nil, fmt.Errorf("room id is %d bytes, more than the %d a replay holds", len(h.RoomID), MaxRoomIDLen)
	}
	if len(h.Roster) > MaxRoster {
		return nil, fmt.Errorf("roster has %d ships, more than the %d a replay holds", len(h.Roster), MaxRoster)
	}
	cfg, err := json.Marshal(h.Config)
	if err != nil {
		return nil, fmt.Errorf("encoding the arena config: %w", err)
	}
	if len(cfg) > MaxConfigLen {
		return nil, fmt.Errorf("arena config is %d bytes of JSON, more than the %d a replay holds", len(cfg), MaxConfigLen)
	}
	dst = appendString(dst, h.RoomID)
	dst = binary.AppendUvarint(dst, uint64(h.Match))
	dst = binary.BigEndian.AppendUint64(dst, h.Seed)
	dst = binary.AppendVarint(dst, unixNano(h.Started))
	dst = binary.AppendUvarint(dst, uint64(h.HashEvery))
	dst = appendSection(dst, cfg)
	dst = binary.AppendUvarint(dst, uint64(len(h.Roster)))
	for _, e := range h.Roster {
		var flags byte
		if e.Bot {
			flags = 1
		}
		dst = append(dst, byte(e.Ship), flags)
		dst = appendString(dst, truncateName(e.Name))
	}
	return dst, nil
}

// decodeHeader reads a header section.
func decodeHeader(b []byte) (Header, error) {
	d := decoder{buf: b, what: "header"}
	var h Header
	h.RoomID = string(d.section("room id", MaxRoomIDLen))
	h.Match = uint32(d.uvarint("match number", 1<<32-1))
	h.Seed = d.uint64("seed")
	h.Started = fromUnixNano(d.varint("start time"))
	h.HashEvery = uint32(d.uvarint("hash interval", MaxTicks))
	cfg := d.section("config", MaxConfigLen)
	n := d.uvarint("roster count", MaxRoster)
	if d.err != nil {
		return Header{}, d.err
	}
	if h.HashEvery == 0 {
		return Header{}, fmt.Errorf("%w: header: hash interval is 0", ErrFormat)
	}
	if err := json.Unmarshal(cfg, &h.Config); err != nil {
		return Header{}, fmt.Errorf("%w: header: config: %v", ErrFormat, err)
	}
	if err := h.Config.Validate(); err != nil {
		return Header{}, fmt.Errorf("%w: header: %v", ErrFormat, err)
	}
	// Each entry takes at least 3 bytes, which bounds the allocation by
	// the input's size whatever the count says.
	if n > uint64(len(d.buf)/3) {
		return Header{}, fmt.Errorf("%w: header: roster of %d ships in %d bytes", ErrFormat, n, len(d.buf))
	}
	h.Roster = make([]Entry, n)
	for i := range h.Roster {
		e := &h.Roster[i]
		e.Ship = arena.PlayerID(d.byte("roster ship"))
		flags := d.byte("roster flags")
		if flags&^1 != 0 {
			d.fail("roster entry %d: unknown flags %#x", i, flags)
		}
		e.Bot = flags&1 != 0
		e.Name = string(d.section("roster name", MaxNameLen))
	}
	d.end()
	if d.err != nil {
		return Header{}, d.err
	}
	return h, nil
}

// truncateName cuts a name to MaxNameLen bytes, at a rune boundary.
func truncateName(s string) string {
	if len(s) <= MaxNameLen {
		return s
	}
	s = s[:MaxNameLen]
	for len(s) > 0 {
		r, size := utf8.DecodeLastRuneInString(s)
		if r != utf8.RuneError || size > 1 {
			break
		}
		s = s[:len(s)-1]
	}
	return s
}

// unixNano is t in Unix nanoseconds, 0 for the zero Time.
func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromUnixNano(ns int64) time.Time {
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns)
}
