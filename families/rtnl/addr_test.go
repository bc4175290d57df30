package rtnl

import (
	"context"
	"errors"
	"net/netip"
	"testing"
)

func TestAddrRejectsBeforeSending(t *testing.T) {
	c := New(&ipFakeConn{t: t}) // any request reaching the fake fails the test
	ctx := context.Background()
	mp := netip.MustParseAddr
	for _, r := range []struct {
		a     Address
		field string
	}{
		{Address{Dev: "eth0", Local: mp("10.0.0.1"), Prefixlen: 33}, "prefixlen"},
		{Address{Dev: "eth0", Local: mp("2001:db8::1"), Prefixlen: 129}, "prefixlen"},
		{Address{Dev: "eth0"}, "local"},
		{Address{Dev: "eth0", Local: mp("10.0.0.1"), Address: mp("2001:db8::2")}, "address"},
		{Address{Dev: "eth0", Local: mp("2001:db8::1"), BroadcastAuto: true}, "broadcast"},
		{Address{Dev: "eth0", Local: mp("10.0.0.1"), Label: "foo"}, "label"},
		{Address{Dev: "eth0", Local: mp("10.0.0.1"), Flags: []string{"bogus"}}, "flags"},
		{Address{Dev: "eth0", Local: mp("10.0.0.1"), Family: "inet6"}, "local"},
		{Address{Local: mp("10.0.0.1")}, "dev"},
	} {
		err := c.AddAddr(ctx, r.a)
		var ae *ArgError
		if !errors.As(err, &ae) || ae.Field != r.field || !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("%+v: got %v, want an ArgError naming %s", r.a, err, r.field)
		}
	}
}
