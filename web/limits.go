package web

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// rateLimiter is a token bucket per client address, for write requests.
type rateLimiter struct {
	mu      sync.Mutex
	rate    float64 // tokens per second
	burst   float64
	buckets map[string]*bucket
	now     func() time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newRateLimiter(perMinute, burst int) *rateLimiter {
	return &rateLimiter{rate: float64(perMinute) / 60, burst: float64(burst), buckets: map[string]*bucket{}, now: time.Now}
}

// allow takes a token for key, or reports how long until one is available.
func (rl *rateLimiter) allow(key string) (bool, time.Duration) {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	now := rl.now()
	b := rl.buckets[key]
	if b == nil {
		if len(rl.buckets) > 10000 {
			rl.sweep(now)
		}
		b = &bucket{tokens: rl.burst, last: now}
		rl.buckets[key] = b
	}
	b.tokens = min(rl.burst, b.tokens+now.Sub(b.last).Seconds()*rl.rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / rl.rate * float64(time.Second))
	return false, wait
}

// sweep forgets clients whose bucket has refilled.
func (rl *rateLimiter) sweep(now time.Time) {
	for k, b := range rl.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*rl.rate >= rl.burst {
			delete(rl.buckets, k)
		}
	}
}

func clientKey(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// limitWrites refuses a client's writes beyond its rate with 429 and
// Retry-After.
func (s *Server) limitWrites(c *gin.Context) {
	if s.writeLimiter == nil {
		c.Next()
		return
	}
	ok, wait := s.writeLimiter.allow(clientKey(c.Request))
	if !ok {
		s.metrics.rateLimited.Add(1)
		secs := int(wait/time.Second) + 1
		s.writeError(c, &Error{Status: http.StatusTooManyRequests, Msg: "too many write requests; retry in " + strconv.Itoa(secs) + "s",
			Header: map[string]string{"Retry-After": strconv.Itoa(secs)}})
		return
	}
	c.Next()
}

// limitConcurrency bounds how many expensive requests (exports, imports,
// tiles) run at once, so one client cannot starve the rest. A request waits
// briefly for a slot, then gets 503 with Retry-After.
func (s *Server) limitConcurrency(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 5*time.Second)
	defer cancel()
	select {
	case s.heavy <- struct{}{}:
	case <-ctx.Done():
		s.metrics.concurrencyFull.Add(1)
		s.writeError(c, &Error{Status: http.StatusServiceUnavailable, Msg: "the server is busy with other large requests; retry shortly",
			Header: map[string]string{"Retry-After": "2"}})
		return
	}
	defer func() { <-s.heavy }()
	c.Next()
}

// cors answers cross-origin requests only for origins on the allow-list;
// with an empty list (the default) no CORS header is ever sent.
func (s *Server) cors(c *gin.Context) {
	origin := c.GetHeader("Origin")
	if origin == "" || len(s.cfg.CORSOrigins) == 0 {
		c.Next()
		return
	}
	allowed := false
	for _, o := range s.cfg.CORSOrigins {
		if o == "*" || strings.EqualFold(o, origin) {
			allowed = true
			break
		}
	}
	if !allowed {
		c.Next()
		return
	}
	h := c.Writer.Header()
	h.Set("Access-Control-Allow-Origin", origin)
	h.Add("Vary", "Origin")
	if c.Request.Method == http.MethodOptions && c.GetHeader("Access-Control-Request-Method") != "" {
		h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE")
		h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
		h.Set("Access-Control-Max-Age", "600")
		c.AbortWithStatus(http.StatusNoContent)
		return
	}
	c.Next()
}

// requireRead guards read endpoints when the server is configured to need
// a token for reads too.
func (s *Server) requireRead(c *gin.Context) {
	if !s.cfg.ReadTokenRequired || len(s.cfg.Tokens) == 0 {
		c.Next()
		return
	}
	token, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
	if !ok || !s.validToken(token) {
		c.Header("WWW-Authenticate", `Bearer realm="mapd"`)
		s.writeError(c, httpError(http.StatusUnauthorized, "", "this server needs Authorization: Bearer TOKEN for reads too"))
		return
	}
	c.Next()
}
