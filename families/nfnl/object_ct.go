package nfnl

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/families/nfnl/ruletext"
)

// Attributes of the conntrack and secmark objects' state.
const (
	attrCtHelperName    = 1 // NFTA_CT_HELPER_NAME
	attrCtHelperL3Proto = 2 // NFTA_CT_HELPER_L3PROTO (be16 NFPROTO_*)
	attrCtHelperL4Proto = 3 // NFTA_CT_HELPER_L4PROTO

	attrCtExpectL3Proto = 1 // NFTA_CT_EXPECT_L3PROTO (be16 NFPROTO_*)
	attrCtExpectL4Proto = 2 // NFTA_CT_EXPECT_L4PROTO
	attrCtExpectDPort   = 3 // NFTA_CT_EXPECT_DPORT
	attrCtExpectTimeout = 4 // NFTA_CT_EXPECT_TIMEOUT (milliseconds)
	attrCtExpectSize    = 5 // NFTA_CT_EXPECT_SIZE

	attrSecmarkCtx = 1 // NFTA_SECMARK_CTX
)

// ctHelperNameMax is the kernel's limit on a helper's name
// (NF_CT_HELPER_NAME_LEN, with its NUL).
const ctHelperNameMax = 15

// l4proto is the number of protocol name p ("tcp", "udp", or a number).
func l4proto(types *ruletext.Types, p string) (uint8, error) {
	b, err := types.ByName("inet_proto").Parse(p)
	if err != nil || len(b) != 1 {
		return 0, fmt.Errorf("protocol %q: not a protocol name or number", p)
	}
	return b[0], nil
}

// l3proto is the NFPROTO_* number of family name f, the table's family
// when f is empty.
func l3proto(f, table string) (uint16, error) {
	if f == "" {
		f = table
	}
	switch f {
	case "ip", "ip6", "inet":
		n, _ := familyNum(f)
		return uint16(n), nil
	}
	return 0, fmt.Errorf("l3proto %q: want ip, ip6 or inet", f)
}

func (h *CtHelper) encode(e *codec.Encoder, family string, types *ruletext.Types) error {
	if h.Type == "" || len(h.Type) > ctHelperNameMax {
		return fmt.Errorf("ct helper type %q: want a helper's name of 1 to %d bytes", h.Type, ctHelperNameMax)
	}
	l4, err := l4proto(types, h.Protocol)
	if err != nil {
		return fmt.Errorf("ct helper: %w", err)
	}
	l3, err := l3proto(h.L3Proto, family)
	if err != nil {
		return fmt.Errorf("ct helper: %w", err)
	}
	e.String(attrCtHelperName, h.Type)
	e.Be16(attrCtHelperL3Proto, l3)
	e.Uint8(attrCtHelperL4Proto, l4)
	return nil
}

func decodeCtHelper(b []byte, types *ruletext.Types) (*CtHelper, error) {
	h := &CtHelper{}
	d := codec.NewDecoder(b)
	for d.Next() {
		switch d.Type() {
		case attrCtHelperName:
			h.Type = d.String()
		case attrCtHelperL3Proto:
			h.L3Proto = l3protoName(d.Be16())
		case attrCtHelperL4Proto:
			h.Protocol = types.ByName("inet_proto").Format([]byte{d.Uint8()})
		}
	}
	return h, d.Err()
}

// l3protoName names NFPROTO_* number n.
func l3protoName(n uint16) string {
	if n > 255 {
		return strconv.Itoa(int(n))
	}
	return familyName(uint8(n))
}

func (x *CtExpectation) encode(e *codec.Encoder, family string, types *ruletext.Types) error {
	l4, err := l4proto(types, x.Protocol)
	if err != nil {
		return fmt.Errorf("ct expectation: %w", err)
	}
	l3, err := l3proto(x.L3Proto, family)
	if err != nil {
		return fmt.Errorf("ct expectation: %w", err)
	}
	e.Be16(attrCtExpectL3Proto, l3)
	e.Uint8(attrCtExpectL4Proto, l4)
	e.Be16(attrCtExpectDPort, x.DPort)
	e.Uint32(attrCtExpectTimeout, x.TimeoutMS)
	e.Uint8(attrCtExpectSize, x.Size)
	return nil
}

func decodeCtExpectation(b []byte, types *ruletext.Types) (*CtExpectation, error) {
	x := &CtExpectation{}
	d := codec.NewDecoder(b)
	for d.Next() {
		switch d.Type() {
		case attrCtExpectL3Proto:
			x.L3Proto = l3protoName(d.Be16())
		case attrCtExpectL4Proto:
			x.Protocol = types.ByName("inet_proto").Format([]byte{d.Uint8()})
		case attrCtExpectDPort:
			x.DPort = d.Be16()
		case attrCtExpectTimeout:
			x.TimeoutMS = d.Uint32()
		case attrCtExpectSize:
			x.Size = d.Uint8()
		}
	}
	return x, d.Err()
}

func decodeSecmark(b []byte) (*Secmark, error) {
	s := &Secmark{}
	d := codec.NewDecoder(b)
	for d.Next() {
		if d.Type() == attrSecmarkCtx {
			s.Context = d.String()
		}
	}
	return s, d.Err()
}

// CtTimeout is a conntrack timeout policy object (nft's `ct timeout
// NAME { protocol tcp; l3proto ip; policy = { established : 100 }; }`),
// which rules assign with `ct timeout set "NAME"`.
type CtTimeout struct {
	// Protocol is "tcp" or "udp", the protocols nft makes policies for.
	Protocol string `json:"protocol"`
	L3Proto  string `json:"l3proto,omitempty"`
	// Policy is the timeout, in seconds, of connection states by name
	// (ctTimeoutStates): a policy made gives some, those left out take
	// the kernel's defaults; one listed gives every state.
	Policy map[string]uint32 `json:"policy"`
}

// Attributes of a ct timeout object's state.
const (
	attrCtTimeoutL3Proto = 1 // NFTA_CT_TIMEOUT_L3PROTO (be16 NFPROTO_*)
	attrCtTimeoutL4Proto = 2 // NFTA_CT_TIMEOUT_L4PROTO
	attrCtTimeoutData    = 3 // NFTA_CT_TIMEOUT_DATA: CTA_TIMEOUT_<proto>_<state> (be32 seconds)
)

// ctState is a connection state of a protocol's timeout policy, with
// the timeout nft takes for its default (nft lists only the others).
type ctState struct {
	name string
	def  uint32
}

// ctTimeoutProto is a protocol nft makes timeout policies for: its
// number and its states, in the order of their attributes
// (CTA_TIMEOUT_TCP_SYN_SENT = 1, ...), named as nft names them.
type ctTimeoutProto struct {
	num    uint8
	states []ctState
}

var ctTimeoutProtos = map[string]ctTimeoutProto{
	"tcp": {6, []ctState{{"syn_sent", 120}, {"syn_recv", 60}, {"established", 432000}, {"fin_wait", 120}, {"close_wait", 60},
		{"last_ack", 30}, {"time_wait", 120}, {"close", 10}, {"syn_sent2", 120}, {"retrans", 300}, {"unacknowledged", 300}}},
	"udp": {17, []ctState{{"unreplied", 30}, {"replied", 120}}},
}

func (x *CtTimeout) encode(e *codec.Encoder, family string) error {
	p, ok := ctTimeoutProtos[x.Protocol]
	if !ok {
		return fmt.Errorf("ct timeout: protocol %q: want tcp or udp", x.Protocol)
	}
	l3, err := l3proto(x.L3Proto, family)
	if err != nil {
		return fmt.Errorf("ct timeout: %w", err)
	}
	for name := range x.Policy {
		if !slices.ContainsFunc(p.states, func(s ctState) bool { return s.name == name }) {
			names := make([]string, len(p.states))
			for i, s := range p.states {
				names[i] = s.name
			}
			return fmt.Errorf("ct timeout: no state %q in a %s policy (want %s)", name, x.Protocol, strings.Join(names, ", "))
		}
	}
	e.Be16(attrCtTimeoutL3Proto, l3)
	e.Uint8(attrCtTimeoutL4Proto, p.num)
	e.Begin(attrCtTimeoutData)
	for i, s := range p.states {
		if v, ok := x.Policy[s.name]; ok {
			e.Be32(uint16(i+1), v)
		}
	}
	e.End()
	return nil
}

// decodeCtTimeout decodes a ct timeout object's state; nil (and no
// error) for a protocol nft makes no policies for, or a state nlsh has
// no name for: such an object is kept as the kernel's bytes instead.
func decodeCtTimeout(b []byte) (*CtTimeout, error) {
	x := &CtTimeout{Policy: map[string]uint32{}}
	var (
		l4   uint8
		data []byte
	)
	d := codec.NewDecoder(b)
	for d.Next() {
		switch d.Type() {
		case attrCtTimeoutL3Proto:
			x.L3Proto = l3protoName(d.Be16())
		case attrCtTimeoutL4Proto:
			l4 = d.Uint8()
		case attrCtTimeoutData:
			data = d.Bytes()
		}
	}
	if err := d.Err(); err != nil {
		return nil, err
	}
	var states []ctState
	for name, p := range ctTimeoutProtos {
		if p.num == l4 {
			x.Protocol, states = name, p.states
		}
	}
	if states == nil {
		return nil, nil
	}
	d = codec.NewDecoder(data)
	for d.Next() {
		i := int(d.Type())
		if i < 1 || i > len(states) {
			return nil, nil
		}
		x.Policy[states[i-1].name] = d.Be32()
	}
	return x, d.Err()
}

// policyText is the policy as nft lists it: the states whose timeouts
// are not nft's defaults, in their order.
func (x *CtTimeout) policyText() string {
	var parts []string
	for _, s := range ctTimeoutProtos[x.Protocol].states {
		if v, ok := x.Policy[s.name]; ok && v != s.def {
			parts = append(parts, fmt.Sprintf("%s : %d", s.name, v))
		}
	}
	return "{ " + strings.Join(parts, ", ") + " }"
}
