package render

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// progressDelay is how long work runs before progress is shown: quick work shows none.
const progressDelay = 300 * time.Millisecond

// progressEvery is the least time between two updates of the line.
const progressEvery = 100 * time.Millisecond

// Progress shows "what: done/total" on one line of a terminal while long work runs, and clears
// it when done. On anything but a terminal (a pipe, a file, cron) it writes nothing. Update may
// be called from several goroutines.
type Progress struct {
	mu    sync.Mutex
	w     io.Writer
	on    bool
	what  string
	start time.Time
	last  time.Time
	shown bool
}

// NewProgress returns a Progress writing to w (stderr) when w is a terminal.
func NewProgress(w io.Writer, what string) *Progress {
	return &Progress{w: w, on: IsTerminal(w), what: what, start: time.Now()}
}

// Update shows that done of total steps are done.
func (p *Progress) Update(done, total int) {
	if p == nil || !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if now.Sub(p.start) < progressDelay || now.Sub(p.last) < progressEvery {
		return
	}
	p.last, p.shown = now, true
	fmt.Fprintf(p.w, "\r\x1b[K%s: %d/%d", p.what, done, total)
}

// Done clears the progress line, if one was shown.
func (p *Progress) Done() {
	if p == nil || !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.shown = false
	}
}

// While shows "what… 1.2s" on the terminal, updated as the time runs, for work whose size is
// not known beforehand (watch's first scan), until stop is called; stop clears the line. As
// Update, it shows nothing for progressDelay, and nothing at all off a terminal.
func (p *Progress) While() (stop func()) {
	if p == nil || !p.on {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(progressEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case now := <-t.C:
				if el := now.Sub(p.start); el >= progressDelay {
					p.mu.Lock()
					p.shown = true
					fmt.Fprintf(p.w, "\r\x1b[K%s… %.1fs", p.what, el.Seconds())
					p.mu.Unlock()
				}
			}
		}
	}()
	return func() {
		close(done)
		<-finished
		p.Done()
	}
}
