package ruletext

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

type loResolver struct{}

func (loResolver) IfIndex(name string) (uint32, error) { return 1, nil }
func (loResolver) IfName(uint32) (string, error)       { return "lo", nil }

// corpus reads testdata/corpus.txt: "family table chain<TAB>rule text".
func corpus(t testing.TB) [][2]string {
	f, err := os.Open("../testdata/corpus.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out [][2]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		loc, text, _ := strings.Cut(line, "\t")
		out = append(out, [2]string{strings.Fields(loc)[0], text})
	}
	return out
}

// TestCorpusOffline compiles every corpus rule and prints it back without
// a kernel: text -> expressions -> text must be the identity.
func TestCorpusOffline(t *testing.T) {
	c, p := NewCompiler(loResolver{}), NewPrinter(loResolver{})
	for _, tc := range corpus(t) {
		family, text := tc[0], tc[1]
		t.Run(text, func(t *testing.T) {
			r, err := c.Compile(family, text)
			if err != nil {
				t.Fatal(err)
			}
			got, err := p.Print(family, r.Exprs, r.Comment, func(name string, id uint32) *AnonSet {
				if id == 0 || int(id) > len(r.Sets) {
					return nil
				}
				return r.Sets[id-1]
			})
			if err != nil {
				t.Fatal(err)
			}
			if got != text {
				t.Errorf("printed %q", got)
			}
		})
	}
}
