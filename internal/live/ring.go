package live

// ring is a fixed-capacity FIFO of messages that never allocates after it
// is made.
type ring struct {
	buf  []Message
	head int
	n    int
}

func newRing(capacity int) ring { return ring{buf: make([]Message, capacity)} }

func (r *ring) len() int { return r.n }

func (r *ring) at(i int) *Message { return &r.buf[(r.head+i)%len(r.buf)] }

// push appends m; the caller checks there is room.
func (r *ring) push(m Message) {
	*r.at(r.n) = m
	r.n++
}

// pop removes the oldest message.
func (r *ring) pop() (Message, bool) {
	if r.n == 0 {
		return Message{}, false
	}
	p := r.at(0)
	m := *p
	*p = Message{}
	r.head = (r.head + 1) % len(r.buf)
	r.n--
	return m, true
}

// index returns the position of the oldest message f accepts, or -1.
func (r *ring) index(f func(*Message) bool) int {
	for i := range r.n {
		if f(r.at(i)) {
			return i
		}
	}
	return -1
}

// remove deletes the message at position i, keeping the order of the rest.
func (r *ring) remove(i int) {
	for j := i; j < r.n-1; j++ {
		*r.at(j) = *r.at(j + 1)
	}
	*r.at(r.n - 1) = Message{}
	r.n--
}

// clear drops every message.
func (r *ring) clear() {
	clear(r.buf)
	r.head, r.n = 0, 0
}
