package oci_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/nlsh/nlsh/engine/oci"
)

// FuzzReadState reads the state a runtime writes to a hook's standard
// input: a state that is accepted has a container id and no negative pid.
func FuzzReadState(f *testing.F) {
	for _, s := range []string{
		`{"ociVersion":"1.2.0","id":"c1","status":"creating","pid":42,"bundle":"/b","annotations":{"k":"v"}}`,
		`{"ociVersion":"1.0.2","id":"abc","status":"stopped","bundle":"/run/containers/abc"}`,
		`{"id":"c","pid":-1}`, `{"id": 1}`, `null`, `[]`, `{"id":"x","annotations":{"a":null}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := oci.ReadState(bytes.NewReader(data))
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error spans lines: %q", err)
			}
			return
		}
		if st.ID == "" || st.Pid < 0 {
			t.Fatalf("accepted state %+v", st)
		}
		_ = oci.IsHook(st.ID)
	})
}
