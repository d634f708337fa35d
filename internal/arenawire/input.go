package arenawire

import (
	"fmt"

	"github.com/gamesock/gamesock/internal/arena"
)

// An input is one byte on the wire: the buttons' bits. The room protocol
// (RoomInput) carries the sequence numbers, so there is nothing else to
// say, and a protobuf message would only add a tag.

// AppendInput appends one tick's buttons b to dst.
func AppendInput(dst []byte, b arena.Buttons) []byte {
	return append(dst, byte(b))
}

// DecodeInput decodes one tick's buttons. It fails unless data is one
// byte with no bits outside arena.ValidButtons.
func DecodeInput(data []byte) (arena.Buttons, error) {
	if len(data) != 1 {
		return 0, fmt.Errorf("arenawire: decode input: %d bytes, want 1", len(data))
	}
	b := arena.Buttons(data[0])
	if b&^arena.ValidButtons != 0 {
		return 0, fmt.Errorf("arenawire: decode input: buttons %#02x have bits outside %#02x", byte(b), byte(arena.ValidButtons))
	}
	return b, nil
}
