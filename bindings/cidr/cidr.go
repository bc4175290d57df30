// Package cidr is the Lua module `cidr`: address and prefix arithmetic for
// IPv4 and IPv6, so scripts compute addresses instead of hard-coding them.
//
//	cidr.host("10.0.0.0/24", 2)       --> "10.0.0.2"
//	cidr.subnet("10.0.0.0/16", 8, 3)  --> "10.0.3.0/24"
package cidr

import (
	"math/big"
	"net/netip"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
)

// Module returns the module for the runtime's registry.
func Module() bindings.Module {
	return bindings.Module{Name: "cidr", Open: open, Doc: doc}
}

func open(L *lua.LState, _ *bindings.Env) lua.LValue {
	return bindings.SetFuncs(L, map[string]lua.LGFunction{
		"host":      host,
		"contains":  contains,
		"network":   network,
		"broadcast": broadcast,
		"prefixlen": func(L *lua.LState) int { L.Push(lua.LNumber(prefixArg(L, 1, "cidr.prefixlen").Bits())); return 1 },
		"addr":      func(L *lua.LState) int { L.Push(lua.LString(prefixArg(L, 1, "cidr.addr").Addr().String())); return 1 },
		"subnet":    subnet,
		"netmask":   netmask,
		"family": func(L *lua.LState) int {
			if prefixOrAddrArg(L, 1, "cidr.family").Addr().Is4() {
				L.Push(lua.LNumber(4))
			} else {
				L.Push(lua.LNumber(6))
			}
			return 1
		},
		"size": func(L *lua.LState) int {
			p := prefixArg(L, 1, "cidr.size")
			n := new(big.Int).Lsh(big.NewInt(1), uint(p.Addr().BitLen()-p.Bits()))
			f, _ := new(big.Float).SetInt(n).Float64()
			L.Push(lua.LNumber(f))
			return 1
		},
	})
}

func prefixArg(L *lua.LState, n int, fn string) netip.Prefix {
	s := bindings.StringArg(L, n, fn)
	p, err := bindings.ParsePrefix(s)
	if err != nil {
		bindings.ArgError(L, fn, "argument #%d: %v", n, err)
	}
	return p
}

// prefixOrAddrArg accepts "10.0.0.1" (as a /32 or /128) or "10.0.0.0/24".
func prefixOrAddrArg(L *lua.LState, n int, fn string) netip.Prefix {
	s := bindings.StringArg(L, n, fn)
	if a, err := netip.ParseAddr(s); err == nil {
		return netip.PrefixFrom(a, a.BitLen())
	}
	p, err := bindings.ParsePrefix(s)
	if err != nil {
		bindings.ArgError(L, fn, "argument #%d: %v", n, err)
	}
	return p
}

func toInt(a netip.Addr) *big.Int { return new(big.Int).SetBytes(a.AsSlice()) }

func fromInt(i *big.Int, is4 bool) netip.Addr {
	size := 16
	if is4 {
		size = 4
	}
	b := i.FillBytes(make([]byte, size))
	a, _ := netip.AddrFromSlice(b)
	return a
}

func last(p netip.Prefix) *big.Int {
	host := uint(p.Addr().BitLen() - p.Bits())
	n := toInt(p.Masked().Addr())
	ones := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), host), big.NewInt(1))
	return n.Or(n, ones)
}

// host is cidr.host(prefix, n): the n-th address of the prefix; negative n
// counts from the end (-1 is the last address).
func host(L *lua.LState) int {
	p := prefixArg(L, 1, "cidr.host")
	n := bindings.IntArg(L, 2, "cidr.host", -(1 << 53), 1<<53)
	var v *big.Int
	if n >= 0 {
		v = new(big.Int).Add(toInt(p.Masked().Addr()), big.NewInt(n))
	} else {
		v = new(big.Int).Add(last(p), big.NewInt(n+1))
	}
	if v.Cmp(toInt(p.Masked().Addr())) < 0 || v.Cmp(last(p)) > 0 {
		bindings.ArgError(L, "cidr.host", "host number %d is outside %s", n, p.Masked())
	}
	L.Push(lua.LString(fromInt(v, p.Addr().Is4()).String()))
	return 1
}

func contains(L *lua.LState) int {
	p := prefixArg(L, 1, "cidr.contains").Masked()
	q := prefixOrAddrArg(L, 2, "cidr.contains")
	L.Push(lua.LBool(p.Addr().Is4() == q.Addr().Is4() && q.Bits() >= p.Bits() && p.Contains(q.Addr())))
	return 1
}

func network(L *lua.LState) int {
	L.Push(lua.LString(prefixArg(L, 1, "cidr.network").Masked().String()))
	return 1
}

func broadcast(L *lua.LState) int {
	p := prefixArg(L, 1, "cidr.broadcast")
	L.Push(lua.LString(fromInt(last(p), p.Addr().Is4()).String()))
	return 1
}

func netmask(L *lua.LState) int {
	p := prefixArg(L, 1, "cidr.netmask")
	bits := p.Addr().BitLen()
	m := new(big.Int).Lsh(new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), uint(p.Bits())), big.NewInt(1)), uint(bits-p.Bits()))
	L.Push(lua.LString(fromInt(m, p.Addr().Is4()).String()))
	return 1
}

// subnet is cidr.subnet(prefix, newbits, num): the num-th subnet of the
// prefix lengthened by newbits.
func subnet(L *lua.LState) int {
	p := prefixArg(L, 1, "cidr.subnet").Masked()
	room := p.Addr().BitLen() - p.Bits()
	newbits := int(bindings.IntArg(L, 2, "cidr.subnet", 0, int64(room)))
	num := bindings.IntArg(L, 3, "cidr.subnet", 0, 1<<53)
	if newbits < 63 && num >= int64(1)<<newbits {
		bindings.ArgError(L, "cidr.subnet", "subnet number %d does not fit in %d bits", num, newbits)
	}
	off := new(big.Int).Lsh(big.NewInt(num), uint(room-newbits))
	a := fromInt(new(big.Int).Add(toInt(p.Addr()), off), p.Addr().Is4())
	L.Push(lua.LString(netip.PrefixFrom(a, p.Bits()+newbits).String()))
	return 1
}
