package load

import (
	"testing"

	"github.com/nlsh/nlsh/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }
