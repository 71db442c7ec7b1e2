package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
)

//go:embed static
var staticFS embed.FS

// staticFiles is the embedded map app, indexed by path with a content-hash
// ETag per file so browsers revalidate cheaply.
type staticFiles struct {
	files map[string]staticFile
	// countryNameLanguages are the languages the base map's country names
	// come in besides English (basemap/names/TAG.json), sorted.
	countryNameLanguages []string
}

type staticFile struct {
	body  []byte
	etag  string
	ctype string
}

func loadStatic() (*staticFiles, error) {
	st := &staticFiles{files: map[string]staticFile{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		ctype := mime.TypeByExtension(path.Ext(p))
		if ctype == "" {
			ctype = http.DetectContentType(body)
		}
		st.files[strings.TrimPrefix(p, "static/")] = staticFile{body: body, etag: `"` + hex.EncodeToString(sum[:8]) + `"`, ctype: ctype}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web: embedded files: %w", err)
	}
	st.countryNameLanguages = []string{}
	for name := range st.files {
		if tag, ok := strings.CutPrefix(name, "basemap/names/"); ok && path.Ext(tag) == ".json" {
			st.countryNameLanguages = append(st.countryNameLanguages, strings.TrimSuffix(tag, ".json"))
		}
	}
	slices.Sort(st.countryNameLanguages)
	return st, nil
}

func (s *Server) index(c *gin.Context) error {
	return s.serveFile(c, "index.html")
}

// serveStatic serves an embedded file. Paths are looked up in a map built
// from the embedded tree, so no path can reach outside it and there is no
// directory listing.
func (s *Server) serveStatic(c *gin.Context) error {
	return s.serveFile(c, strings.TrimPrefix(c.Param("file"), "/"))
}

func (s *Server) serveFile(c *gin.Context, name string) error {
	f, ok := s.static.files[name]
	if !ok {
		return httpError(http.StatusNotFound, "", "no such file")
	}
	c.Header("ETag", f.etag)
	c.Header("Cache-Control", "no-cache")
	if match := c.GetHeader("If-None-Match"); match != "" && strings.Contains(match, f.etag) {
		c.Status(http.StatusNotModified)
		return nil
	}
	c.Data(http.StatusOK, f.ctype, f.body)
	return nil
}
