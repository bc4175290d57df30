package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// env is what a peer run gets from the workload's setup.
type env struct {
	ns     string // the namespace the workload runs in (host side for W3)
	prefix string // W3: container namespaces are prefix0..prefix(N-1)
	dir    string // scratch directory of this run
}

// goal is an issue-9 goal for an nlsh row; zero fields are not checked.
type goal struct {
	text     string
	maxRatio float64 // × floor
	maxRSS   float64 // MiB
	maxMs    float64 // median wall (or p50 per process), ms
	perProc  bool    // maxMs applies to the p50 of single processes
}

type peer struct {
	name  string
	floor bool
	nlsh  string // "rtnl" or "nfnl": needs that module in the nlsh binary
	goal  *goal
	run   func(e env) sample
}

type workload struct {
	id, title string
	unit      int // results are per this many items (W3: containers); 0 = whole run
	reps      int // runs per peer per round (default 1)
	// once runs before the first round, round before each round, run before
	// each peer run; each returns its cleanup. Setup is never timed.
	once, round func(e env) (env, func(), error)
	run         func(e env) (env, func(), error)
	peers       []peer
}

// workloads builds the suite from the configuration.
func workloads(c *config) []*workload {
	lua := func(name string) string { return filepath.Join(c.repo, "bench", "lua", name) }
	py := filepath.Join(c.repo, "bench", "py", "peer.py")
	nlshIn := func(ns string, args ...string) proc {
		return proc{args: append([]string{c.nlsh, "--netns", "name:" + ns}, args...)}
	}
	one := func(p proc) sample { return runProcs(p) }
	n1, n2, n3, n4 := strconv.Itoa(c.w1), strconv.Itoa(c.w2), strconv.Itoa(c.w3), strconv.Itoa(c.w4)
	fresh := func(tag string) func(env) (env, func(), error) {
		return func(e env) (env, func(), error) {
			ns, err := freshNS(tag)
			if err != nil {
				return e, func() {}, err
			}
			e.ns = ns
			return e, func() { delNS(ns) }, nil
		}
	}
	batchFile := func(name string, n int, line func(i int) string) string {
		var b strings.Builder
		for i := range n {
			b.WriteString(line(i))
			b.WriteByte('\n')
		}
		p := filepath.Join(c.tmp, name)
		must(os.WriteFile(p, []byte(b.String()), 0o644))
		return p
	}
	w1Batch := batchFile("w1.batch", c.w1, func(i int) string {
		return fmt.Sprintf("route add 10.%d.%d.%d/32 dev bench0", i>>16&255, i>>8&255, i&255)
	})
	w4Batch := batchFile("w4.batch", c.w4, func(i int) string {
		return fmt.Sprintf("addr add 172.%d.%d.%d/32 dev bench0", 16+i>>16, i>>8&255, i&255)
	})

	var all []*workload

	all = append(all, &workload{
		id: "W1", title: fmt.Sprintf("W1 add %d IPv4 routes", c.w1), run: fresh("w1"),
		peers: []peer{
			{name: "raw floor", floor: true, run: func(e env) sample { return one(proc{args: []string{c.floorBin, "routes", e.ns, n1}}) }},
			{name: "nlsh (rtnl.batch)", nlsh: "rtnl", goal: &goal{text: "≤ 1.3×", maxRatio: 1.3},
				run: func(e env) sample { return one(nlshIn(e.ns, lua("w1_routes.lua"), n1)) }},
			{name: "nlsh's script alone, no netlink (bound)", nlsh: "rtnl",
				run: func(e env) sample { return one(nlshIn(e.ns, lua("w1_lua_only.lua"), n1)) }},
			{name: "ip -batch", run: func(e env) sample { return one(proc{args: []string{"ip", "-n", e.ns, "-batch", w1Batch}}) }},
			{name: "pyroute2", run: func(e env) sample { return one(proc{args: []string{c.python, py, "routes", e.ns, n1}}) }},
			{name: "vishvananda one Handle", run: func(e env) sample { return one(proc{args: []string{c.vishBin, "routes", e.ns, n1, "handle"}}) }},
			{name: "vishvananda package funcs", run: func(e env) sample { return one(proc{args: []string{c.vishBin, "routes", e.ns, n1, "pkg"}}) }},
		},
	})

	// W1L is W1 at a size where what a queued route keeps shows: the
	// goal is RSS flat in N, at most 32 MiB at 100,000 routes. Only the
	// floor runs beside nlsh (ip -batch alone grows to ~400 MiB there).
	if c.w1Large > 0 {
		nl := strconv.Itoa(c.w1Large)
		all = append(all, &workload{
			id: "W1L", title: fmt.Sprintf("W1 add %d IPv4 routes", c.w1Large), run: fresh("w1l"),
			peers: []peer{
				{name: "raw floor", floor: true, run: func(e env) sample { return one(proc{args: []string{c.floorBin, "routes", e.ns, nl}}) }},
				{name: "nlsh (rtnl.batch)", nlsh: "rtnl", goal: &goal{text: fmt.Sprintf("RSS ≤ 32 MiB at %d routes", c.w1Large), maxRSS: 32},
					run: func(e env) sample { return one(nlshIn(e.ns, lua("w1_routes.lua"), nl)) }},
			},
		})
	}

	all = append(all, &workload{
		id: "W2", title: fmt.Sprintf("W2 dump %d routes", c.w2),
		round: func(e env) (env, func(), error) {
			e, done, err := fresh("w2")(e)
			if err != nil {
				return e, done, err
			}
			if s := runProcs(proc{args: []string{c.floorBin, "routes", e.ns, n2}}); s.err != nil {
				done()
				return e, func() {}, s.err
			}
			return e, done, nil
		},
		peers: []peer{
			{name: "raw floor", floor: true, run: func(e env) sample { return one(proc{args: []string{c.floorBin, "dump-routes", e.ns}}) }},
			{name: "nlsh (route.each)", nlsh: "rtnl", goal: &goal{text: "≤ 2.5×, RSS ≤ 32 MiB", maxRatio: 2.5, maxRSS: 32},
				run: func(e env) sample { return one(nlshIn(e.ns, lua("w2_dump.lua"))) }},
			{name: "nlsh --json (route.each)", nlsh: "rtnl", goal: &goal{text: "≤ 3.0×", maxRatio: 3.0},
				run: func(e env) sample {
					return one(proc{args: []string{c.nlsh, "--json", "--netns", "name:" + e.ns, lua("w2_json.lua")}})
				}},
			{name: "gopher-lua alone: the loop over empty records (bound)",
				run: func(e env) sample { return one(proc{args: []string{c.luaBoundBin, "each", n2}}) }},
			{name: "ip -j route show", run: func(e env) sample { return one(proc{args: []string{"ip", "-n", e.ns, "-j", "route", "show"}}) }},
			{name: "pyroute2", run: func(e env) sample { return one(proc{args: []string{c.python, py, "dump-routes", e.ns}}) }},
			{name: "vishvananda", run: func(e env) sample { return one(proc{args: []string{c.vishBin, "dump-routes", e.ns}}) }},
		},
	})

	cniConf := func(dir string) string {
		return fmt.Sprintf(`{"cniVersion":"1.0.0","name":"nlshbench","type":"bridge","bridge":"cni0",`+
			`"isGateway":true,"isDefaultGateway":true,"ipam":{"type":"host-local",`+
			`"ranges":[[{"subnet":"10.200.0.0/16","gateway":"10.200.0.1"}]],"dataDir":%q}}`, dir)
	}
	perContainer := func(e env, mk func(i int, cname string) proc) sample {
		ps := make([]proc, c.w3)
		for i := range ps {
			ps[i] = mk(i, e.prefix+strconv.Itoa(i))
		}
		return runProcs(ps...)
	}
	all = append(all, &workload{
		id: "W3", title: fmt.Sprintf("W3 wire %d containers (veth, addr, up, default route)", c.w3), unit: c.w3,
		run: func(e env) (env, func(), error) {
			e.ns = fmt.Sprintf("%sw3h-%d", nsPrefix, os.Getpid())
			e.prefix = fmt.Sprintf("%sw3c-%d-", nsPrefix, os.Getpid())
			names := []string{e.ns}
			for i := range c.w3 {
				names = append(names, e.prefix+strconv.Itoa(i))
			}
			dir, err := os.MkdirTemp(c.tmp, "w3-")
			if err != nil {
				return e, func() {}, err
			}
			e.dir = dir
			done := func() {
				delNS(names...)
				os.RemoveAll(dir)
				time.Sleep(c.settle) // let the kernel's namespace cleanup finish off the clock
			}
			if err := addNS(names...); err != nil {
				done()
				return e, func() {}, err
			}
			return e, done, nil
		},
		peers: []peer{
			{name: "raw floor (peer created inside)", floor: true,
				run: func(e env) sample { return one(proc{args: []string{c.floorBin, "wire", e.ns, e.prefix, n3}}) }},
			{name: "nlsh, all from one script", nlsh: "rtnl", goal: &goal{text: "≤ 1.3×", maxRatio: 1.3},
				run: func(e env) sample { return one(nlshIn(e.ns, lua("w3_wire.lua"), e.prefix, n3)) }},
			{name: "nlsh, a process per container", nlsh: "rtnl", goal: &goal{text: "p50 ≤ 3 ms per process", maxMs: 3, perProc: true},
				run: func(e env) sample {
					return perContainer(e, func(i int, cname string) proc {
						return nlshIn(e.ns, lua("w3_one.lua"), cname, strconv.Itoa(i))
					})
				}},
			{name: "CNI bridge plugin (process per container)", run: func(e env) sample {
				conf := cniConf(e.dir)
				return perContainer(e, func(i int, cname string) proc {
					return proc{args: []string{c.cniBridge}, ns: e.ns, stdin: conf, env: []string{
						"CNI_COMMAND=ADD", "CNI_CONTAINERID=nlshbench" + strconv.Itoa(i),
						"CNI_NETNS=/run/netns/" + cname, "CNI_IFNAME=eth0", "CNI_PATH=" + filepath.Dir(c.cniBridge)}}
				})
			}},
			{name: "shell of ip (process per container)", run: func(e env) sample {
				script := filepath.Join(c.repo, "bench", "sh", "w3_one.sh")
				return perContainer(e, func(i int, cname string) proc {
					return proc{args: []string{"sh", script, e.ns, cname, strconv.Itoa(i)}}
				})
			}},
			{name: "pyroute2", run: func(e env) sample { return one(proc{args: []string{c.python, py, "wire", e.ns, e.prefix, n3}}) }},
			{name: "vishvananda, peer created inside", run: func(e env) sample {
				return one(proc{args: []string{c.vishBin, "wire", e.ns, e.prefix, n3, "direct"}})
			}},
			{name: "vishvananda, create then move", run: func(e env) sample {
				return one(proc{args: []string{c.vishBin, "wire", e.ns, e.prefix, n3, "move"}})
			}},
		},
	})

	all = append(all, &workload{
		id: "W4", title: fmt.Sprintf("W4 add %d addresses on one link", c.w4), run: fresh("w4"),
		peers: []peer{
			{name: "raw floor", floor: true, run: func(e env) sample { return one(proc{args: []string{c.floorBin, "addrs", e.ns, n4}}) }},
			{name: "nlsh (rtnl.batch)", nlsh: "rtnl", goal: &goal{text: "≤ 1.1×", maxRatio: 1.1},
				run: func(e env) sample { return one(nlshIn(e.ns, lua("w4_addrs.lua"), n4)) }},
			{name: "nlsh's script alone, no netlink (bound)", nlsh: "rtnl",
				run: func(e env) sample { return one(nlshIn(e.ns, lua("w4_lua_only.lua"), n4)) }},
			{name: "ip -batch", run: func(e env) sample { return one(proc{args: []string{"ip", "-n", e.ns, "-batch", w4Batch}}) }},
			{name: "pyroute2", run: func(e env) sample { return one(proc{args: []string{c.python, py, "addrs", e.ns, n4}}) }},
			{name: "vishvananda one Handle", run: func(e env) sample { return one(proc{args: []string{c.vishBin, "addrs", e.ns, n4, "handle"}}) }},
			{name: "vishvananda package funcs", run: func(e env) sample { return one(proc{args: []string{c.vishBin, "addrs", e.ns, n4, "pkg"}}) }},
		},
	})

	all = append(all, &workload{
		id: "W5", title: fmt.Sprintf("W5 dump %d links", 2*c.w5pairs+1),
		once: func(e env) (env, func(), error) {
			e.ns = fmt.Sprintf("%sw5-%d", nsPrefix, os.Getpid())
			if err := addNS(e.ns); err != nil {
				return e, func() {}, err
			}
			done := func() { delNS(e.ns) }
			if s := runProcs(proc{args: []string{c.floorBin, "veths", e.ns, strconv.Itoa(c.w5pairs)}}); s.err != nil {
				done()
				return e, func() {}, s.err
			}
			return e, done, nil
		},
		peers: []peer{
			{name: "raw floor", floor: true, run: func(e env) sample { return one(proc{args: []string{c.floorBin, "dump-links", e.ns}}) }},
			{name: "nlsh (link.list)", nlsh: "rtnl", goal: &goal{text: "≤ 1.3×", maxRatio: 1.3},
				run: func(e env) sample { return one(nlshIn(e.ns, lua("w5_links.lua"))) }},
			{name: "ip -j link show", run: func(e env) sample { return one(proc{args: []string{"ip", "-n", e.ns, "-j", "link", "show"}}) }},
			{name: "pyroute2", run: func(e env) sample { return one(proc{args: []string{c.python, py, "dump-links", e.ns}}) }},
			{name: "vishvananda", run: func(e env) sample { return one(proc{args: []string{c.vishBin, "dump-links", e.ns}}) }},
		},
	})

	all = append(all, &workload{
		id: "S", title: "start-up (empty namespace)", reps: c.startReps,
		once: func(e env) (env, func(), error) {
			e.ns = fmt.Sprintf("%sstart-%d", nsPrefix, os.Getpid())
			if err := addNS(e.ns); err != nil {
				return e, func() {}, err
			}
			return e, func() { delNS(e.ns) }, nil
		},
		peers: []peer{
			{name: "raw floor (exec of a Go binary that exits)", floor: true,
				run: func(e env) sample { return one(proc{args: []string{c.floorBin, "noop"}, ns: e.ns}) }},
			{name: "nlsh -e 'return 1'", nlsh: "bin", goal: &goal{text: "≤ 5 ms, RSS ≤ 20 MiB", maxMs: 5, maxRSS: 20},
				run: func(e env) sample { return one(proc{args: []string{c.nlsh, "-e", "return 1"}, ns: e.ns}) }},
			{name: "ip link show", run: func(e env) sample { return one(proc{args: []string{"ip", "link", "show"}, ns: e.ns}) }},
		},
	})

	if c.w6 > 0 {
		n6 := strconv.Itoa(c.w6)
		nftFile := filepath.Join(c.tmp, "w6.nft")
		var b strings.Builder
		b.WriteString("table inet nlshbench {\n\tchain input { type filter hook input priority 0; policy accept; }\n}\n")
		for i := range c.w6 {
			fmt.Fprintf(&b, "add rule inet nlshbench input ip saddr 10.%d.%d.%d tcp dport 80 counter accept\n", i>>16&255, i>>8&255, i&255)
		}
		must(os.WriteFile(nftFile, []byte(b.String()), 0o644))
		empty := func(tag string) func(env) (env, func(), error) {
			return func(e env) (env, func(), error) {
				e.ns = fmt.Sprintf("%s%s-%d", nsPrefix, tag, os.Getpid())
				if err := addNS(e.ns); err != nil {
					return e, func() {}, err
				}
				return e, func() { delNS(e.ns) }, nil
			}
		}
		all = append(all, &workload{
			id: "W6", title: fmt.Sprintf("W6 nft: load %d rules (one transaction)", c.w6), run: empty("w6"),
			peers: []peer{
				{name: "nlsh (nfnl.transaction)", nlsh: "nfnl", run: func(e env) sample { return one(nlshIn(e.ns, lua("w6_nft_load.lua"), n6)) }},
				{name: "nft -f", run: func(e env) sample { return one(proc{args: []string{c.nft, "-f", nftFile}, ns: e.ns}) }},
			},
		})
		all = append(all, &workload{
			id: "W6L", title: fmt.Sprintf("W6 nft: list a ruleset of %d rules", c.w6),
			round: func(e env) (env, func(), error) {
				e, done, err := empty("w6l")(e)
				if err != nil {
					return e, done, err
				}
				if s := runProcs(proc{args: []string{c.nft, "-f", nftFile}, ns: e.ns}); s.err != nil {
					done()
					return e, func() {}, s.err
				}
				return e, done, nil
			},
			peers: []peer{
				{name: "nlsh (nfnl ruleset)", nlsh: "nfnl", run: func(e env) sample { return one(nlshIn(e.ns, lua("w6_nft_list.lua"))) }},
				{name: "nft list ruleset", run: func(e env) sample { return one(proc{args: []string{c.nft, "list", "ruleset"}, ns: e.ns}) }},
			},
		})
	}
	return all
}

func must(err error) {
	if err != nil {
		fatal(err)
	}
}
