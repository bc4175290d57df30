package ruletext

import (
	"fmt"
	"strconv"
	"strings"
)

// tokenize splits rule text into words, quoted strings (kept with their
// quotes), braces and commas.
func tokenize(s string) ([]string, error) {
	var out []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			i++
		case c == '{' || c == '}' || c == ',':
			out = append(out, string(c))
			i++
		case c == '"':
			j := strings.IndexByte(s[i+1:], '"')
			if j < 0 {
				return nil, fmt.Errorf("unterminated string at byte %d", i)
			}
			end := i + j + 2
			// a range of quoted values ("17:00"-"18:30") is one token
			if strings.HasPrefix(s[end:], `-"`) {
				if k := strings.IndexByte(s[end+2:], '"'); k >= 0 {
					end += k + 3
				}
			}
			out = append(out, s[i:end])
			i = end
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\n{},\"", rune(s[j])) {
				j++
			}
			out = append(out, s[i:j])
			i = j
		}
	}
	return out, nil
}

// lexer walks tokens.
type lexer struct {
	toks []string
	pos  int
}

func (l *lexer) peek() string {
	if l.pos < len(l.toks) {
		return l.toks[l.pos]
	}
	return ""
}

func (l *lexer) next() string {
	t := l.peek()
	if l.pos < len(l.toks) {
		l.pos++
	}
	return t
}

// peekAt returns the token n after the next one ("" past the end).
func (l *lexer) peekAt(n int) string {
	if l.pos+n < len(l.toks) {
		return l.toks[l.pos+n]
	}
	return ""
}

func (l *lexer) done() bool { return l.pos >= len(l.toks) }

func (l *lexer) accept(s string) bool {
	if l.peek() == s {
		l.pos++
		return true
	}
	return false
}

func (l *lexer) expect(s string) error {
	if t := l.next(); t != s {
		return fmt.Errorf("expected %q, got %q", s, t)
	}
	return nil
}

// quote is unquote's inverse: the text between quotes as is (the lexer
// reads a quoted string verbatim, up to the next quote, as nft does), so
// that printed text compiles back to the same bytes; strconv.Quote's
// escapes (\x80, \\) would be read as themselves. Only a string holding a
// quote, which rule text cannot express, falls back to Go's quoting.
func quote(s string) string {
	if strings.IndexByte(s, '"') < 0 {
		return `"` + s + `"`
	}
	return strconv.Quote(s)
}

func unquote(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return s[1 : len(s)-1]
	}
	return s
}
