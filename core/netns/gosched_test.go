package netns_test

import "runtime"

func runtimeGosched() { runtime.Gosched() }
