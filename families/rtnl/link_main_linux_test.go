package rtnl

import (
	"testing"

	"github.com/nlsh/nlsh/internal/testutil"
)

// TestMain fails the package's tests when they leak descriptors or leave
// a thread in another network namespace.
func TestMain(m *testing.M) { testutil.Main(m) }
