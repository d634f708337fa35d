package headless

import (
	"cmp"
	"slices"

	arenav1 "github.com/gamesock/gamesock/proto/arena/v1"
	"google.golang.org/protobuf/proto"
)

// RoomCheck compares the KILL notifications the bots in one room heard.
// Every player in a room is told of every kill there, once, in the order
// they happened; bots that joined late or lost their session hear fewer,
// but never different ones or in another order.
type RoomCheck struct {
	RoomID string
	// Bots counts the bots that heard a kill in the room, or were last
	// seated there.
	Bots int
	// Kills counts the distinct kill notifications heard in the room;
	// HeardByAll those every one of its bots heard.
	Kills, HeardByAll int
	// Conflicts counts notification ids that bots heard with different
	// content.
	Conflicts int
	// OutOfOrder counts the pairs of bots that heard two kills in
	// opposite orders.
	OutOfOrder int
}

// OK reports whether the room's bots agree on its kills.
func (c RoomCheck) OK() bool { return c.Conflicts == 0 && c.OutOfOrder == 0 }

// roomBot is the kills one bot heard in one room, in order.
type roomBot struct {
	ids   []string
	index map[string]int
}

// checkRooms checks the kills of each room the bots were in, by room id.
func checkRooms(bots []BotReport) []RoomCheck {
	rooms := map[string][]*roomBot{}
	for i := range bots {
		heard := map[string]*roomBot{}
		if id := bots[i].RoomID; id != "" {
			heard[id] = &roomBot{index: map[string]int{}}
		}
		for _, k := range bots[i].Kills {
			rb := heard[k.Room]
			if rb == nil {
				rb = &roomBot{index: map[string]int{}}
				heard[k.Room] = rb
			}
			if _, dup := rb.index[k.ID]; !dup {
				rb.index[k.ID] = len(rb.ids)
				rb.ids = append(rb.ids, k.ID)
			}
		}
		for id, rb := range heard {
			rooms[id] = append(rooms[id], rb)
		}
	}
	contents := killContents(bots)
	checks := make([]RoomCheck, 0, len(rooms))
	for id, rbs := range rooms {
		checks = append(checks, checkRoom(id, rbs, contents[id]))
	}
	slices.SortFunc(checks, func(a, b RoomCheck) int { return cmp.Compare(a.RoomID, b.RoomID) })
	return checks
}

// killContents groups the contents heard per room and notification id.
func killContents(bots []BotReport) map[string]map[string][]*arenav1.Kill {
	out := map[string]map[string][]*arenav1.Kill{}
	for i := range bots {
		for _, k := range bots[i].Kills {
			byID := out[k.Room]
			if byID == nil {
				byID = map[string][]*arenav1.Kill{}
				out[k.Room] = byID
			}
			byID[k.ID] = append(byID[k.ID], k.Kill)
		}
	}
	return out
}

// checkRoom checks one room's bots against each other.
func checkRoom(id string, rbs []*roomBot, contents map[string][]*arenav1.Kill) RoomCheck {
	c := RoomCheck{RoomID: id, Bots: len(rbs), Kills: len(contents)}
	for kid, ks := range contents {
		all := true
		for _, rb := range rbs {
			if _, ok := rb.index[kid]; !ok {
				all = false
				break
			}
		}
		if all {
			c.HeardByAll++
		}
		for _, k := range ks[1:] {
			if !proto.Equal(ks[0], k) {
				c.Conflicts++
				break
			}
		}
	}
	for i, a := range rbs {
		for _, b := range rbs[i+1:] {
			if !sameOrder(a, b) {
				c.OutOfOrder++
			}
		}
	}
	return c
}

// sameOrder reports whether the kills a and b both heard came to b in the
// order they came to a.
func sameOrder(a, b *roomBot) bool {
	last := -1
	for _, id := range a.ids {
		j, ok := b.index[id]
		if !ok {
			continue
		}
		if j < last {
			return false
		}
		last = j
	}
	return true
}
