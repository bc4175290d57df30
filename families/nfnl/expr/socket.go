package expr

import "github.com/nlsh/nlsh/core/codec"

// Socket is the "socket" expression: load a property of the socket the
// packet belongs to (a SocketKey) into a register: "socket transparent
// 1", "socket mark 0x00000001", "socket wildcard 0".
type Socket struct {
	// which property (SocketTransparent, SocketMark, ...)
	Key uint32 `json:"key"`
	// register loaded
	DestRegister uint32 `json:"dest_register,omitempty"`
	// the cgroup v2 ancestor level (SocketCgroupv2); nft sends 0 for the
	// other keys
	Level uint32 `json:"level,omitempty"`

	has presence
}

// NFTA_SOCKET_* attributes and enum nft_socket_keys.
const (
	attrSocketKey   = 1
	attrSocketDreg  = 2
	attrSocketLevel = 3

	SocketTransparent uint32 = 0
	SocketMark        uint32 = 1
	SocketWildcard    uint32 = 2
	SocketCgroupv2    uint32 = 3
)

// Kind returns "socket".
func (x *Socket) Kind() string { return "socket" }

// fields are in the order nft sends them; nft sends the level, 0 too,
// the kernel dumps it for SocketCgroupv2 only: a decoded expression
// keeps what it came with.
func (x *Socket) fields() []field {
	level := x.has.n == 0 || x.has.has(attrSocketLevel)
	return []field{
		{attrSocketKey, fBe32, &x.Key, true},
		{attrSocketDreg, fBe32, &x.DestRegister, true},
		{attrSocketLevel, fBe32, &x.Level, level},
	}
}

// Encode writes the expression's attributes.
func (x *Socket) Encode(e *codec.Encoder) { encodeFields(e, x.has, x.fields()) }

// Decode reads the expression's attributes.
func (x *Socket) Decode(d *codec.Decoder) error { return decodeFields(d, &x.has, x.fields()) }
