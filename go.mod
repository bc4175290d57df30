module github.com/nlsh/nlsh

go 1.26.0

require (
	github.com/chzyer/readline v1.5.1
	github.com/containernetworking/cni v1.3.0
	github.com/creack/pty v1.1.24
	github.com/opencontainers/runtime-spec v1.2.1
	github.com/yuin/gopher-lua v1.1.2
	golang.org/x/sys v0.50.0
)

require github.com/vishvananda/netns v0.0.4 // indirect
