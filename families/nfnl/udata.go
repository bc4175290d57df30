package nfnl

import (
	"encoding/binary"
	"slices"
)

// nft keeps metadata it needs for printing in the objects' user data as
// type-length-value records of one byte type, one byte length (libnftnl's
// udata). nlsh writes the same records so `nft list` prints objects made
// by nlsh as it prints its own.
const (
	udataComment = 0 // table, chain and rule comment

	udataSetKeyByteOrder  = 0
	udataSetDataByteOrder = 1
	udataSetMergeElements = 2
	udataSetComment       = 7
)

type udata []byte

func (u udata) put(typ uint8, v []byte) udata {
	if len(v) > 255 {
		v = v[:255]
	}
	u = append(u, typ, byte(len(v)))
	return append(u, v...)
}

func (u udata) putString(typ uint8, s string) udata {
	return u.put(typ, append([]byte(s), 0))
}

func (u udata) putU32(typ uint8, v uint32) udata {
	var b [4]byte
	binary.NativeEndian.PutUint32(b[:], v)
	return u.put(typ, b[:])
}

// get returns the value of the first record of typ.
func (u udata) get(typ uint8) ([]byte, bool) {
	for len(u) >= 2 {
		t, n := u[0], int(u[1])
		if 2+n > len(u) {
			return nil, false
		}
		if t == typ {
			return u[2 : 2+n], true
		}
		u = u[2+n:]
	}
	return nil, false
}

func (u udata) getString(typ uint8) string {
	v, ok := u.get(typ)
	if !ok {
		return ""
	}
	for i, c := range v {
		if c == 0 {
			return string(v[:i])
		}
	}
	return string(v)
}

// others returns the records whose types are not among known, in
// order, as they came.
func (u udata) others(known ...uint8) udata {
	var out udata
	for len(u) >= 2 {
		t, n := u[0], int(u[1])
		if 2+n > len(u) {
			break
		}
		if !slices.Contains(known, t) {
			out = append(out, u[:2+n]...)
		}
		u = u[2+n:]
	}
	return out
}

func (u udata) getU32(typ uint8) (uint32, bool) {
	v, ok := u.get(typ)
	if !ok || len(v) != 4 {
		return 0, false
	}
	return binary.NativeEndian.Uint32(v), true
}
