package genl_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"

	"github.com/nlsh/nlsh/bindings"
	nsbind "github.com/nlsh/nlsh/bindings/netns"
	"github.com/nlsh/nlsh/core/netns"
	"github.com/nlsh/nlsh/core/socket"
	"github.com/nlsh/nlsh/families/genl"
	"github.com/nlsh/nlsh/families/genl/hwsim"
)

// hwsimRadios gives Lua tests mac80211_hwsim radios of their own, so that
// they never share (and fight over) the radios the module made at load
// with another test binary running at the same time. It adds to the
// test-only module `tool`:
//
//   - tool.hwsim_radio(label) makes a radio called nlsh<pid>-<label><n> in
//     the initial namespace and returns {id = <hwsim radio id>, name =
//     <wiphy name>};
//   - tool.hwsim_delete(id[, netns]) deletes it from the namespace its
//     wiphy is in (netns after nl80211.set_netns, else the initial one).
//
// A radio a test leaves behind (it failed before deleting it) is deleted
// when the Go test that ran the Lua files ends, from the initial
// namespace, where the kernel moves it back once the test's namespace is
// destroyed.
type hwsimRadios struct {
	t *testing.T

	mu    sync.Mutex
	host  *genl.Client
	alive map[uint32]string // id -> name, not deleted yet
}

// radioCount numbers the radios of the process (TestLua and
// TestLuaJournal each have their own hwsimRadios).
var radioCount atomic.Int32

func newHwsimRadios(t *testing.T) *hwsimRadios {
	r := &hwsimRadios{t: t, alive: map[uint32]string{}}
	t.Cleanup(r.cleanup)
	return r
}

// hostClient returns the client in the initial namespace, dialled once.
func (r *hwsimRadios) hostClient() (*hwsim.Client, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.host == nil {
		g, err := genl.Dial(&socket.Config{})
		if err != nil {
			return nil, err
		}
		r.host = g
	}
	return hwsim.New(r.host), nil
}

// deleteIn deletes radio id through a client in namespace ns.
func deleteIn(ctx context.Context, ns netns.Target, id uint32) error {
	g, err := genl.Dial(&socket.Config{NetNS: ns})
	if err != nil {
		return err
	}
	defer g.Close()
	return hwsim.New(g).DelRadio(ctx, id)
}

func (r *hwsimRadios) funcs() map[string]lua.LGFunction {
	return map[string]lua.LGFunction{
		"hwsim_radio": func(L *lua.LState) int {
			label := bindings.StringArg(L, 1, "tool.hwsim_radio")
			c, err := r.hostClient()
			if err != nil {
				L.RaiseError("tool.hwsim_radio: %v", err)
			}
			name := fmt.Sprintf("nlsh%d-%s%d", os.Getpid(), label, radioCount.Add(1))
			id, err := c.NewRadio(bindings.Context(L), name)
			if err != nil {
				L.RaiseError("tool.hwsim_radio: %v", err)
			}
			r.mu.Lock()
			r.alive[id] = name
			r.mu.Unlock()
			tb := L.NewTable()
			tb.RawSetString("id", lua.LNumber(id))
			tb.RawSetString("name", lua.LString(name))
			L.Push(tb)
			return 1
		},
		"hwsim_delete": func(L *lua.LState) int {
			id := uint32(L.CheckInt(1))
			ns := netns.Host()
			if L.GetTop() >= 2 {
				ns = nsbind.CheckTarget(L, 2, "tool.hwsim_delete")
			}
			if err := deleteIn(bindings.Context(L), ns, id); err != nil {
				L.RaiseError("tool.hwsim_delete: %v", err)
			}
			r.mu.Lock()
			delete(r.alive, id)
			r.mu.Unlock()
			return 0
		},
	}
}

// cleanup deletes the radios left behind. Each is retried while the
// kernel does not find it (ENODEV): the namespace it was moved to is
// destroyed asynchronously after its last user goes, and only then does
// the radio come back to the initial namespace.
func (r *hwsimRadios) cleanup() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.host == nil {
		return
	}
	defer r.host.Close()
	c := hwsim.New(r.host)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for id, name := range r.alive {
		for {
			err := c.DelRadio(ctx, id)
			if err == nil {
				r.t.Logf("deleted radio %s (hwsim %d), which the test left behind", name, id)
				break
			}
			if !errors.Is(err, unix.ENODEV) || ctx.Err() != nil {
				r.t.Errorf("radio %s (hwsim %d) left behind: %v", name, id, err)
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}
