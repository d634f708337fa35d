package room

import (
	"fmt"

	gamesockv1 "github.com/gamesock/gamesock/proto/gamesock/v1"
	"github.com/gamesock/gamesock/sdk/session"
	"google.golang.org/protobuf/proto"
)

// stateOf wraps a RoomInput in a State of the default input kind, with
// tick 0, which the session layer never drops as out of date.
func stateOf(frame []byte) session.State {
	return session.State{Kind: 1, Data: frame}
}

// marshalInput encodes a RoomInput with the generated code.
func marshalInput(first uint32, ack uint64, inputs ...[]byte) []byte {
	b, err := proto.Marshal(&gamesockv1.RoomInput{FirstSeq: first, Inputs: inputs, SnapshotAck: ack})
	if err != nil {
		panic(err)
	}
	return b
}

// decodeSnapshotState decodes a snapshot State with the generated code.
func decodeSnapshotState(st session.State) (tick, baseline uint64, inputAck uint32, err error) {
	var m gamesockv1.RoomSnapshot
	if err := proto.Unmarshal(st.Data, &m); err != nil {
		return 0, 0, 0, fmt.Errorf("snapshot of tick %d: %w", st.Tick, err)
	}
	return st.Tick, m.GetBaseline(), m.GetInputAck(), nil
}
