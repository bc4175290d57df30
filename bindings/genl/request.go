package genl

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/families/genl"
)

// headerFlags are the NLM_F_* names genl.request takes in flags.
var headerFlags = map[string]uint16{
	"dump": codec.Dump, "root": codec.Root, "match": codec.Match, "atomic": codec.Atomic,
	"replace": codec.Replace, "excl": codec.Excl, "create": codec.Create, "append": codec.Append,
	"echo": codec.Echo,
}

func flagNames() []string {
	names := make([]string, 0, len(headerFlags))
	for n := range headerFlags {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// readFlags reads flags = {"dump", ...} or an integer.
func readFlags(a *bindings.Args) uint16 {
	v := a.Value("flags", bindings.Optional)
	switch v.(type) {
	case *lua.LNilType:
		return 0
	case lua.LNumber:
		return uint16(a.Int("flags", bindings.Optional, 0, 0xffff))
	}
	var flags uint16
	for i, s := range a.Strings("flags", bindings.Optional) {
		f, ok := headerFlags[strings.ToLower(s)]
		if !ok {
			a.Fail(fmt.Sprintf("flags[%d]", i+1), "%q is not one of %s", s, strings.Join(flagNames(), ", "))
		}
		flags |= f
	}
	return flags
}

// readCommand reads cmd: a number, or a name the family's schema knows.
func readCommand(a *bindings.Args, family string, fs *genl.FamilySchema) uint8 {
	v := a.Value("cmd", bindings.Required)
	if _, ok := v.(lua.LNumber); ok {
		return uint8(a.Int("cmd", bindings.Required, 0, 255))
	}
	name := a.String("cmd", bindings.Required)
	if fs == nil {
		a.Fail("cmd", "family %s has no schema here: give the command as a number", family)
	}
	if cmd, ok := fs.CommandByName(strings.ToUpper(strings.ReplaceAll(name, "-", "_"))); ok {
		return cmd
	}
	names := make([]string, len(fs.Commands))
	for i, c := range fs.Commands {
		names[i] = c.Name
	}
	a.Fail("cmd", "%q is not a command of %s (%s)", name, family, strings.Join(names, ", "))
	return 0
}

// request is genl.request{family=, cmd=, flags=, attrs=, raw=}.
func (a *api) request(L *lua.LState) int {
	const fn = "genl.request"
	args := bindings.Table(L, 1, fn)
	family := args.String("family", bindings.Required)
	if family == "" {
		args.Fail("family", "empty family name")
	}
	raw := args.Bool("raw", bindings.Optional)
	cl := a.client(L, fn)
	var fs *genl.FamilySchema
	if !raw {
		fs = cl.g.Schema(family)
	}
	cmd := readCommand(args, family, fs)
	flags := readFlags(args)
	var attrs map[string]any
	if t := args.Table("attrs", bindings.Optional); t != nil {
		attrs = attrsFromLua(args, "attrs", t.LTable())
	}
	args.Done()
	b, err := genl.EncodeAttrs(fs, cmd, attrs)
	if err != nil {
		var fe *codec.FieldError
		if errors.As(err, &fe) {
			bindings.ArgError(L, fn, "field %q: %v", "attrs."+fe.Path, fe.Err)
		}
		bindings.ArgError(L, fn, "field \"attrs\": %v", err)
	}
	ctx := bindings.Context(L)
	out := L.NewTable()
	add := func(m genl.Message) error {
		rep, err := genl.DecodeReply(family, fs, m)
		if err != nil {
			return err
		}
		t := L.CreateTable(0, 5)
		t.RawSetString("family", lua.LString(family))
		t.RawSetString("cmd", lua.LNumber(rep.Command))
		t.RawSetString("cmd_name", lua.LString(rep.CommandName))
		t.RawSetString("version", lua.LNumber(rep.Version))
		t.RawSetString("attrs", treeToLua(L, rep.Attrs.Map()))
		out.Append(t)
		return nil
	}
	if flags&codec.Dump == codec.Dump {
		err = cl.g.DumpEach(ctx, family, cmd, b, add)
	} else {
		var msgs []genl.Message
		msgs, err = cl.g.Do(ctx, family, cmd, flags, b)
		for _, m := range msgs {
			if err = add(m); err != nil {
				break
			}
		}
	}
	if err != nil {
		raise(L, fn, err)
	}
	L.Push(out)
	return 1
}
