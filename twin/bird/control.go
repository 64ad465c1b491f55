package bird

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"strings"
	"time"
)

// replyLine is one line of a BIRD control-socket reply: its code (0 for a continuation line that
// repeats the previous code) and its text.
type replyLine struct {
	code int
	text string
}

// controlError is a reply whose final code is an error (8xxx runtime, 9xxx syntax).
type controlError struct {
	cmd  string
	code int
	msg  string
}

func (e *controlError) Error() string {
	return fmt.Sprintf("bird: %q: %04d %s", e.cmd, e.code, e.msg)
}

// command sends one command to the BIRD control socket at sock and returns the reply lines, each
// continuation line carrying the code of the line it continues. It speaks the protocol birdc
// speaks: a greeting, then for each command lines "DDDD-text" (more follows), " text"
// (continuation) and a last line "DDDD text".
func command(ctx context.Context, sock, cmd string) ([]replyLine, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", sock)
	if err != nil {
		return nil, fmt.Errorf("bird: connect to control socket %s: %w", sock, err)
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	r := bufio.NewReaderSize(conn, 64<<10)
	read := func() ([]replyLine, error) {
		var out []replyLine
		last := 0
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				return nil, fmt.Errorf("bird: read reply to %q from %s: %w", cmd, sock, err)
			}
			line = strings.TrimRight(line, "\n")
			if strings.HasPrefix(line, " ") {
				out = append(out, replyLine{code: last, text: line[1:]})
				continue
			}
			if len(line) < 5 {
				return nil, fmt.Errorf("bird: malformed reply line %q to %q", line, cmd)
			}
			var code int
			if _, err := fmt.Sscanf(line[:4], "%04d", &code); err != nil {
				return nil, fmt.Errorf("bird: malformed reply line %q to %q", line, cmd)
			}
			last = code
			out = append(out, replyLine{code: code, text: line[5:]})
			if line[4] == ' ' {
				return out, nil
			}
		}
	}
	if _, err := read(); err != nil { // greeting "0001 BIRD 1.6.8 ready."
		return nil, err
	}
	if _, err := conn.Write([]byte(cmd + "\n")); err != nil {
		return nil, fmt.Errorf("bird: send %q to %s: %w", cmd, sock, err)
	}
	lines, err := read()
	if err != nil {
		return nil, err
	}
	if last := lines[len(lines)-1]; last.code >= 8000 {
		return lines, &controlError{cmd: cmd, code: last.code, msg: last.text}
	}
	return lines, nil
}
