package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/klauspost/compress/gzip"
)

const requestIDKey = "request_id"

// requestID gives every request an id, taken from a sane X-Request-Id
// header or made up, and echoes it in the response.
func (s *Server) requestID(c *gin.Context) {
	id := c.GetHeader("X-Request-Id")
	if id == "" || len(id) > 64 || strings.ContainsFunc(id, func(r rune) bool { return r < '!' || r > '~' }) {
		var b [8]byte
		_, _ = rand.Read(b[:])
		id = hex.EncodeToString(b[:])
	}
	c.Set(requestIDKey, id)
	c.Header("X-Request-Id", id)
	c.Next()
}

// logRequests writes one structured line per request. Query strings are
// logged but the Authorization header never is.
func (s *Server) logRequests(c *gin.Context) {
	start := time.Now()
	c.Next()
	s.log.LogAttrs(c.Request.Context(), levelFor(c.Writer.Status()), "request",
		slogString("request_id", c.GetString(requestIDKey)),
		slogString("method", c.Request.Method),
		slogString("path", c.Request.URL.Path),
		slogInt("status", c.Writer.Status()),
		slogDuration("duration", time.Since(start)),
		slogInt("bytes", c.Writer.Size()),
	)
}

// recoverPanics turns a panic in a handler into a logged 500.
func (s *Server) recoverPanics(c *gin.Context) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.writeError(c, fmt.Errorf("panic: %v", v))
		}
	}()
	c.Next()
}

// securityHeaders sets the headers every response carries. The map's
// Content-Security-Policy forbids inline script and every third-party host
// except a configured tile server.
func (s *Server) securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	img := "'self' data: blob:"
	if host := tileOrigin(s.cfg.TilesURL); host != "" {
		img += " " + host
	}
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src "+img+
		"; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	c.Next()
}

// tileOrigin returns the scheme and host of a tile URL template, with a
// {s} subdomain placeholder widened to a wildcard.
func tileOrigin(u string) string {
	if u == "" || u == "none" {
		return ""
	}
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		return ""
	}
	host, _, _ := strings.Cut(rest, "/")
	host = strings.ReplaceAll(host, "{s}", "*")
	if host == "" || strings.ContainsAny(host, " ;'\"{}") {
		return ""
	}
	return scheme + "://" + host
}

// requireWrite guards write endpoints: a read-only server refuses them
// (403), and when tokens are configured a valid bearer token is required
// (401 when missing or wrong). Tokens are compared in constant time.
func (s *Server) requireWrite(c *gin.Context) {
	if s.cfg.ReadOnly {
		s.writeError(c, httpError(http.StatusForbidden, "", "this server is read-only"))
		return
	}
	if len(s.cfg.Tokens) == 0 {
		c.Next()
		return
	}
	auth := c.GetHeader("Authorization")
	token, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || token == "" {
		c.Header("WWW-Authenticate", `Bearer realm="mapd"`)
		s.writeError(c, httpError(http.StatusUnauthorized, "", "writes need Authorization: Bearer TOKEN"))
		return
	}
	if !s.validToken(token) {
		c.Header("WWW-Authenticate", `Bearer realm="mapd", error="invalid_token"`)
		s.writeError(c, httpError(http.StatusUnauthorized, "", "the bearer token is not valid"))
		return
	}
	c.Next()
}

func (s *Server) validToken(token string) bool {
	ok := 0
	for _, t := range s.cfg.Tokens {
		ok |= subtle.ConstantTimeCompare([]byte(t), []byte(token))
	}
	return ok == 1
}

var gzipPool = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return w
}}

// gzipWriter compresses what a handler writes.
type gzipWriter struct {
	gin.ResponseWriter
	zw *gzip.Writer
}

func (g *gzipWriter) Write(b []byte) (int, error) {
	g.prepare()
	return g.zw.Write(b)
}

func (g *gzipWriter) WriteString(s string) (int, error) {
	g.prepare()
	return g.zw.Write([]byte(s))
}

func (g *gzipWriter) prepare() {
	if !g.ResponseWriter.Written() {
		g.Header().Del("Content-Length")
	}
}

func (g *gzipWriter) Flush() {
	_ = g.zw.Flush()
	g.ResponseWriter.Flush()
}

// gzipMiddleware compresses the response when the client accepts gzip.
func gzipMiddleware(c *gin.Context) {
	c.Header("Vary", "Accept-Encoding")
	if !acceptsGzip(c.GetHeader("Accept-Encoding")) || c.Request.Method == http.MethodHead {
		c.Next()
		return
	}
	zw := gzipPool.Get().(*gzip.Writer)
	zw.Reset(c.Writer)
	c.Header("Content-Encoding", "gzip")
	gw := &gzipWriter{ResponseWriter: c.Writer, zw: zw}
	c.Writer = gw
	defer func() {
		if c.Writer.Status() == http.StatusNotModified || c.Writer.Status() == http.StatusNoContent {
			zw.Reset(nopWriter{})
		} else {
			_ = zw.Close()
		}
		c.Writer = gw.ResponseWriter
		gzipPool.Put(zw)
	}()
	c.Next()
}

type nopWriter struct{}

func (nopWriter) Write(b []byte) (int, error) { return len(b), nil }

// acceptsGzip reports whether a response may be gzip-encoded for a
// request with this Accept-Encoding value, as RFC 9110 section 12.5.3
// reads: codings are case-insensitive, each may carry a weight ";q=" from
// 0 to 1 (1 when absent, 0 meaning "not acceptable"), "x-gzip" is gzip and
// "*" stands for every coding the field does not name. gzip is sent when
// its weight is above 0, unless the client weighs identity (no encoding)
// higher. An empty or absent field gets no encoding.
func acceptsGzip(ae string) bool {
	gzipQ, identityQ, starQ := -1.0, -1.0, -1.0 // -1: not named
	for _, part := range strings.Split(ae, ",") {
		name, params, _ := strings.Cut(part, ";")
		q, ok := qValue(params)
		if !ok {
			continue // a malformed weight: ignore the element
		}
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "gzip", "x-gzip":
			gzipQ = max(gzipQ, q)
		case "identity":
			identityQ = max(identityQ, q)
		case "*":
			starQ = max(starQ, q)
		}
	}
	if gzipQ < 0 {
		gzipQ = starQ
	}
	return gzipQ > 0 && gzipQ >= identityQ
}

// qValue returns the weight among the parameters of one Accept-Encoding
// element ("q=0.5", "Q=1"), 1 when there is none, and false when it is
// malformed: not a number from 0 to 1 with at most three decimals.
func qValue(params string) (float64, bool) {
	for _, p := range strings.Split(params, ";") {
		k, v, _ := strings.Cut(p, "=")
		if !strings.EqualFold(strings.TrimSpace(k), "q") {
			continue
		}
		v = strings.TrimSpace(v)
		whole, frac, _ := strings.Cut(v, ".")
		if (whole != "0" && whole != "1") || len(frac) > 3 || strings.Trim(frac, "0123456789") != "" {
			return 0, false
		}
		q, err := strconv.ParseFloat(v, 64)
		if err != nil || q > 1 {
			return 0, false
		}
		return q, true
	}
	return 1, true
}
