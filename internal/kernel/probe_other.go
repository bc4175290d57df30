//go:build !linux

package kernel

import "errors"

var errNotLinux = errors.New("not Linux")

func release() string { return "" }

func probeLinkKind(string) (bool, error) { return false, errNotLinux }

func probeGenlFamily(string) (bool, error) { return false, errNotLinux }

func probeModule(string) (bool, error) { return false, errNotLinux }
