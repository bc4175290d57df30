// Command harness runs nlsh and its peers (ip, pyroute2, vishvananda/netlink,
// the CNI bridge plugin, nft) against a raw floor program on the issue-9
// workloads, each in throwaway network namespaces, as whole processes timed
// from here: paired runs (every round runs every peer once, in rotating
// order), several rounds, medians, ratios to the floor, peak RSS from wait4.
// It prints the table and writes BENCHMARKS.md. See bench/README.md.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"
)

type config struct {
	rounds, startReps           int
	w1, w2, w3, w4, w5pairs, w6 int
	w1Large                     int
	only                        map[string]bool
	repo, bin, out, tmp         string
	nlsh, floorBin, vishBin     string
	luaBoundBin                 string
	python, cniBridge, nft      string
	settle                      time.Duration
	command                     string
	nlshMods                    map[string]string // "rtnl"/"nfnl"/"bin" -> "" if usable, else why not
	started                     time.Time
	quiet                       bool
	onlyRaw                     string
}

func main() {
	c := &config{started: time.Now()}
	flag.IntVar(&c.rounds, "rounds", 5, "rounds; each runs every peer once, in rotating order")
	flag.IntVar(&c.startReps, "start-reps", 10, "start-up runs per peer per round")
	flag.IntVar(&c.w1, "w1", 10000, "W1: routes to add")
	flag.IntVar(&c.w1Large, "w1-large", 100000, "W1L: routes to add in W1's large run, for its RSS goal (0 = skip)")
	flag.IntVar(&c.w2, "w2", 100000, "W2: routes to dump")
	flag.IntVar(&c.w3, "w3", 200, "W3: containers to wire")
	flag.IntVar(&c.w4, "w4", 5000, "W4: addresses to add")
	flag.IntVar(&c.w5pairs, "w5-pairs", 2000, "W5: veth pairs to dump (links = 2*pairs + lo)")
	flag.IntVar(&c.w6, "w6", 10000, "W6: nft rules to load and list (0 = skip)")
	flag.StringVar(&c.onlyRaw, "only", "", "comma-separated workloads to run (W1,W1L,W2,W3,W4,W5,S,W6,W6L); default all")
	flag.StringVar(&c.repo, "repo", ".", "repository root")
	flag.StringVar(&c.bin, "bin", "bench/bin", "directory with the built nlsh, floor and vish binaries")
	flag.StringVar(&c.out, "out", "BENCHMARKS.md", "report to write (\"\" = none)")
	flag.StringVar(&c.python, "python", "/usr/bin/python3", "python with pyroute2")
	flag.StringVar(&c.cniBridge, "cni-bridge", "/usr/lib/cni/bridge", "CNI bridge plugin (host-local next to it)")
	flag.StringVar(&c.nft, "nft", "nft", "nft binary")
	flag.DurationVar(&c.settle, "settle", 200*time.Millisecond, "pause after deleting W3's namespaces")
	flag.StringVar(&c.command, "command", "make -f bench/bench.mk bench-peers", "the command to reproduce, for the report")
	flag.BoolVar(&c.quiet, "q", false, "no progress on stderr")
	flag.Parse()
	if os.Geteuid() != 0 {
		fatal(fmt.Errorf("must run as root (it makes network namespaces)"))
	}
	if c.onlyRaw != "" {
		c.only = map[string]bool{}
		for _, w := range strings.Split(c.onlyRaw, ",") {
			c.only[strings.ToUpper(strings.TrimSpace(w))] = true
		}
	}
	abs := func(p string) string {
		if filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(c.repo, p)
	}
	c.bin = abs(c.bin)
	c.nlsh = filepath.Join(c.bin, "nlsh")
	c.floorBin = filepath.Join(c.bin, "floor")
	c.vishBin = filepath.Join(c.bin, "vish")
	c.luaBoundBin = filepath.Join(c.bin, "luabound")
	var err error
	c.tmp, err = os.MkdirTemp("", "nlsh-bench-")
	must(err)

	// Namespaces go on every way out: normal return, fatal, a signal.
	defer cleanup(c)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		s := <-sigs
		fmt.Fprintf(os.Stderr, "\nharness: %v: cleaning up\n", s)
		cleanup(c)
		os.Exit(130)
	}()

	c.nlshMods = probeNlsh(c)
	ws := workloads(c)
	debug.FreeOSMemory() // a small harness lets children's peak RSS show (see sample.masked)
	res := runAll(c, ws)
	table := render(c, res)
	fmt.Print(table)
	if c.out != "" {
		must(os.WriteFile(abs(c.out), []byte(report(c, table)), 0o644))
		progress(c, "wrote %s", abs(c.out))
	}
}

func cleanup(c *config) {
	delAllNS()
	if c.tmp != "" {
		os.RemoveAll(c.tmp)
	}
}

// probeNlsh finds out what the nlsh binary can run today, so that rows for
// modules not written yet read "n/a" instead of failing the run.
func probeNlsh(c *config) map[string]string {
	m := map[string]string{}
	if _, err := os.Stat(c.nlsh); err != nil {
		for _, k := range []string{"bin", "rtnl", "nfnl"} {
			m[k] = "nlsh binary not built (go build ./cmd/nlsh failed?)"
		}
		return m
	}
	m["bin"] = ""
	for _, mod := range []string{"rtnl", "nfnl"} {
		var out bytes.Buffer
		cmd := exec.Command(c.nlsh, "-e", fmt.Sprintf("return (pcall(require, %q))", mod))
		cmd.Stdout = &out
		if err := cmd.Run(); err != nil || strings.TrimSpace(out.String()) != "true" {
			m[mod] = fmt.Sprintf("not yet available (Lua module %s not in the binary)", mod)
		} else {
			m[mod] = ""
		}
	}
	return m
}

// result is one (workload, peer) cell.
type result struct {
	w       *workload
	p       peer
	samples []sample
	skip    string // why the peer did not run
	failed  error
}

func runAll(c *config, ws []*workload) [][]*result {
	var out [][]*result
	for _, w := range ws {
		if c.only != nil && !c.only[w.id] {
			continue
		}
		rs := make([]*result, len(w.peers))
		for i, p := range w.peers {
			rs[i] = &result{w: w, p: p}
			if p.nlsh != "" && c.nlshMods[p.nlsh] != "" {
				rs[i].skip = c.nlshMods[p.nlsh]
			}
		}
		out = append(out, rs)
		t0 := time.Now()
		progress(c, "%s: %s", w.id, w.title)
		base, doneOnce, err := setup(w.once, env{})
		if err != nil {
			for _, r := range rs {
				r.failed = fmt.Errorf("setup: %v", err)
			}
			continue
		}
		reps := max(w.reps, 1)
		for round := range c.rounds {
			e, doneRound, err := setup(w.round, base)
			if err != nil {
				progress(c, "  round %d setup: %v", round+1, err)
				continue
			}
			for k := range rs {
				r := rs[(k+round)%len(rs)]
				if r.skip != "" || r.failed != nil {
					continue
				}
				for range reps {
					e2, doneRun, err := setup(w.run, e)
					if err != nil {
						r.failed = fmt.Errorf("setup: %v", err)
						break
					}
					s := r.p.run(e2)
					doneRun()
					if s.err != nil {
						r.failed = s.err
						progress(c, "  %s failed: %v", r.p.name, s.err)
						break
					}
					r.samples = append(r.samples, s)
				}
			}
			doneRound()
		}
		doneOnce()
		progress(c, "  %s done in %.1f s", w.id, time.Since(t0).Seconds())
	}
	return out
}

func setup(f func(env) (env, func(), error), e env) (env, func(), error) {
	if f == nil {
		return e, func() {}, nil
	}
	return f(e)
}

func progress(c *config, format string, args ...any) {
	if !c.quiet {
		fmt.Fprintf(os.Stderr, "harness: "+format+"\n", args...)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "harness:", err)
	delAllNS()
	os.Exit(1)
}
