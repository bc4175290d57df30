package hwsim

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"testing"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/families/genl"
	"github.com/nlsh/nlsh/families/genl/internal/gtest"
	"golang.org/x/sys/unix"
)

const fakeID = 0x22

// fakeKernel is the MAC80211_HWSIM family as the fake sees it: the
// radios of one namespace, and the next id NEW_RADIO hands out.
type fakeKernel struct {
	radios []Radio
	next   uint32
	// taken makes NEW_RADIO name the radio phyN, as the kernel does when
	// the wiphy name is used in another namespace.
	taken bool
	// refuse is the kernel's answer to NEW_RADIO, when set.
	refuse error
}

// radioMsg is a GET_RADIO reply laid out as the kernel writes it: the
// name without a NUL.
func radioMsg(t *testing.T, r Radio) codec.Message {
	t.Helper()
	e := codec.NewEncoder(nil)
	e.Uint32(attrRadioID, r.ID)
	e.Uint32(attrChannels, 1)
	e.Bytes(attrRadioName, []byte(r.Name))
	attrs, err := e.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return genl.NetlinkMessage(fakeID, codec.Multi, genl.Message{Command: CmdGetRadio, Version: 1, Attrs: attrs})
}

func newFake(t *testing.T, k *fakeKernel) (*gtest.Fake, *Client) {
	f := &gtest.Fake{}
	f.Handle = func(m codec.Message) ([]codec.Message, error) {
		gm, err := genl.ParseMessage(m.Data)
		if err != nil {
			t.Fatal(err)
		}
		if m.Header.Type == genl.IDCtrl {
			attrs, err := genl.CtrlSchema().Attrs.EncodeMap(map[string]any{
				"family_id": fakeID, "family_name": FamilyName, "version": 1,
				"mcast_groups": []any{map[string]any{"name": GroupConfig, "id": 0x23}},
			})
			if err != nil {
				t.Fatal(err)
			}
			return []codec.Message{genl.NetlinkMessage(genl.IDCtrl, 0, genl.Message{Command: 1, Version: 2, Attrs: attrs})}, nil
		}
		if m.Header.Type != fakeID || gm.Version != Version {
			t.Fatalf("request type %#x version %d, want %#x version %d", m.Header.Type, gm.Version, fakeID, Version)
		}
		tr, err := attrSchema().Decode(gm.Attrs)
		if err != nil {
			t.Fatal(err)
		}
		switch gm.Command {
		case CmdGetRadio:
			if m.Header.Flags&codec.Dump != codec.Dump {
				t.Fatalf("GET_RADIO without NLM_F_DUMP: %#x", m.Header.Flags)
			}
			var out []codec.Message
			for _, r := range k.radios {
				out = append(out, radioMsg(t, r))
			}
			return out, nil
		case CmdNewRadio:
			if k.refuse != nil {
				return nil, k.refuse
			}
			name, _ := tr.Get("radio_name")
			id := k.next
			k.next++
			r := Radio{ID: id, Name: name.(string)}
			if k.taken {
				r.Name = fmt.Sprintf("phy%d", id+10)
			}
			k.radios = append(k.radios, r)
			if id > 0 {
				// What core/socket makes of the kernel's ack carrying id.
				return nil, fmt.Errorf("MAC80211_HWSIM: NLMSG_ERROR: positive error code %d", id)
			}
			return nil, nil
		case CmdDelRadio:
			v, _ := tr.Get("radio_id")
			for i, r := range k.radios {
				if uint64(r.ID) == v.(uint64) {
					k.radios = append(k.radios[:i], k.radios[i+1:]...)
					return nil, nil
				}
			}
			return nil, &codec.Error{Errno: unix.ENODEV}
		}
		t.Fatalf("unexpected command %d", gm.Command)
		return nil, nil
	}
	return f, New(genl.New(f))
}

// request returns the n-th request the fake saw as hex: the netlink
// header's type and flags, then the generic netlink payload.
func request(f *gtest.Fake, n int) string {
	m := f.Requests[n]
	return fmt.Sprintf("%04x %04x %s", m.Header.Type, m.Header.Flags, hex.EncodeToString(m.Data))
}

func TestNewRadioReadsTheIDBack(t *testing.T) {
	k := &fakeKernel{next: 0, radios: []Radio{{ID: 99, Name: "phy0"}}}
	f, c := newFake(t, k)
	ctx := context.Background()

	// Id 0 is acknowledged as a plain success.
	id, err := c.NewRadio(ctx, "nlsh-a")
	if err != nil || id != 0 {
		t.Fatalf("first radio: %d, %v", id, err)
	}
	// Requests: resolve, dump, NEW_RADIO, dump. NEW_RADIO is command 4,
	// version 1, with HWSIM_ATTR_RADIO_NAME (17) "nlsh-a" NUL-terminated
	// and padded to 4 bytes; NLM_F_REQUEST|NLM_F_ACK.
	if f.Count() != 4 {
		t.Fatalf("%d requests, want 4", f.Count())
	}
	if got, want := request(f, 2), "0022 0005 04010000"+"0b001100"+hex.EncodeToString([]byte("nlsh-a\x00"))+"00"; got != want {
		t.Fatalf("NEW_RADIO request\n got %s\nwant %s", got, want)
	}
	if got, want := request(f, 1), "0022 0301 06010000"; got != want {
		t.Fatalf("GET_RADIO dump request\n got %s\nwant %s", got, want)
	}

	// A later id comes in the ack's error field, which the socket
	// refuses; the dump has it.
	id, err = c.NewRadio(ctx, "nlsh-b")
	if err != nil || id != 1 {
		t.Fatalf("second radio: %d, %v", id, err)
	}
	rs, err := c.Radios(ctx)
	if err != nil || len(rs) != 3 || rs[2] != (Radio{ID: 1, Name: "nlsh-b", Channels: 1}) {
		t.Fatalf("radios %+v, %v", rs, err)
	}

	// A name in use in the namespace is refused before asking the kernel.
	n := f.Count()
	if _, err := c.NewRadio(ctx, "nlsh-b"); !errors.Is(err, unix.EEXIST) {
		t.Fatalf("same name again: %v, want EEXIST", err)
	}
	if f.Count() != n+1 {
		t.Fatalf("%d requests for a taken name, want one dump", f.Count()-n)
	}
	if _, err := c.NewRadio(ctx, ""); err == nil {
		t.Fatal("radio without a name accepted")
	}

	// The kernel's refusal is returned as it is.
	k.refuse = &codec.Error{Errno: unix.EPERM}
	if _, err := c.NewRadio(ctx, "nlsh-c"); !errors.Is(err, unix.EPERM) {
		t.Fatalf("refused: %v, want EPERM", err)
	}
	k.refuse = nil

	// A name taken in another namespace: the kernel names the radio phyN
	// and the dump does not find it.
	k.taken = true
	if id, err := c.NewRadio(ctx, "nlsh-d"); err == nil {
		t.Fatalf("radio renamed by the kernel found as %d", id)
	}
}

func TestDelRadio(t *testing.T) {
	k := &fakeKernel{radios: []Radio{{ID: 7, Name: "nlsh-x"}}}
	f, c := newFake(t, k)
	ctx := context.Background()
	if err := c.DelRadio(ctx, 7); err != nil {
		t.Fatal(err)
	}
	// DEL_RADIO is command 5 with HWSIM_ATTR_RADIO_ID (10), a u32.
	if got, want := request(f, 1), "0022 0005 05010000"+"08000a00"+"07000000"; got != want {
		t.Fatalf("DEL_RADIO request\n got %s\nwant %s", got, want)
	}
	if err := c.DelRadio(ctx, 7); !errors.Is(err, unix.ENODEV) {
		t.Fatalf("deleting it again: %v, want ENODEV", err)
	}
}

func TestDecodeRadio(t *testing.T) {
	// Flags and the regulatory hint as the kernel writes them: alpha2 is
	// two bytes, no NUL.
	e := codec.NewEncoder(nil)
	e.Uint32(attrRadioID, 3)
	e.Uint32(attrChannels, 2)
	e.Bytes(attrRegHintAlpha2, []byte("DE"))
	e.Flag(attrUseChanctx)
	e.Bytes(attrRadioName, []byte("phy3"))
	attrs, err := e.Encode()
	if err != nil {
		t.Fatal(err)
	}
	r, err := DecodeRadio(attrs)
	if err != nil || *r != (Radio{ID: 3, Name: "phy3", Channels: 2, UseChanctx: true, Alpha2: "DE"}) {
		t.Fatalf("%+v, %v", r, err)
	}
	tr, err := attrSchema().Decode(attrs)
	if err != nil || tr.String() != `radio_id=3 channels=2 reg_hint_alpha2="DE" use_chanctx=true radio_name="phy3"` {
		t.Fatalf("tree %s, %v", tr, err)
	}
	for _, bad := range [][]byte{nil, attrs[:16], {8, 0, attrRadioID, 0, 1, 0, 0}} {
		if r, err := DecodeRadio(bad); err == nil {
			t.Errorf("%x decoded as %+v", bad, r)
		}
	}
}

// FuzzDecodeRadio decodes GET_RADIO replies: one that decodes has a name.
func FuzzDecodeRadio(f *testing.F) {
	for _, m := range []map[string]any{
		{"radio_id": 0, "radio_name": "phy0", "channels": 1},
		{"radio_id": 300, "radio_name": "nlsh-ap", "channels": 2, "use_chanctx": true, "reg_hint_alpha2": "DE", "perm_addr": "02:00:00:01:2c:00"},
	} {
		attrs, err := attrSchema().EncodeMap(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(attrs)
	}
	f.Fuzz(func(t *testing.T, attrs []byte) {
		r, err := DecodeRadio(attrs)
		if err == nil && r.Name == "" {
			t.Fatal("radio without a name decoded")
		}
	})
}
