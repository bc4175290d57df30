package expr

import "github.com/nlsh/nlsh/core/codec"

// Synproxy is the "synproxy" expression: answer a TCP SYN with a SYN
// cookie and open the connection to the server only once the client
// completes the handshake, with the TCP options Flags names ("synproxy
// mss 1460 wscale 7 timestamp sack-perm").
type Synproxy struct {
	// maximum segment size announced (with SynproxyMSS)
	MSS uint16 `json:"mss,omitempty"`
	// window scale announced (with SynproxyWscale)
	Wscale uint8 `json:"wscale,omitempty"`
	// the TCP options announced: SynproxyMSS, SynproxyWscale,
	// SynproxySackPerm, SynproxyTimestamp (NF_SYNPROXY_OPT_*)
	Flags uint32 `json:"flags,omitempty"`

	has presence
}

// NFTA_SYNPROXY_* attributes and NF_SYNPROXY_OPT_* flags. The kernel
// refuses SynproxyECN in an nftables synproxy.
const (
	attrSynproxyMSS    = 1
	attrSynproxyWscale = 2
	attrSynproxyFlags  = 3

	SynproxyMSS       uint32 = 0x01
	SynproxyWscale    uint32 = 0x02
	SynproxySackPerm  uint32 = 0x04
	SynproxyTimestamp uint32 = 0x08
	SynproxyECN       uint32 = 0x10
)

// Kind returns "synproxy".
func (x *Synproxy) Kind() string { return "synproxy" }

// fields are in the order nft sends them. nft sends all three, zeros
// too, and the kernel dumps all three; a decoded expression keeps what
// it came with.
func (x *Synproxy) fields() []field {
	built := x.has.n == 0
	return []field{
		{attrSynproxyMSS, fBe16, &x.MSS, built || x.has.has(attrSynproxyMSS)},
		{attrSynproxyWscale, fU8, &x.Wscale, built || x.has.has(attrSynproxyWscale)},
		{attrSynproxyFlags, fBe32, &x.Flags, built || x.has.has(attrSynproxyFlags)},
	}
}

// Encode writes the expression's attributes.
func (x *Synproxy) Encode(e *codec.Encoder) { encodeFields(e, x.has, x.fields()) }

// Decode reads the expression's attributes.
func (x *Synproxy) Decode(d *codec.Decoder) error { return decodeFields(d, &x.has, x.fields()) }
