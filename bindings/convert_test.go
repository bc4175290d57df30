package bindings

import (
	"encoding/json"
	"errors"
	"math"
	"net"
	"net/netip"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/families/rtnl"
)

// benchRoute is a route as a dump of the main table returns it.
func benchRoute() *rtnl.Route {
	return &rtnl.Route{
		Family: "inet", Type: "unicast", Dst: netip.MustParsePrefix("10.0.1.2/32"),
		Dev: "bench0", Ifindex: 2, Table: 254, TableName: "main",
		Protocol: "boot", Scope: "link",
	}
}

// benchLink is a veth as a link dump returns it.
func benchLink() *rtnl.Link {
	id := int32(0)
	return &rtnl.Link{
		Index: 7, Name: "veth123", Flags: 0x1003, MTU: 1500, Qdisc: "noqueue",
		Parent: 8, OperState: 6, Group: 0, TxQLen: 1000, Type: 1,
		Address:   rtnl.HWAddr{0x02, 0, 0, 0, 0, 1},
		Broadcast: rtnl.HWAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
		Promisc:   0, MinMTU: 68, MaxMTU: 65535, NumTxQ: 2, NumRxQ: 2, Carrier: true,
		NetNSID: &id,
		Info:    &rtnl.LinkInfo{Kind: "veth"},
		Stats64: &rtnl.LinkStats64{},
	}
}

type textErr struct{ X int }

func (textErr) MarshalText() ([]byte, error) { return nil, errors.New("no") }

type strStruct struct{}

func (strStruct) String() string { return "str" }

type strFields struct{ A int }

func (strFields) String() string { return "never" }

type inner struct {
	In  string `json:"in"`
	Num int
}

type outer struct {
	inner
	*Embedded
	Ptr        *inner            `json:"ptr,omitempty"`
	Skip       int               `json:"-"`
	Dash       int               `json:"-,"`
	Empty      string            `json:"empty,omitempty"`
	List       []int             `json:"list,omitempty"`
	Map        map[string]uint64 `json:"map"`
	Any        []any             `json:"any"`
	Bytes      []byte            `json:"bytes"`
	Arr        [3]uint8          `json:"arr"`
	Big        uint64            `json:"big"`
	Neg        int64             `json:"neg"`
	F          float32           `json:"f"`
	Addr       netip.Addr        `json:"addr"`
	Pfx        netip.Prefix      `json:"pfx"`
	MAC        net.HardwareAddr  `json:"mac"`
	IP         net.IP            `json:"ip"`
	TE         textErr           `json:"te"`
	SS         strStruct         `json:"ss"`
	SF         strFields         `json:"sf"`
	PAddr      *netip.Addr       `json:"paddr"`
	Iface      any               `json:"iface"`
	Self       *outer            `json:"self,omitempty"`
	unexported int
}

// Embedded is flattened when set.
type Embedded struct {
	E bool `json:"e"`
}

func samples() []any {
	a := netip.MustParseAddr("fe80::1")
	o := &outer{
		inner: inner{In: "x", Num: 3}, Ptr: &inner{In: "p"}, Dash: 4,
		Map: map[string]uint64{"a": 1, "huge": math.MaxUint64}, Any: []any{1, "s", nil, lua.LString("l"), true},
		Bytes: []byte("ab"), Arr: [3]uint8{1, 2, 3}, Big: 1 << 60, Neg: -5, F: 1.5,
		Addr: netip.MustParseAddr("10.0.0.1"), Pfx: netip.MustParsePrefix("10.0.0.0/8"),
		MAC: net.HardwareAddr{1, 2, 3, 4, 5, 6}, IP: net.IPv4(1, 2, 3, 4), PAddr: &a, Iface: inner{In: "i"},
		unexported: 1,
	}
	o.Self = &outer{Embedded: &Embedded{E: true}, Self: o}
	return []any{
		nil, 1, -1, 300, int64(math.MaxInt64), uint8(7), 2.5, "s", true, []byte(nil), []int(nil), []int{},
		map[string]int(nil), map[int]string{1: "a", 2: "b"}, o, *o, []outer{*o}, benchRoute(), *benchRoute(),
		benchLink(), lua.LNumber(3), &textErr{}, strStruct{}, strFields{A: 1},
		&rtnl.Route{Family: "inet6", Dst: netip.MustParsePrefix("::/0"), Gateway: a,
			Metrics: map[string]uint32{"mtu": 1400}, Flags: []string{"onlink"},
			Nexthops: []rtnl.Nexthop{{Gateway: netip.MustParseAddr("fe80::2"), Dev: "eth0", Weight: 1}}},
	}
}

// luaEqual compares two converted values; with dropEmpty, fields whose
// value is "" count as absent (the reference kept zero omitzero fields as
// "", which every caller dropped).
func luaEqual(a, b lua.LValue, dropEmpty bool, depth int) bool {
	ta, ok1 := a.(*lua.LTable)
	tb, ok2 := b.(*lua.LTable)
	if !ok1 || !ok2 {
		return a == b
	}
	if depth > 4 {
		return true
	}
	count := func(t *lua.LTable) int {
		n := 0
		t.ForEach(func(_, v lua.LValue) {
			if !(dropEmpty && v == lua.LString("")) {
				n++
			}
		})
		return n
	}
	if count(ta) != count(tb) {
		return false
	}
	eq := true
	ta.ForEach(func(k, v lua.LValue) {
		if dropEmpty && v == lua.LString("") {
			return
		}
		if !luaEqual(v, tb.RawGet(k), dropEmpty, depth+1) {
			eq = false
		}
	})
	return eq
}

func TestToLuaMatchesReference(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	for i, v := range samples() {
		want, got := refToLua(L, v), ToLua(L, v)
		if !luaEqual(want, got, true, 0) {
			t.Errorf("sample %d (%T): ToLua = %s, reference %s", i, v, fmtLua(got), fmtLua(want))
		}
	}
}

func TestToLuaOmitZero(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	tb := ToLua(L, benchRoute()).(*lua.LTable)
	for _, k := range []string{"gateway", "via", "prefsrc", "from"} {
		if v := tb.RawGetString(k); v != lua.LNil {
			t.Errorf("%s = %v, want absent (omitzero)", k, v)
		}
	}
	if v := tb.RawGetString("dst"); v != lua.LString("10.0.1.2/32") {
		t.Errorf("dst = %v", v)
	}
}

func BenchmarkToLuaRoute(b *testing.B) {
	for _, impl := range []struct {
		name string
		fn   func(*lua.LState, any) lua.LValue
	}{{"reflect", refToLua}, {"plan", ToLua}} {
		b.Run(impl.name, func(b *testing.B) {
			L := lua.NewState()
			defer L.Close()
			r := benchRoute()
			b.ReportAllocs()
			for b.Loop() {
				impl.fn(L, r)
			}
		})
	}
}

func BenchmarkToLuaLink(b *testing.B) {
	for _, impl := range []struct {
		name string
		fn   func(*lua.LState, any) lua.LValue
	}{{"reflect", refToLua}, {"plan", ToLua}} {
		b.Run(impl.name, func(b *testing.B) {
			L := lua.NewState()
			defer L.Close()
			l := benchLink()
			b.ReportAllocs()
			for b.Loop() {
				impl.fn(L, l)
			}
		})
	}
}

func fmtLua(v lua.LValue) string {
	b, _ := json.Marshal(FromLua(v))
	return string(b)
}
