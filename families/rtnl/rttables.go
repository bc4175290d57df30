package rtnl

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// Routing table numbers the kernel reserves (RT_TABLE_*).
const (
	TableUnspec  uint32 = 0
	TableCompat  uint32 = 252
	TableDefault uint32 = 253
	TableMain    uint32 = 254
	TableLocal   uint32 = 255
)

// defaultTablePaths are where iproute2 reads routing table names from, in
// the order read (a later file overrides an earlier one): the vendor
// defaults, then the administrator's files. A directory stands for its
// *.conf files.
var defaultTablePaths = [...]string{
	"/usr/share/iproute2/rt_tables",
	"/usr/share/iproute2/rt_tables.d",
	"/etc/iproute2/rt_tables",
	"/etc/iproute2/rt_tables.d",
}

// DefaultTablePaths returns the files and directories LoadTables reads when
// given none, as iproute2 reads them.
func DefaultTablePaths() []string { return append([]string(nil), defaultTablePaths[:]...) }

// Tables maps routing table names to numbers, like iproute2's rt_tables.
// A *Tables is immutable once loaded and safe to share; the nil *Tables
// knows the built-in names only (main, local, default, unspec).
type Tables struct {
	byName map[string]uint32
	byID   map[uint32]string
}

var builtinTableNames = [...]struct {
	name string
	id   uint32
}{
	{"unspec", TableUnspec}, {"default", TableDefault}, {"main", TableMain}, {"local", TableLocal},
}

// BuiltinTables knows only the names the kernel reserves.
func BuiltinTables() *Tables {
	t := &Tables{byName: map[string]uint32{}, byID: map[uint32]string{}}
	for _, b := range builtinTableNames {
		t.add(b.name, b.id)
	}
	return t
}

func (t *Tables) add(name string, id uint32) {
	if old, ok := t.byID[id]; ok {
		delete(t.byName, old)
	}
	if oldID, ok := t.byName[name]; ok {
		delete(t.byID, oldID)
	}
	t.byName[name] = id
	t.byID[id] = name
}

// LoadTables reads table names from the given files and directories (all
// *.conf files of a directory, in name order), on top of the built-in
// names. Paths that do not exist are skipped; with no paths it reads
// DefaultTablePaths. A malformed line is an error naming file and line.
func LoadTables(paths ...string) (*Tables, error) {
	if len(paths) == 0 {
		paths = defaultTablePaths[:]
	}
	t := BuiltinTables()
	for _, p := range paths {
		files, err := readTablePath(p)
		if err != nil {
			return nil, fmt.Errorf("routing table names: %w", err)
		}
		for _, f := range files {
			if err := t.parse(f.path, f.data); err != nil {
				return nil, err
			}
		}
	}
	return t, nil
}

// tableFile is one file of table names and what it holds.
type tableFile struct {
	path string
	data []byte
}

// isTableConf says whether a directory entry is read as table names.
func isTableConf(name string) bool { return strings.HasSuffix(name, ".conf") }

// parse reads lines of "NUMBER NAME" (decimal or 0x hex), with comments
// after '#', as iproute2 does.
func (t *Tables) parse(path string, data []byte) error {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for line := 1; sc.Scan(); line++ {
		s := sc.Text()
		if i := strings.IndexByte(s, '#'); i >= 0 {
			s = s[:i]
		}
		fields := strings.Fields(s)
		if len(fields) == 0 {
			continue
		}
		if len(fields) != 2 {
			return fmt.Errorf("routing table names: %s:%d: want \"NUMBER NAME\", have %q", path, line, strings.TrimSpace(s))
		}
		id, err := strconv.ParseUint(fields[0], 0, 32)
		if err != nil {
			return fmt.Errorf("routing table names: %s:%d: bad table number %q", path, line, fields[0])
		}
		t.add(fields[1], uint32(id))
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("routing table names: %s: %w", path, err)
	}
	return nil
}

// ID resolves a table given by name ("main", a name from rt_tables) or by
// number ("100", "0x64"). An unknown name is an *ArgError naming "table".
func (t *Tables) ID(name string) (uint32, error) {
	if t == nil {
		t = BuiltinTables()
	}
	if id, ok := t.byName[name]; ok {
		return id, nil
	}
	if id, err := strconv.ParseUint(name, 0, 32); err == nil {
		return uint32(id), nil
	}
	return 0, badArg("table", name, "unknown routing table name (not a number and not in rt_tables)")
}

// Name names a table number as `ip -j` does: its name if it has one,
// otherwise the number in decimal.
func (t *Tables) Name(id uint32) string {
	if t == nil {
		for _, b := range builtinTableNames {
			if b.id == id {
				return b.name
			}
		}
		return strconv.FormatUint(uint64(id), 10)
	}
	if n, ok := t.byID[id]; ok {
		return n
	}
	return strconv.FormatUint(uint64(id), 10)
}
