package genl_test

import (
	"bufio"
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/families/genl"
	"github.com/nlsh/nlsh/families/genl/internal/gtest"
	"github.com/nlsh/nlsh/internal/kernel"
	"github.com/nlsh/nlsh/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

var (
	reName  = regexp.MustCompile(`^Name: (\S+)`)
	reID    = regexp.MustCompile(`ID: (0x[0-9a-f]+)\s+Version: (0x[0-9a-f]+)\s+header size: (\d+)\s+max attribs: (\d+)`)
	reOp    = regexp.MustCompile(`^#\d+:\s+ID-(0x[0-9a-f]+)`)
	reCaps  = regexp.MustCompile(`^Capabilities \((0x[0-9a-f]+)\)`)
	reGroup = regexp.MustCompile(`^#\d+:\s+ID-(0x[0-9a-f]+)\s+name: (\S+)`)
)

// parseGenlCtrlList reads `genl ctrl list` output into families, and
// which families it printed op capabilities for (iproute2 prints them only
// for families of version 2 or later).
func parseGenlCtrlList(t *testing.T, out string) ([]genl.Family, map[string]bool) {
	caps := map[string]bool{}
	num := func(s string) uint64 {
		n, err := strconv.ParseUint(s, 0, 32)
		if err != nil {
			t.Fatalf("genl ctrl list: bad number %q", s)
		}
		return n
	}
	var fams []genl.Family
	inGroups := false
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if m := reName.FindStringSubmatch(line); m != nil {
			fams = append(fams, genl.Family{Name: m[1]})
			inGroups = false
			continue
		}
		if len(fams) == 0 {
			continue
		}
		f := &fams[len(fams)-1]
		switch {
		case reID.MatchString(line):
			m := reID.FindStringSubmatch(line)
			f.ID, f.Version = uint16(num(m[1])), uint32(num(m[2]))
			f.HdrSize, f.MaxAttr = uint32(num(m[3])), uint32(num(m[4]))
		case strings.HasPrefix(line, "multicast groups:"):
			inGroups = true
		case inGroups && reGroup.MatchString(line):
			m := reGroup.FindStringSubmatch(line)
			f.Groups = append(f.Groups, genl.Group{ID: uint32(num(m[1])), Name: m[2]})
		case !inGroups && reOp.MatchString(line):
			f.Ops = append(f.Ops, genl.Op{ID: uint32(num(reOp.FindStringSubmatch(line)[1]))})
		case reCaps.MatchString(line):
			f.Ops[len(f.Ops)-1].Flags = uint32(num(reCaps.FindStringSubmatch(line)[1]))
			caps[f.Name] = true
		}
	}
	return fams, caps
}

func TestFamiliesMatchGenlCtrlList(t *testing.T) {
	testutil.RequireCommand(t, "genl", "iproute2")
	ns := testutil.NewNetNS(t)
	out, err := ns.Exec("genl", "ctrl", "list")
	if err != nil {
		t.Fatal(err)
	}
	want, caps := parseGenlCtrlList(t, out)
	if !caps["nlctrl"] {
		t.Fatalf("genl ctrl list printed no op capabilities for nlctrl:\n%s", out)
	}
	if len(want) < 3 {
		t.Fatalf("parsed only %d families from genl ctrl list:\n%s", len(want), out)
	}
	c := gtest.Dial(t, ns)
	got, err := c.Families(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("nlsh lists %d families, genl ctrl list %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Name != w.Name || g.ID != w.ID || g.Version != w.Version || g.HdrSize != w.HdrSize || g.MaxAttr != w.MaxAttr {
			t.Errorf("family %d: nlsh %s id %#x v%d hdr %d max %d; genl %s id %#x v%d hdr %d max %d",
				i, g.Name, g.ID, g.Version, g.HdrSize, g.MaxAttr, w.Name, w.ID, w.Version, w.HdrSize, w.MaxAttr)
		}
		if len(g.Ops) != len(w.Ops) {
			t.Errorf("%s: %d ops, genl shows %d", g.Name, len(g.Ops), len(w.Ops))
		} else {
			for j := range w.Ops {
				if g.Ops[j].ID != w.Ops[j].ID || caps[w.Name] && g.Ops[j].Flags != w.Ops[j].Flags {
					t.Errorf("%s op %d: %+v, genl %+v", g.Name, j, g.Ops[j], w.Ops[j])
				}
			}
		}
		if len(g.Groups) != len(w.Groups) {
			t.Errorf("%s: groups %v, genl %v", g.Name, g.Groups, w.Groups)
		} else {
			for j := range w.Groups {
				if g.Groups[j] != w.Groups[j] {
					t.Errorf("%s group %d: %+v, genl %+v", g.Name, j, g.Groups[j], w.Groups[j])
				}
			}
		}
	}
	// Every listed family resolves by name to the same id.
	for _, w := range want {
		f, err := c.Family(context.Background(), w.Name)
		if err != nil || f.ID != w.ID {
			t.Errorf("resolve %s: %v, id %v want %#x", w.Name, err, f, w.ID)
		}
	}
}

func TestPolicyOfController(t *testing.T) {
	ns := testutil.NewNetNS(t)
	c := gtest.Dial(t, ns)
	p, err := c.Policy(context.Background(), "nlctrl")
	if err != nil {
		t.Fatal(err)
	}
	// CTRL_CMD_GETFAMILY (3) is checked against a set where
	// CTRL_ATTR_FAMILY_ID is a u16 and CTRL_ATTR_FAMILY_NAME a NUL string.
	op, ok := p.Ops[3]
	if !ok || !op.HasDo {
		t.Fatalf("no do-policy for GETFAMILY: %+v", p.Ops)
	}
	set := p.Sets[op.Do]
	if set[1].Type != "u16" || set[2].Type != "nul-string" {
		t.Fatalf("GETFAMILY policy set %d: attr 1 %+v, attr 2 %+v", op.Do, set[1], set[2])
	}
	if set[2].MaxLength == nil || *set[2].MaxLength == 0 {
		t.Errorf("family name policy has no max length: %+v", set[2])
	}
}

// A family without a registered schema is usable raw: netdev's DEV_GET
// dump (command 1) in a fresh namespace lists loopback, ifindex 1, as
// attribute 1 holding raw bytes.
func TestRawRequestWithoutSchema(t *testing.T) {
	kernel.Require(t, kernel.GenlFamily("netdev").Since(6, 3))
	ns := testutil.NewNetNS(t)
	c := gtest.Dial(t, ns)
	if c.Schema("netdev") != nil {
		t.Fatal("test needs a client without the netdev schema")
	}
	reps, err := c.Request(context.Background(), genl.Request{Family: "netdev", Command: 1, Flags: codec.Dump})
	if err != nil {
		t.Fatal(err)
	}
	if len(reps) != 1 {
		t.Fatalf("%d devices in a fresh namespace, want 1 (lo)", len(reps))
	}
	v, ok := reps[0].Attrs.Get("attr_1")
	if raw, _ := v.(codec.Raw); !ok || string(raw) != "\x01\x00\x00\x00" {
		t.Fatalf("attr_1 = %#v, want ifindex 1 as raw bytes; attrs %+v", v, reps[0].Attrs)
	}
	// nlctrl by command number with raw attribute numbers.
	reps, err = c.Request(context.Background(), genl.Request{Family: "nlctrl", Command: 3, Attrs: map[uint16][]byte{2: []byte("netdev\x00")}})
	if err != nil {
		t.Fatal(err)
	}
	if len(reps) != 1 {
		t.Fatalf("%d replies", len(reps))
	}
	if n, _ := reps[0].Attrs.Get("family_name"); n != "netdev" {
		t.Fatalf("family_name = %v", n)
	}
	f, _ := c.Family(context.Background(), "netdev")
	if id, _ := reps[0].Attrs.Get("family_id"); id != uint64(f.ID) {
		t.Fatalf("family_id = %v, resolved %d", id, f.ID)
	}
}

func TestJoinControllerGroup(t *testing.T) {
	ns := testutil.NewNetNS(t)
	c := gtest.Dial(t, ns)
	id, err := c.JoinGroup(context.Background(), "nlctrl", "notify")
	if err != nil || id != 0x10 {
		t.Fatalf("join nlctrl notify: id %#x, %v", id, err)
	}
}
