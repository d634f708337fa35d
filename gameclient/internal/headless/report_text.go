package headless

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// maxErrorsShown bounds the error lines Write prints.
const maxErrorsShown = 10

// Write writes the report as text for people: the aggregates, the rooms'
// kill checks and the first errors. Errors writing to w are ignored, as
// fmt.Fprint's are.
func (r *Report) Write(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	p := func(label, format string, args ...any) {
		fmt.Fprintf(tw, "%s\t"+format+"\n", append([]any{label}, args...)...)
	}
	p("bots", "%d, %d seated, %s, tick rate %d Hz", len(r.Bots), r.SeatedBots, r.Duration.Round(time.Millisecond), r.TickRate)
	p("snapshots", "%.1f/s mean, %.1f/s min; %d of %d expected (ratio %.3f); %d without baseline",
		r.SnapshotsPerSecondMean, r.SnapshotsPerSecondMin, r.Snapshots, r.Expected, r.SnapshotRatio, r.NoBaseline)
	p("rtt", "p50 %s, p99 %s (%d samples)", roundDuration(r.RTTP50), roundDuration(r.RTTP99), r.RTTSamples)
	p("bytes/player/tick", "down %.1f, up %.1f; state %.1f bytes/snapshot",
		r.BytesDownPerPlayerTick, r.BytesUpPerPlayerTick, r.StateBytesPerSnapshot)
	p("notifications", "%s", countsText(r.Notifications))
	p("stat updates", "%d", r.StatUpdates)
	p("connections", "%d reconnects, %d resumed, %d sessions lost", r.Reconnects, r.Resumes, r.SessionsLost)
	p("errors", "%d", r.Errors)
	for _, c := range r.Rooms {
		verdict := "ok"
		if !c.OK() {
			verdict = fmt.Sprintf("MISMATCH: %d conflicting, %d bot pairs out of order", c.Conflicts, c.OutOfOrder)
		}
		p("room "+c.RoomID, "%d bots, %d kills, %d heard by all: %s", c.Bots, c.Kills, c.HeardByAll, verdict)
	}
	if c := r.Replay; c != nil {
		p("replay", "%s", c.text())
	}
	tw.Flush()
	r.writeErrors(w)
}

// text is the replay check in one line.
func (c *ReplayCheck) text() string {
	if c.ID == "" {
		return "FAILED: " + c.Error
	}
	s := fmt.Sprintf("%s, %d bytes in %s (%.1f MB/s), sha256 %s, play %s (%d ticks)",
		c.ID, c.Size, c.Elapsed.Round(time.Millisecond), c.MBPerSecond, okText(c.SHA256OK), okText(c.PlayOK), c.Ticks)
	if c.Error != "" {
		s += ": " + c.Error
	}
	return s
}

func (r *Report) writeErrors(w io.Writer) {
	shown := 0
	for _, b := range r.Bots {
		for _, e := range b.Errors {
			if shown == maxErrorsShown {
				fmt.Fprintf(w, "  ... %d more errors\n", r.Errors-shown)
				return
			}
			fmt.Fprintf(w, "  %s: %s\n", b.Name, e)
			shown++
		}
	}
}

// WriteJSON writes the report as one JSON object, for machines.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// countsText lists counts by name, the largest first: "KILL 12, STREAK 3".
func countsText(counts map[string]int) string {
	if len(counts) == 0 {
		return "none"
	}
	names := slices.SortedFunc(maps.Keys(counts), func(a, b string) int {
		return cmp.Or(cmp.Compare(counts[b], counts[a]), cmp.Compare(a, b))
	})
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s %d", n, counts[n])
	}
	return strings.Join(parts, ", ")
}

// roundDuration keeps three significant digits or so.
func roundDuration(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond)
	}
	return d.Round(time.Microsecond)
}

func okText(ok bool) string {
	if ok {
		return "ok"
	}
	return "FAILED"
}
