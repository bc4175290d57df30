package expr

import "github.com/nlsh/nlsh/core/codec"

// Log is the "log" expression: log the packet.
type Log struct {
	// prefix of the log line
	Prefix string `json:"prefix,omitempty"`
	// nflog group (nflog form)
	Group uint16 `json:"group,omitempty"`
	// bytes copied to nflog
	Snaplen uint32 `json:"snaplen,omitempty"`
	// nflog queue threshold
	QThreshold uint16 `json:"q_threshold,omitempty"`
	// syslog level (4 warn, 6 info, ...)
	Level uint32 `json:"level,omitempty"`
	// NF_LOG_* flags
	Flags uint32 `json:"flags,omitempty"`

	has presence
}

// NFTA_LOG_* attributes.
const (
	attrLogPrefix     = 2
	attrLogGroup      = 1
	attrLogSnaplen    = 3
	attrLogQthreshold = 4
	attrLogLevel      = 5
	attrLogFlags      = 6
)

// NF_LOG_* flags of the kernel log (not nflog), as "log flags ..." sets
// them.
const (
	LogTCPSeq    uint32 = 0x01
	LogTCPOpt    uint32 = 0x02
	LogIPOpt     uint32 = 0x04
	LogUID       uint32 = 0x08
	LogMACDecode uint32 = 0x20
	// LogFlagsAll is NF_LOG_MASK, every flag the kernel takes.
	LogFlagsAll uint32 = 0x2f
)

// Kind returns "log".
func (x *Log) Kind() string { return "log" }

func (x *Log) fields() []field {
	return []field{
		{attrLogPrefix, fString, &x.Prefix, false},
		{attrLogGroup, fBe16, &x.Group, false},
		{attrLogSnaplen, fBe32, &x.Snaplen, false},
		{attrLogQthreshold, fBe16, &x.QThreshold, false},
		{attrLogLevel, fBe32, &x.Level, false},
		{attrLogFlags, fBe32, &x.Flags, false},
	}
}

// Encode writes the expression's attributes.
func (x *Log) Encode(e *codec.Encoder) { encodeFields(e, x.has, x.fields()) }

// Decode reads the expression's attributes.
func (x *Log) Decode(d *codec.Decoder) error { return decodeFields(d, &x.has, x.fields()) }

// GroupSet reports whether the expression logs to an nflog group (group
// 0 included) instead of the kernel log.
func (x *Log) GroupSet() bool { return x.Group != 0 || x.has.has(attrLogGroup) }

// LevelSet reports whether the expression carries a level (the kernel
// treats an absent one as 4, warn).
func (x *Log) LevelSet() bool { return x.Level != 0 || x.has.has(attrLogLevel) }

// SetPrefix gives the expression a prefix, the empty one included (the
// kernel then lists it, and nft prints `prefix ""`).
func (x *Log) SetPrefix(p string) {
	x.Prefix = p
	x.has.add(attrLogPrefix)
}

// PrefixSet reports whether the expression carries a prefix.
func (x *Log) PrefixSet() bool { return x.Prefix != "" || x.has.has(attrLogPrefix) }

// SetGroup makes the expression log to nflog group g, 0 included.
func (x *Log) SetGroup(g uint16) {
	x.Group = g
	x.has.add(attrLogGroup)
}

// SetSnaplen gives an nflog expression a snaplen, 0 included (the kernel
// then lists it).
func (x *Log) SetSnaplen(n uint32) {
	x.Snaplen = n
	x.has.add(attrLogSnaplen)
}

// SnaplenSet reports whether the expression carries a snaplen.
func (x *Log) SnaplenSet() bool { return x.Snaplen != 0 || x.has.has(attrLogSnaplen) }

// SetLevel gives the expression a syslog level, 0 (emerg) included: an
// absent level is 4 (warn) to the kernel.
func (x *Log) SetLevel(l uint32) {
	x.Level = l
	x.has.add(attrLogLevel)
}
