package httpmw

import (
	"fmt"
	"net/http"
	"net/netip"
	"strings"
)

// ClientIP finds a request's client address. X-Forwarded-For and
// X-Real-IP are believed only when the peer (RemoteAddr) is a trusted
// proxy; anyone else could write them.
type ClientIP struct {
	trusted []netip.Prefix
}

// NewClientIP trusts the proxies at the given addresses or CIDRs
// ([server] trusted_proxies); none trusts no header.
func NewClientIP(trusted []string) (*ClientIP, error) {
	c := &ClientIP{}
	for _, s := range trusted {
		s = strings.TrimSpace(s)
		if a, err := netip.ParseAddr(s); err == nil {
			a = a.Unmap().WithZone("")
			c.trusted = append(c.trusted, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: want an IP address or a CIDR such as 10.0.0.0/8", s)
		}
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		c.trusted = append(c.trusted, p.Masked())
	}
	return c, nil
}

// Addr returns the client's address: the peer's, or, when the peer is a
// trusted proxy, the nearest untrusted address its forwarding headers
// name (X-Forwarded-For read from the right, skipping trusted proxies; then
// X-Real-IP). It is the zero Addr when RemoteAddr is not an address.
func (c *ClientIP) Addr(r *http.Request) netip.Addr {
	peer, ok := parseAddr(r.RemoteAddr)
	if !ok {
		return netip.Addr{}
	}
	if c == nil || !c.isTrusted(peer) {
		return peer
	}
	if hops := r.Header.Values("X-Forwarded-For"); len(hops) > 0 {
		return c.fromForwarded(peer, hops)
	}
	if a, ok := parseAddr(strings.TrimSpace(r.Header.Get("X-Real-IP"))); ok {
		return a
	}
	return peer
}

// fromForwarded walks the X-Forwarded-For list from the right: each entry
// was added by the hop to its right, so the first untrusted entry is the
// one a trusted proxy saw. A malformed entry stops the walk at the last
// address vouched for.
func (c *ClientIP) fromForwarded(peer netip.Addr, values []string) netip.Addr {
	hops := strings.Split(strings.Join(values, ","), ",")
	last := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseAddr(strings.TrimSpace(hops[i]))
		if !ok {
			return last
		}
		if !c.isTrusted(a) {
			return a
		}
		last = a
	}
	return last
}

func (c *ClientIP) isTrusted(a netip.Addr) bool {
	for _, p := range c.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// parseAddr reads "ip", "ip:port" or "[ipv6]:port", as RemoteAddr and
// forwarding headers hold them, without zone, IPv4-mapped IPv6 unmapped.
func parseAddr(s string) (netip.Addr, bool) {
	if len(s) > 64 {
		return netip.Addr{}, false
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap().WithZone(""), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap().WithZone(""), true
}

// AddrKey names a client address's rate-limit buckets: "ip:" and the IPv4
// address, or the IPv6 /64 (one host is usually given a whole /64, so
// single IPv6 addresses cost an attacker nothing); "ip:unknown" for the
// zero Addr.
func AddrKey(a netip.Addr) string {
	switch {
	case !a.IsValid():
		return "ip:unknown"
	case a.Is4():
		return "ip:" + a.String()
	}
	p, _ := a.Prefix(64)
	return "ip:" + p.String()
}
