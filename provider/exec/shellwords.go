package exec

import (
	"errors"
	"strings"
)

// Split splits a command line into words the way a POSIX shell does for a
// simple command, without running a shell: words are separated by blanks
// (space, tab, newline); 'single quotes' keep everything inside literally;
// "double quotes" keep everything but \" \\ \$ \` and \newline, which lose
// their backslash; outside quotes a backslash keeps the next character
// literally (and a backslash-newline is removed). Quotes join with
// adjacent text ("a"'b'c is one word abc) and "" is an empty word. There
// is no expansion of any kind: $VAR, ~, globs, ;, | and > are plain text.
func Split(line string) ([]string, error) {
	var (
		words  []string
		cur    strings.Builder
		inWord bool
	)
	for i := 0; i < len(line); i++ {
		ch := line[i]
		switch ch {
		case ' ', '\t', '\n', '\r':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case '\\':
			inWord = true
			if i+1 >= len(line) {
				return nil, errors.New("command line ends with a lone backslash")
			}
			i++
			if line[i] != '\n' {
				cur.WriteByte(line[i])
			}
		case '\'':
			inWord = true
			end := strings.IndexByte(line[i+1:], '\'')
			if end < 0 {
				return nil, errors.New("command line has an unterminated ' quote")
			}
			cur.WriteString(line[i+1 : i+1+end])
			i += end + 1
		case '"':
			inWord = true
			j, err := doubleQuoted(line, i+1, &cur)
			if err != nil {
				return nil, err
			}
			i = j
		default:
			inWord = true
			cur.WriteByte(ch)
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// doubleQuoted copies the inside of a "..." starting at line[i] into cur
// and returns the index of the closing quote.
func doubleQuoted(line string, i int, cur *strings.Builder) (int, error) {
	for ; i < len(line); i++ {
		switch ch := line[i]; ch {
		case '"':
			return i, nil
		case '\\':
			if i+1 < len(line) {
				switch next := line[i+1]; next {
				case '"', '\\', '$', '`':
					cur.WriteByte(next)
					i++
					continue
				case '\n':
					i++
					continue
				}
			}
			cur.WriteByte(ch)
		default:
			cur.WriteByte(ch)
		}
	}
	return 0, errors.New(`command line has an unterminated " quote`)
}
