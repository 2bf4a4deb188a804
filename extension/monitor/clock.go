package monitor

import (
	"container/heap"
	"context"
	"time"
)

// Clock is the time a monitor runs on: real time in k6, virtual time in replay.
type Clock interface {
	Now() time.Time
	// Until waits until t (at once if t has passed) unless ctx ends or stop is closed first
	// (a nil stop never is); it reports whether t came.
	Until(ctx context.Context, t time.Time, stop <-chan struct{}) bool
	// Go runs f beside the caller.
	Go(f func())
}

// Real is the wall clock.
type Real struct{}

var _ Clock = Real{}

// Now is time.Now.
func (Real) Now() time.Time { return time.Now() }

// Go runs f in a goroutine.
func (Real) Go(f func()) { go f() }

// Until sleeps until t.
func (Real) Until(ctx context.Context, t time.Time, stop <-chan struct{}) bool {
	select { // an ended context or a closed stop wins over a time already past
	case <-ctx.Done():
		return false
	case <-stop:
		return false
	default:
	}
	d := time.Until(t)
	if d <= 0 {
		return true
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-stop:
		return false
	case <-timer.C:
		return true
	}
}

// Virtual is a clock whose time moves only when every process it runs is waiting: a
// deterministic discrete-event scheduler. Processes (Go) run one at a time; a waiting one
// resumes when its time is the earliest pending, ties in the order they began to wait. So a
// replay of a week takes seconds and comes out the same every time. Time ends at End: a wait
// for End or later returns false at once.
type Virtual struct {
	now, end time.Time
	queue    wakeups
	seq      uint64
	baton    chan struct{} // a running process hands control back on it when it waits or ends
}

var _ Clock = (*Virtual)(nil)

// NewVirtual returns a virtual clock at start that ends at end.
func NewVirtual(start, end time.Time) *Virtual {
	return &Virtual{now: start, end: end, baton: make(chan struct{})}
}

type wakeup struct {
	at    time.Time
	seq   uint64
	start func()        // a new process
	wake  chan struct{} // a waiting one
}

type wakeups []wakeup

func (w wakeups) Len() int { return len(w) }
func (w wakeups) Less(i, j int) bool {
	if c := w[i].at.Compare(w[j].at); c != 0 {
		return c < 0
	}
	return w[i].seq < w[j].seq
}
func (w wakeups) Swap(i, j int) { w[i], w[j] = w[j], w[i] }
func (w *wakeups) Push(x any)   { *w = append(*w, x.(wakeup)) }
func (w *wakeups) Pop() any {
	old := *w
	x := old[len(old)-1]
	*w = old[:len(old)-1]
	return x
}

func (v *Virtual) push(w wakeup) {
	v.seq++
	w.seq = v.seq
	heap.Push(&v.queue, w)
}

// Now is the virtual time.
func (v *Virtual) Now() time.Time { return v.now }

// Go starts f as a process at the current time, after those already due then.
func (v *Virtual) Go(f func()) { v.push(wakeup{at: v.now, start: f}) }

// Until suspends the calling process until t. It must be called from a process of v.
func (v *Virtual) Until(ctx context.Context, t time.Time, stop <-chan struct{}) bool {
	if !t.Before(v.end) {
		return false
	}
	w := wakeup{at: t, wake: make(chan struct{})}
	if t.Before(v.now) {
		w.at = v.now
	}
	v.push(w)
	v.baton <- struct{}{}
	<-w.wake
	if ctx.Err() != nil {
		return false
	}
	select {
	case <-stop:
		return false
	default:
		return true
	}
}

// Run runs the processes until none is left. Every process ends: a wait past End fails at once.
func (v *Virtual) Run() {
	for v.queue.Len() > 0 {
		w := heap.Pop(&v.queue).(wakeup)
		v.now = w.at
		if w.start != nil {
			go func() {
				w.start()
				v.baton <- struct{}{}
			}()
		} else {
			w.wake <- struct{}{}
		}
		<-v.baton
	}
}
