package socket

import (
	"encoding/hex"
	"fmt"
	"io"
	"sync"

	"github.com/nlsh/nlsh/core/codec"
)

// TraceWriter returns a TraceFunc that writes one line per message to w:
// the direction, the header, and describe(m) — typically a schema
// decoder's rendering — or, when describe is nil or returns "", the
// payload in hex. Lines from several Conns sharing w do not interleave.
//
//	> send RTM_NEWLINK flags=0x605 seq=3 pid=0 len=40: {...}
func TraceWriter(w io.Writer, name TypeNamer, describe func(codec.Message) string) TraceFunc {
	var mu sync.Mutex
	return func(dir Direction, m codec.Message) {
		typ := ""
		if name != nil {
			typ = name.TypeName(m.Header.Type)
		}
		if typ == "" {
			switch m.Header.Type {
			case codec.TypeNoop:
				typ = "NLMSG_NOOP"
			case codec.TypeError:
				typ = "NLMSG_ERROR"
			case codec.TypeDone:
				typ = "NLMSG_DONE"
			case codec.TypeOverrun:
				typ = "NLMSG_OVERRUN"
			default:
				typ = fmt.Sprintf("type=%d", m.Header.Type)
			}
		}
		body := ""
		if describe != nil {
			body = describe(m)
		}
		if body == "" {
			body = hex.EncodeToString(m.Data)
		}
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, "%s %s flags=%#x seq=%d pid=%d len=%d: %s\n",
			dir, typ, m.Header.Flags, m.Header.Seq, m.Header.PID, codec.HeaderLen+len(m.Data), body)
	}
}
