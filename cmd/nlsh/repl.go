package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"

	"github.com/chzyer/readline"
	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/runtime"
)

const (
	prompt     = "nlsh> "
	contPrompt = "  >> "
)

// historyPath is $NLSH_HISTORY, else $XDG_STATE_HOME/nlsh/history, else
// ~/.nlsh_history.
func historyPath() string {
	if p := os.Getenv("NLSH_HISTORY"); p != "" {
		return p
	}
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "nlsh", "history")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".nlsh_history")
	}
	return ""
}

// repl runs the interactive loop. The runtime is used by this goroutine and,
// for completion, by readline's: mu hands it over between them.
func repl(ctx context.Context, f *flags, opts runtime.Options, std stdio) int {
	rt, err := runtime.New(opts)
	if err != nil {
		fmt.Fprintf(std.err, "nlsh: %v\n", err)
		return exitError
	}
	defer rt.Close()
	var mu sync.Mutex
	hist := historyPath()
	if hist != "" {
		os.MkdirAll(filepath.Dir(hist), 0o700)
	}
	// readline's Close waits for its reading goroutine, which may be
	// blocked reading the terminal (asked for a next key just before
	// Ctrl-D was handled): closing a cancelable reader first ends that
	// read, so leaving never hangs until another key comes.
	in := readline.NewCancelableStdin(std.in)
	rl, err := readline.NewEx(&readline.Config{
		Prompt:                 prompt,
		HistoryFile:            hist,
		DisableAutoSaveHistory: true,
		AutoComplete:           &completer{rt: rt, mu: &mu},
		InterruptPrompt:        "^C",
		EOFPrompt:              "",
		Stdin:                  in,
		Stdout:                 std.out,
		Stderr:                 std.err,
	})
	if err != nil {
		in.Close()
		fmt.Fprintf(std.err, "nlsh: %v\n", err)
		return exitError
	}
	defer rl.Close()
	defer in.Close() // first: see above
	fmt.Fprintf(rl.Stdout(), "nlsh %s — help() lists the modules, Ctrl-D leaves\n", versionString())
	var buf []string
	for {
		line, err := rl.Readline()
		if errors.Is(err, readline.ErrInterrupt) {
			buf = buf[:0]
			rl.SetPrompt(prompt)
			continue
		}
		if err != nil { // io.EOF: Ctrl-D
			return exitOK
		}
		if len(buf) == 0 && strings.TrimSpace(line) == "" {
			continue
		}
		buf = append(buf, line)
		code := strings.Join(buf, "\n")
		mu.Lock()
		fn, more, cerr := compileLine(rt, code)
		mu.Unlock()
		if more {
			rl.SetPrompt(contPrompt)
			continue
		}
		buf = buf[:0]
		rl.SetPrompt(prompt)
		rl.SaveHistory(strings.Join(strings.Fields(strings.ReplaceAll(code, "\n", " \n ")), " "))
		if cerr != nil {
			fmt.Fprintf(rl.Stderr(), "%s\n", cerr)
			continue
		}
		mu.Lock()
		evalLine(ctx, f, rt, fn, rl.Stdout(), rl.Stderr())
		mu.Unlock()
	}
}

// compileLine compiles a REPL entry: as an expression whose values are
// printed ("1+1"), else as a statement. more says the input ended inside a
// statement, so the REPL asks for another line.
func compileLine(rt *runtime.Runtime, code string) (fn *lua.LFunction, more bool, err error) {
	if fn, err := rt.Compile("stdin", "return "+code); err == nil {
		return fn, false, nil
	}
	fn, err = rt.Compile("stdin", code)
	var syn *runtime.SyntaxError
	if errors.As(err, &syn) && syn.AtEOF {
		return nil, true, nil
	}
	return fn, false, err
}

// evalLine runs one entry, Ctrl-C cancelling it, and pretty-prints what it
// returned.
func evalLine(ctx context.Context, f *flags, rt *runtime.Runtime, fn *lua.LFunction, out, errw io.Writer) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	defer signal.Stop(sig)
	go func() {
		select {
		case <-sig:
			cancel()
		case <-ctx.Done():
		}
	}()
	vals, err := rt.Call(ctx, fn)
	if err != nil {
		var exit *runtime.ExitError
		if errors.As(err, &exit) {
			fmt.Fprintf(errw, "(os.exit(%d) ignored in the REPL; Ctrl-D leaves)\n", exit.Code)
			return
		}
		reportError(f, stdio{err: errw}, err)
		return
	}
	if err := printValues(ctx, rt, f.json, out, vals); err != nil {
		reportError(f, stdio{err: errw}, err)
	}
}
