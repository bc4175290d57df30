package gtest

import (
	"testing"

	"github.com/nlsh/nlsh/core/socket"
	"github.com/nlsh/nlsh/families/genl"
	"github.com/nlsh/nlsh/internal/testutil"
)

// Dial returns a generic netlink Client bound to ns, closed when the test
// ends.
func Dial(t testing.TB, ns *testutil.NS, schemas ...*genl.FamilySchema) *genl.Client {
	t.Helper()
	c, err := genl.Dial(&socket.Config{NetNS: ns.Target}, schemas...)
	if err != nil {
		t.Fatalf("dial generic netlink in %s: %v", ns.Name, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}
