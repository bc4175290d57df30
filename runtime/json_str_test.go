package runtime

import (
	"bytes"
	"encoding/json"
	"testing"
)

// Every byte, alone and between others, is written as encoding/json
// writes it: the writer's test of which bytes pass as they are is right.
func TestStrAllBytes(t *testing.T) {
	for c := 0; c < 256; c++ {
		for _, s := range []string{string([]byte{byte(c)}), "a" + string([]byte{byte(c)}) + "b"} {
			e := &jsonWriter{}
			e.str(s)
			want, _ := json.Marshal(s)
			if !bytes.Equal(e.out, want) {
				t.Errorf("%q: %s, want %s", s, e.out, want)
			}
		}
	}
}
