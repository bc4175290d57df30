//go:build !linux

package rtnl

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// readTablePath reads the file p, or the *.conf files of the directory p
// in name order; nothing when p does not exist.
func readTablePath(p string) ([]tableFile, error) {
	st, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	paths := []string{p}
	if st.IsDir() {
		ents, err := os.ReadDir(p)
		if err != nil {
			return nil, err
		}
		paths = paths[:0]
		for _, e := range ents {
			if isTableConf(e.Name()) {
				paths = append(paths, filepath.Join(p, e.Name()))
			}
		}
		sort.Strings(paths)
	}
	var files []tableFile
	for _, f := range paths {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		files = append(files, tableFile{f, b})
	}
	return files, nil
}
