package codec

import (
	"reflect"
	"testing"
)

// Current is the message Message returns, where the iterator holds it:
// it follows Next, message after message.
func TestMessageIterCurrent(t *testing.T) {
	var b []byte
	for i, data := range [][]byte{{1, 2, 3}, nil, {4, 5, 6, 7, 8}} {
		b = Message{Header: Header{Type: uint16(16 + i), Seq: uint32(i)}, Data: data}.Append(b)
	}
	want, err := ParseMessages(b)
	if err != nil || len(want) != 3 {
		t.Fatalf("ParseMessages: %d, %v", len(want), err)
	}
	it := NewMessageIter(b)
	cur := it.Current()
	for i := 0; it.Next(); i++ {
		if it.Current() != cur {
			t.Fatal("Current moved")
		}
		if m := it.Message(); !reflect.DeepEqual(*cur, m) || !reflect.DeepEqual(m, want[i]) {
			t.Fatalf("message %d: Current %+v, Message %+v, want %+v", i, *cur, m, want[i])
		}
	}
}
