// Package replay records arena matches, reads them back, re-simulates them
// and downloads them from a game server.
//
// A match is deterministic (see package arena), so a replay is what the
// match started from (its Config and seed) and, for every tick, who joined
// or left before the step and the inputs the step was given. Playing it runs
// arena.New and World.Step again and checks the world's Hash against the
// hashes recorded along the way, so a replay made by a different build of
// the rules is caught, with the tick it went wrong by.
//
// The game server records with a Recorder and saves what Finish returns;
// a client fetches the file with Download, reads it with Parse and watches
// it with Play.
//
// # File format
//
// All integers are big-endian when fixed-size; "uvarint" and "varint" are
// encoding/binary's variable-length forms. A file is:
//
//	magic     8 bytes  "GSREPLAY"
//	version   uint16   1
//	header    uvarint length, then:
//	            room id      uvarint length (at most MaxRoomIDLen), bytes
//	            match        uvarint
//	            seed         uint64
//	            started      varint, Unix nanoseconds
//	            hash every   uvarint: the ticks between recorded hashes (>= 1)
//	            config       uvarint length (at most MaxConfigLen), the
//	                         arena.Config as JSON: fields added to Config
//	                         later read as their zero value from older files,
//	                         fields a reader does not know are ignored
//	            roster       uvarint count (at most MaxRoster), then per
//	                         ship: id byte, flags byte (1: bot), name
//	                         (uvarint length, at most MaxNameLen, bytes)
//	ticks     uvarint length, then the tick stream compressed with DEFLATE
//	          (RFC 1951, compress/flate)
//	trailer   uvarint length, then:
//	            ticks        uvarint: steps recorded
//	            stream size  uvarint: the tick stream's size uncompressed
//	            stream crc   uint32: its CRC-32 (IEEE)
//	            ended        varint, Unix nanoseconds
//	            hashes       uint64 each: World.Hash after tick k*hashEvery
//	                         for k = 1, 2, ... up to the last tick (their
//	                         count follows from ticks and hash every)
//	            final hash   uint64: World.Hash after the last tick
//
// and nothing after it. Ticks count from 1: tick k is the k-th Step (the
// World's Tick is k after it, until the match is Over and Step stops).
//
// The tick stream is a sequence of records, each starting with a flags byte:
//
//	0x08 repeat    uvarint n >= 1: n ticks with no joins or leaves and the
//	               same inputs as the tick before (alone; no other flag)
//	0x01 changes   uvarint count, then per change: kind byte (0 join,
//	               1 join as bot, 2 leave), ship id byte, and for a join the
//	               name (uvarint length, bytes); applied in order before the
//	               step
//	0x02 full      uvarint count, then per input: player byte, buttons byte
//	0x04 delta     the same players in the same order as the tick before:
//	               uvarint count, then per changed input: uvarint index into
//	               the previous list, buttons byte
//
// A record with neither full nor delta repeats the previous tick's inputs.
// Inputs are kept exactly as World.Step was given them, order and
// duplicates included, since Step's result may depend on both. Runs of
// unchanged ticks cost two bytes before compression, so a match's size
// follows how often its players change what they press.
//
// # Download stream
//
// The server's download endpoint answers a WebSocket upgrade of
// GET {path}/{id}?offset=N, with the token as "Authorization: Bearer T" or
// ?token=T, and then sends a StreamWebSocket stream of:
//
//	magic     6 bytes  "GSRPDL"
//	version   uint16   1
//	size      uint64   the whole file's size
//	offset    uint64   where the bytes that follow start (the N asked for)
//	data      the file from offset to its end
//
// and closes with 1000. Refusals happen at the upgrade, as HTTP statuses:
// 400 for a malformed id or offset, 401 for a missing or bad token, 404 for
// an unknown replay, 416 for an offset past the end (offset == size is
// fine: the stream is the header alone).
package replay
