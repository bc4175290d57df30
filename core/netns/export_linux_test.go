package netns

// Hooks for the package's external tests.

// ForceKept makes th use a kept thread, as when going home could be
// refused.
func (th *Thread) ForceKept() { th.mode.Store(modeKept) }

// Here reports whether th makes sockets on the calling thread.
func (th *Thread) Here() bool { return th.here() }

// SetSetns replaces the setns th calls.
func (th *Thread) SetSetns(f func(fd, nstype int) error) { th.setns = f }
