package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/nlsh/nlsh/internal/testutil"
)

// nlshBin is the nlsh binary under test, built once by TestMain (or
// NLSH_BIN when set). binDir holds it as "nlsh", for CNI_PATH.
var nlshBin, binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "nlsh-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	nlshBin = filepath.Join(dir, "nlsh")
	if prebuilt := os.Getenv("NLSH_BIN"); prebuilt != "" {
		if err := os.Symlink(prebuilt, nlshBin); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	} else {
		out, err := exec.Command("go", "build", "-o", nlshBin, "github.com/nlsh/nlsh/cmd/nlsh").CombinedOutput()
		if err != nil {
			fmt.Fprintf(os.Stderr, "build nlsh: %v\n%s", err, out)
			os.RemoveAll(dir)
			os.Exit(1)
		}
	}
	defer os.RemoveAll(dir)
	testutil.Main(m)
}
