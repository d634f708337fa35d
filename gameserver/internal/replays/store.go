// Package replays is the game server's store of match replays: files in a
// directory, listed newest first, and served over a StreamWebSocket
// download endpoint (see Store.Handler and package replay for the stream).
package replays

import (
	"cmp"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/gamesock/gamesock/internal/replay"
	arenav1 "github.com/gamesock/gamesock/proto/arena/v1"
	"google.golang.org/protobuf/proto"
)

// DefaultKeep is how many replays a Store keeps when NewStore is given 0.
const DefaultKeep = 100

// Ext is a replay file's extension in a Store's directory.
const Ext = ".replay"

// ErrNotFound is the cause of an Open of a replay the store does not hold.
var ErrNotFound = errors.New("replay not found")

// validID is what a replay id may be: it is a file name, and a path
// element of the download URL.
var validID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,96}$`)

// ValidID reports whether id can name a replay.
func ValidID(id string) bool { return validID.MatchString(id) }

// Store keeps replay files in a directory, as <dir>/<id>.replay, and the
// newest keep of them. It is safe for concurrent use; files are written and
// deleted outside its lock, and downloads read them without it.
type Store struct {
	dir    string
	keep   int
	logger *slog.Logger

	mu    sync.Mutex
	infos []*arenav1.ReplayInfo // newest first
}

// NewStore opens the store in dir, creating the directory if need be, and
// lists the replays already there, so that a restarted server still offers
// them. Files it cannot read are logged and left alone; temporary files a
// crash left are deleted. keep 0 means DefaultKeep. logger may be nil.
func NewStore(dir string, keep int, logger *slog.Logger) (*Store, error) {
	if keep <= 0 {
		keep = DefaultKeep
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("replay store: %w", err)
	}
	s := &Store{dir: dir, keep: keep, logger: logger}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("replay store: %w", err)
	}
	for _, e := range entries {
		name := e.Name()
		switch {
		case strings.HasPrefix(name, ".") && strings.HasSuffix(name, ".tmp"):
			if err := os.Remove(filepath.Join(dir, name)); err != nil {
				logger.Warn("replay store: removing a leftover temporary file", "file", name, "err", err)
			}
		case strings.HasSuffix(name, Ext) && e.Type().IsRegular():
			info, err := s.load(strings.TrimSuffix(name, Ext))
			if err != nil {
				logger.Warn("replay store: skipping a file", "file", name, "err", err)
				continue
			}
			s.infos = append(s.infos, info)
		}
	}
	slices.SortFunc(s.infos, newestFirst)
	s.trim()
	return s, nil
}

// load reads the file of replay id and describes it.
func (s *Store) load(id string) (*arenav1.ReplayInfo, error) {
	if !ValidID(id) {
		return nil, fmt.Errorf("%q is not a replay id", id)
	}
	data, err := readFile(filepath.Join(s.dir, id+Ext), replay.MaxFileSize)
	if err != nil {
		return nil, err
	}
	return describe(id, data)
}

// readFile reads a file of at most max bytes.
func readFile(name string, max int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s is over %d bytes", name, max)
	}
	return data, nil
}

// describe is the ReplayInfo of replay file data.
func describe(id string, data []byte) (*arenav1.ReplayInfo, error) {
	sum, err := replay.ParseSummary(data)
	if err != nil {
		return nil, err
	}
	h := sha256.Sum256(data)
	return &arenav1.ReplayInfo{
		Id:          id,
		RoomId:      sum.RoomID,
		MatchNumber: sum.Match,
		Size:        uint64(len(data)),
		Sha256:      h[:],
		Ticks:       sum.TickCount,
		EndedUnixMs: sum.Ended.UnixMilli(),
		Players:     sum.Names(),
	}, nil
}

func newestFirst(a, b *arenav1.ReplayInfo) int {
	if c := cmp.Compare(b.EndedUnixMs, a.EndedUnixMs); c != 0 {
		return c
	}
	return strings.Compare(b.Id, a.Id)
}

// Save stores a replay file, as made by replay.Recorder.Finish, and
// returns its description. The file is checked (its header and trailer),
// written to a temporary file and renamed into place, so a crash never
// leaves half a replay. The oldest replays past the store's keep are
// deleted. Its id is made of the room, the match number and the start of
// its SHA-256, so saving the same file twice stores it once.
func (s *Store) Save(data []byte) (*arenav1.ReplayInfo, error) {
	sum, err := replay.ParseSummary(data)
	if err != nil {
		return nil, fmt.Errorf("saving replay: %w", err)
	}
	h := sha256.Sum256(data)
	id := makeID(sum.RoomID, sum.Match, h[:])
	info, err := describe(id, data)
	if err != nil {
		return nil, fmt.Errorf("saving replay: %w", err)
	}
	if err := writeAtomic(s.dir, id+Ext, data); err != nil {
		return nil, fmt.Errorf("saving replay %s: %w", id, err)
	}
	s.mu.Lock()
	s.infos = slices.DeleteFunc(s.infos, func(i *arenav1.ReplayInfo) bool { return i.Id == id })
	s.infos = append(s.infos, info)
	slices.SortFunc(s.infos, newestFirst)
	s.mu.Unlock()
	s.trim()
	return proto.CloneOf(info), nil
}

// ID returns the id Save gives data, the replay of match in room roomID,
// so a game can announce a replay before it is written.
func ID(roomID string, match uint32, data []byte) string {
	h := sha256.Sum256(data)
	return makeID(roomID, match, h[:])
}

// makeID names a replay: room and match for people, the hash for
// uniqueness.
func makeID(room string, match uint32, sum []byte) string {
	clean := strings.Map(func(r rune) rune {
		if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, room)
	if len(clean) > 48 {
		clean = clean[:48]
	}
	if clean == "" {
		clean = "room"
	}
	return clean + "-" + strconv.FormatUint(uint64(match), 10) + "-" + fmt.Sprintf("%x", sum[:8])
}

// writeAtomic writes data to dir/name through a temporary file and a
// rename.
func writeAtomic(dir, name string, data []byte) (err error) {
	f, err := os.CreateTemp(dir, "."+name+"-*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), filepath.Join(dir, name)); err != nil {
		return err
	}
	// The rename lasts once the directory is on disk too.
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// trim deletes the replays past the newest keep.
func (s *Store) trim() {
	s.mu.Lock()
	var old []*arenav1.ReplayInfo
	if len(s.infos) > s.keep {
		old = slices.Clone(s.infos[s.keep:])
		s.infos = slices.Delete(s.infos, s.keep, len(s.infos))
	}
	s.mu.Unlock()
	for _, info := range old {
		// A download in progress keeps reading its open file.
		if err := os.Remove(filepath.Join(s.dir, info.Id+Ext)); err != nil && !errors.Is(err, os.ErrNotExist) {
			s.logger.Warn("replay store: deleting an old replay", "id", info.Id, "err", err)
		}
	}
}

// List returns the stored replays, newest first. The caller may keep and
// change them.
func (s *Store) List() []*arenav1.ReplayInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*arenav1.ReplayInfo, len(s.infos))
	for i, info := range s.infos {
		out[i] = proto.CloneOf(info)
	}
	return out
}

// Open opens replay id for reading, and returns its description. The
// error wraps ErrNotFound if the store does not hold it. The caller closes
// the file.
func (s *Store) Open(id string) (*os.File, *arenav1.ReplayInfo, error) {
	s.mu.Lock()
	i := slices.IndexFunc(s.infos, func(i *arenav1.ReplayInfo) bool { return i.Id == id })
	var info *arenav1.ReplayInfo
	if i >= 0 {
		info = proto.CloneOf(s.infos[i])
	}
	s.mu.Unlock()
	if info == nil || !ValidID(id) {
		return nil, nil, fmt.Errorf("replay %s: %w", id, ErrNotFound)
	}
	f, err := os.Open(filepath.Join(s.dir, id+Ext))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, fmt.Errorf("replay %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("replay %s: %w", id, err)
	}
	return f, info, nil
}
