package hwsim_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/nlsh/nlsh/core/socket"
	"github.com/nlsh/nlsh/families/genl"
	"github.com/nlsh/nlsh/families/genl/hwsim"
	"github.com/nlsh/nlsh/families/genl/internal/gtest"
	"github.com/nlsh/nlsh/internal/kernel"
	"github.com/nlsh/nlsh/internal/testutil"
	"golang.org/x/sys/unix"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// TestLiveRadios makes a radio inside a throwaway namespace (where only
// this test sees it, and whose end destroys it should the test die first),
// checks it against the dump and `ip link`, and deletes it.
func TestLiveRadios(t *testing.T) {
	kernel.Require(t, kernel.Root(), kernel.GenlFamily(hwsim.FamilyName), kernel.Module("mac80211_hwsim"))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	hostConn, err := genl.Dial(&socket.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hostConn.Close() })
	host := hwsim.New(hostConn)
	ns := testutil.NewNetNS(t)
	c := hwsim.New(gtest.Dial(t, ns))

	name := fmt.Sprintf("nlsh%d-hwsim", os.Getpid())
	id, err := c.NewRadio(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	deleted := false
	t.Cleanup(func() {
		if !deleted {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			if err := c.DelRadio(ctx, id); err != nil {
				t.Errorf("cleanup: %v", err)
			}
		}
	})
	t.Logf("radio %s has id %d", name, id)

	rs, err := c.Radios(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].ID != id || rs[0].Name != name || rs[0].Channels != 1 {
		t.Fatalf("radios in the namespace: %+v, want only %d %s with one channel", rs, id, name)
	}
	hostRadios, err := host.Radios(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range hostRadios {
		if r.ID == id || r.Name == name {
			t.Fatalf("the initial namespace lists the namespace's radio: %+v", r)
		}
	}
	if _, err := c.NewRadio(ctx, name); !errors.Is(err, unix.EEXIST) {
		t.Fatalf("a second radio %s: %v, want EEXIST", name, err)
	}
	if err := host.DelRadio(ctx, id); !errors.Is(err, unix.ENODEV) {
		t.Fatalf("delete from the initial namespace: %v, want ENODEV (not there)", err)
	}

	// The radio's station interface has the permanent address hwsim
	// derives from the id.
	mac := fmt.Sprintf("02:00:00:%02x:%02x:00", id>>8&0xff, id&0xff)
	var links []struct {
		Ifname  string `json:"ifname"`
		Address string `json:"address"`
	}
	ns.IPJSON(&links, "link", "show")
	wlan := ""
	for _, l := range links {
		if l.Address == mac {
			wlan = l.Ifname
		}
	}
	if wlan == "" {
		t.Fatalf("no interface with address %s in ip link %+v", mac, links)
	}

	if err := c.DelRadio(ctx, id); err != nil {
		t.Fatal(err)
	}
	deleted = true
	if rs, err := c.Radios(ctx); err != nil || len(rs) != 0 {
		t.Fatalf("radios after delete: %+v, %v", rs, err)
	}
	if _, err := ns.TryIP("link", "show", wlan); err == nil {
		t.Fatalf("%s still there after the radio was deleted", wlan)
	}
	if err := c.DelRadio(ctx, id); !errors.Is(err, unix.ENODEV) {
		t.Fatalf("delete again: %v, want ENODEV", err)
	}
}
