package plugin

import (
	"bufio"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// LogDirName is the directory under plugin_directory that holds the
// plugins' log files. Its leading dot keeps it out of PluginDirs.
const LogDirName = ".logs"

// logFileMax is the size at which a plugin's log file is rotated: the
// file becomes NAME.log.1 (replacing the previous one) and a new file
// starts, so a plugin's log never takes more than twice this.
const logFileMax = 1 << 20

// logFiles appends plugin log lines to LogDir/NAME.log, one open file per
// plugin. Lines are written with O_APPEND, so processes sharing the
// directory (serve and a bench run) interleave whole lines.
type logFiles struct {
	dir string

	mu    sync.Mutex
	files map[string]*logFile
	// failed is set once the directory cannot be written; the host then
	// keeps logging to its logger only.
	failed bool
}

type logFile struct {
	f    *os.File
	size int64
}

func newLogFiles(dir string) *logFiles { return &logFiles{dir: dir, files: map[string]*logFile{}} }

// LogPath is the log file of plugin name under dir.
func LogPath(dir, name string) string { return filepath.Join(dir, name+".log") }

// write appends one line; errors are reported once to log and then the
// file log is off, never failing a call.
func (l *logFiles) write(log *slog.Logger, name string, level slog.Level, msg string) {
	if l == nil {
		return
	}
	line := fmt.Sprintf("%s %-5s %s\n", time.Now().UTC().Format(time.RFC3339Nano), level.String(), oneLineLog(msg))
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.failed {
		return
	}
	if err := l.append(name, line); err != nil {
		l.failed = true
		log.Warn("plugin log file not written; plugin log lines go to this log only", "dir", l.dir, "err", err)
	}
}

func (l *logFiles) append(name, line string) error {
	lf, err := l.open(name)
	if err != nil {
		return err
	}
	if lf.size+int64(len(line)) > logFileMax && lf.size > 0 {
		_ = lf.f.Close()
		delete(l.files, name)
		path := LogPath(l.dir, name)
		if err := os.Rename(path, path+".1"); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("rotate %s: %w", path, err)
		}
		if lf, err = l.open(name); err != nil {
			return err
		}
	}
	n, err := lf.f.WriteString(line)
	lf.size += int64(n)
	return err
}

func (l *logFiles) open(name string) (*logFile, error) {
	if lf, ok := l.files[name]; ok {
		return lf, nil
	}
	if err := os.MkdirAll(l.dir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(LogPath(l.dir, name), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	lf := &logFile{f: f, size: fi.Size()}
	l.files[name] = lf
	return lf, nil
}

func (l *logFiles) close() error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	var errs []error
	for name, lf := range l.files {
		errs = append(errs, lf.f.Close())
		delete(l.files, name)
	}
	return errors.Join(errs...)
}

// oneLineLog keeps a log line on one line of the file.
func oneLineLog(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.NewReplacer("\r", `\r`, "\n", `\n`).Replace(s)
}

// ReadLog returns the last n lines of plugin name's log under dir (the
// rotated file first), all of them when n <= 0. A plugin that never
// logged has none.
func ReadLog(dir, name string, n int) ([]string, error) {
	if !namePattern.MatchString(name) {
		return nil, fmt.Errorf("plugin name %q: want 1-64 of a-z 0-9 - _", name)
	}
	var lines []string
	path := LogPath(dir, name)
	for _, p := range []string{path + ".1", path} {
		f, err := os.Open(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("plugin log: %w", err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64<<10), 2*logFileMax)
		for sc.Scan() {
			lines = append(lines, sc.Text())
			if n > 0 && len(lines) > 2*n {
				lines = append(lines[:0], lines[len(lines)-n:]...)
			}
		}
		err = sc.Err()
		_ = f.Close()
		if err != nil {
			return nil, fmt.Errorf("plugin log %s: %w", p, err)
		}
	}
	if n > 0 && len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return lines, nil
}
