package genl_test

import (
	"context"
	"errors"
	"testing"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/families/genl"
	"github.com/nlsh/nlsh/families/genl/internal/gtest"
	"golang.org/x/sys/unix"
)

// familyReply builds a CTRL_CMD_NEWFAMILY reply through the controller's
// schema, as the kernel would send it.
func familyReply(t testing.TB, m map[string]any) codec.Message {
	t.Helper()
	attrs, err := genl.CtrlSchema().Attrs.EncodeMap(m)
	if err != nil {
		t.Fatal(err)
	}
	return genl.NetlinkMessage(genl.IDCtrl, 0, genl.Message{Command: 1, Version: 2, Attrs: attrs})
}

func testFamily(t testing.TB) map[string]any {
	return map[string]any{
		"family_id": 0x1e, "family_name": "demo", "version": 3, "hdrsize": 0, "maxattr": 7,
		"ops": []any{
			map[string]any{"id": 1, "flags": []any{"do", "has-policy"}},
			map[string]any{"id": 2, "flags": genl.OpCanDump},
		},
		"mcast_groups": []any{map[string]any{"name": "events", "id": 0x20}},
	}
}

func TestFamilyResolveCaches(t *testing.T) {
	ctx := context.Background()
	fake := &gtest.Fake{Handle: func(m codec.Message) ([]codec.Message, error) {
		gm, err := genl.ParseMessage(m.Data)
		if err != nil || m.Header.Type != genl.IDCtrl || gm.Command != 3 {
			t.Errorf("unexpected request %+v", m)
		}
		d := codec.NewDecoder(gm.Attrs)
		for d.Next() {
			if d.Type() == 2 && d.String() != "demo" {
				return nil, &codec.Error{Errno: unix.ENOENT}
			}
		}
		return []codec.Message{familyReply(t, testFamily(t))}, nil
	}}
	c := genl.New(fake)
	f, err := c.Family(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	if f.ID != 0x1e || f.Version != 3 || f.MaxAttr != 7 || len(f.Ops) != 2 ||
		f.Ops[0] != (genl.Op{ID: 1, Flags: genl.OpCanDo | genl.OpHasPolicy}) ||
		f.Ops[1] != (genl.Op{ID: 2, Flags: genl.OpCanDump}) {
		t.Fatalf("family = %+v", f)
	}
	if g, ok := f.Group("events"); !ok || g.ID != 0x20 {
		t.Fatalf("group events = %+v, %v", g, ok)
	}
	if got := f.Ops[0].Names(); len(got) != 2 || got[0] != "do" || got[1] != "has-policy" {
		t.Fatalf("op flag names = %v", got)
	}
	if _, err := c.Family(ctx, "demo"); err != nil || fake.Count() != 1 {
		t.Fatalf("second resolve: err %v, %d requests (want 1, cached)", err, fake.Count())
	}
	c.Forget("demo")
	if _, err := c.Family(ctx, "demo"); err != nil || fake.Count() != 2 {
		t.Fatalf("resolve after Forget: err %v, %d requests (want 2)", err, fake.Count())
	}
	_, err = c.Family(ctx, "wireguard")
	if !errors.Is(err, genl.ErrNoFamily) || !errors.Is(err, unix.ENOENT) {
		t.Fatalf("missing family: %v, want ErrNoFamily and ENOENT", err)
	}
}

func TestRequestUsesSchemaAndNamesErrors(t *testing.T) {
	ctx := context.Background()
	demo := &genl.FamilySchema{
		Name: "demo", Version: 1,
		Attrs: codec.NewSchema("demo",
			codec.Attr{Name: "ifindex", Type: 1, Kind: codec.KindU32},
			codec.Attr{Name: "name", Type: 2, Kind: codec.KindString},
		),
		Commands: []genl.Command{{Cmd: 1, Name: "GET"}},
	}
	fake := &gtest.Fake{Handle: func(m codec.Message) ([]codec.Message, error) {
		if m.Header.Type == genl.IDCtrl {
			return []codec.Message{familyReply(t, testFamily(t))}, nil
		}
		gm, _ := genl.ParseMessage(m.Data)
		if gm.Command == 9 {
			return nil, &codec.Error{Errno: unix.EOPNOTSUPP, Msg: "nope"}
		}
		// Echo the request's attributes plus one the schema lacks.
		e := codec.NewEncoder(append([]byte(nil), gm.Attrs...))
		e.Bytes(7, []byte{0xaa})
		b, _ := e.Encode()
		return []codec.Message{genl.NetlinkMessage(0x1e, 0, genl.Message{Command: 1, Version: 1, Attrs: b})}, nil
	}}
	c := genl.New(fake, demo)
	reps, err := c.Request(ctx, genl.Request{Family: "demo", Command: 1, Attrs: map[string]any{"ifindex": 4, "name": "eth0"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(reps) != 1 || reps[0].CommandName != "GET" {
		t.Fatalf("replies = %+v", reps)
	}
	a := reps[0].Attrs
	if v, _ := a.Get("ifindex"); v != uint64(4) {
		t.Errorf("ifindex = %v", v)
	}
	if v, _ := a.Get("name"); v != "eth0" {
		t.Errorf("name = %v", v)
	}
	if v, _ := a.Get("attr_7"); string(v.(codec.Raw)) != "\xaa" {
		t.Errorf("attr_7 = %v", v)
	}
	last := fake.Requests[len(fake.Requests)-1]
	if last.Header.Type != 0x1e || last.Data[0] != 1 || last.Data[1] != 1 {
		t.Errorf("request header %+v data % x: want family 0x1e cmd 1 version 1", last.Header, last.Data[:4])
	}
	_, err = c.Request(ctx, genl.Request{Family: "demo", Command: 9})
	var ke *codec.Error
	if !errors.Is(err, unix.EOPNOTSUPP) || !errors.As(err, &ke) || ke.Op != "demo 9" {
		t.Fatalf("error = %v, want EOPNOTSUPP with op \"demo 9\"", err)
	}
	if _, err := c.Request(ctx, genl.Request{Family: "demo", Command: 1, Attrs: map[string]any{"bogus": 1}}); err == nil {
		t.Fatal("unknown attribute name accepted")
	}
	if _, err := c.JoinGroup(ctx, "demo", "events"); err != nil || len(fake.Groups) != 1 || fake.Groups[0] != 0x20 {
		t.Fatalf("JoinGroup: %v, groups %v", err, fake.Groups)
	}
	if _, err := c.JoinGroup(ctx, "demo", "nosuch"); err == nil {
		t.Fatal("joined a group the family lacks")
	}
}

func TestParseMessageTruncated(t *testing.T) {
	if _, err := genl.ParseMessage([]byte{1, 2}); !errors.Is(err, codec.ErrTruncated) {
		t.Fatalf("err = %v, want ErrTruncated", err)
	}
}
