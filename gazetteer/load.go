package gazetteer

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
)

// maxLine bounds one line of a dump file; GeoNames' longest lines (places
// with thousands of alternate names) stay far below it.
const maxLine = 1 << 20

// format is the kind of a GeoNames dump file.
type format int

const (
	formatUnknown   format = iota
	formatGeonames         // the geoname table: cities500.txt, allCountries.txt, SY.txt
	formatAdmin1           // admin1CodesASCII.txt
	formatCountries        // countryInfo.txt
)

// batch is what one file contributes.
type batch struct {
	name        string
	kind        format
	recs        []record
	keyOff      []int32           // keys of recs[i] are keys[keyOff[i]:keyOff[i+1]]
	keyBytes    []byte            // the normalised keys, one after another, while parsing
	keyText     string            // the same once parsed, so that keys are substrings
	keyEnd      []int32           // where each key ends; each record's primary name's key comes first
	skels       []uint64          // hashes of the skeletons of keys
	strBytes    []byte            // the records' strings, one after another, while parsing
	strEnd      []int32           // where each of them ends, recordStrings of each record
	admin1      map[string]string // admin1 code -> name
	admin1Owned bool              // names come from admin1CodesASCII and win
	fields      []string          // scratch: the columns of the current line
	names       []string          // scratch: the names of the current line
	scratch     []byte            // scratch: a key or skeleton being built
}

func newBatch(name string, sizeHint int) *batch {
	return &batch{
		name:     name,
		admin1:   map[string]string{},
		recs:     make([]record, 0, sizeHint),
		keyOff:   append(make([]int32, 0, sizeHint+1), 0),
		keyEnd:   make([]int32, 0, 2*sizeHint),
		skels:    make([]uint64, 0, 2*sizeHint),
		keyBytes: make([]byte, 0, 16*sizeHint),
		strBytes: make([]byte, 0, 24*sizeHint),
		strEnd:   make([]int32, 0, recordStrings*sizeHint),
	}
}

// recordStrings is the number of strings of a record that stringFields returns.
const recordStrings = 6

// stringFields returns the string fields of r.
func (r *record) stringFields() [recordStrings]*string {
	return [...]*string{&r.name, &r.country, &r.admin1, &r.admin2, &r.fcode, &r.capital}
}

// recordKeys returns the range of the keys of record i.
func (b *batch) recordKeys(i int) (from, to int32) {
	return b.keyOff[i], b.keyOff[i+1]
}

// key returns key number k.
func (b *batch) key(k int32) string {
	start := int32(0)
	if k > 0 {
		start = b.keyEnd[k-1]
	}
	return b.keyText[start:b.keyEnd[k]]
}

// LoadFile adds the places of a GeoNames dump file: the geoname table
// (cities500.txt, cities1000.txt, allCountries.txt, a country file such as
// SY.txt), admin1CodesASCII.txt or countryInfo.txt, plain, gzipped or zipped.
// The format is detected from the content. From the geoname table only
// populated places (class P) and administrative areas (class A) are kept.
func (g *Gazetteer) LoadFile(ctx context.Context, name string) error {
	f, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("gazetteer: %w", err)
	}
	defer f.Close()
	var magic [4]byte
	n, _ := io.ReadFull(f, magic[:])
	if n == 4 && string(magic[:]) == "PK\x03\x04" {
		st, err := f.Stat()
		if err != nil {
			return fmt.Errorf("gazetteer: %w", err)
		}
		return g.loadZip(ctx, filepath.Base(name), f, st.Size())
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("gazetteer: %w", err)
	}
	return g.Load(ctx, filepath.Base(name), f)
}

// Load adds the places read from r, named name in error messages. r holds
// one GeoNames dump file as LoadFile describes; gzip and zip are detected.
func (g *Gazetteer) Load(ctx context.Context, name string, r io.Reader) error {
	br := bufio.NewReaderSize(r, 64<<10)
	magic, _ := br.Peek(4)
	switch {
	case len(magic) >= 2 && magic[0] == 0x1f && magic[1] == 0x8b:
		zr, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("gazetteer: %s: %w", name, err)
		}
		defer zr.Close()
		return g.loadPlain(ctx, strings.TrimSuffix(name, ".gz"), zr)
	case string(magic) == "PK\x03\x04":
		data, err := io.ReadAll(br)
		if err != nil {
			return fmt.Errorf("gazetteer: %s: %w", name, err)
		}
		return g.loadZip(ctx, name, bytes.NewReader(data), int64(len(data)))
	}
	return g.loadPlain(ctx, name, br)
}

// loadZip loads every .txt member of a zip archive except GeoNames' readme.
func (g *Gazetteer) loadZip(ctx context.Context, name string, r io.ReaderAt, size int64) error {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return fmt.Errorf("gazetteer: %s: %w", name, err)
	}
	loaded := 0
	for _, f := range zr.File {
		base := path.Base(f.Name)
		if f.FileInfo().IsDir() || strings.EqualFold(base, "readme.txt") || !strings.HasSuffix(strings.ToLower(base), ".txt") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return fmt.Errorf("gazetteer: %s: %s: %w", name, f.Name, err)
		}
		err = g.loadPlain(ctx, name+":"+f.Name, rc)
		rc.Close()
		if err != nil {
			return err
		}
		loaded++
	}
	if loaded == 0 {
		return fmt.Errorf("gazetteer: %s: no .txt file in the zip archive", name)
	}
	return nil
}

func (g *Gazetteer) loadPlain(ctx context.Context, name string, r io.Reader) error {
	b, err := parseFile(ctx, name, r, 0)
	if err != nil {
		return err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.merge(b)
	g.finalize()
	return nil
}

// parseFile reads one plain dump file; sizeHint is the expected number of
// rows, or 0.
func parseFile(ctx context.Context, name string, r io.Reader, sizeHint int) (*batch, error) {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 64<<10)
	}
	b := newBatch(name, sizeHint)
	var line []byte
	for lineNo := 1; ; lineNo++ {
		var err error
		line, err = readLine(br, line[:0])
		if errors.Is(err, io.EOF) && len(line) == 0 {
			break
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("gazetteer: %s:%d: %w", name, lineNo, err)
		}
		if lineNo%8192 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("gazetteer: %s: %w", name, err)
			}
		}
		if err := b.parseLine(string(line), lineNo); err != nil {
			return nil, err
		}
		if errors.Is(err, io.EOF) {
			break
		}
	}
	return b.done()
}

// parseText reads a whole plain dump file held in memory. Records keep
// substrings of text rather than copies.
func parseText(ctx context.Context, name, text string, sizeHint int) (*batch, error) {
	b := newBatch(name, sizeHint)
	for lineNo := 1; text != ""; lineNo++ {
		var line string
		line, text, _ = strings.Cut(text, "\n")
		if lineNo%8192 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("gazetteer: %s: %w", name, err)
			}
		}
		if err := b.parseLine(line, lineNo); err != nil {
			return nil, err
		}
	}
	return b.done()
}

// done ends parsing: the keys become substrings of one string, and so do
// the records' strings, so that they cost one allocation rather than one
// each and no record holds on to the text it was read from.
func (b *batch) done() (*batch, error) {
	if b.kind == formatUnknown {
		return nil, fmt.Errorf("gazetteer: %s: no data", b.name)
	}
	b.keyText = string(b.keyBytes)
	b.keyBytes = nil
	text, start, k := string(b.strBytes), int32(0), 0
	for i := range b.recs {
		for _, p := range b.recs[i].stringFields() {
			*p = text[start:b.strEnd[k]]
			start = b.strEnd[k]
			k++
		}
	}
	b.strBytes, b.strEnd = nil, nil
	return b, nil
}

// parseLine reads one line; the first data line tells the format.
func (b *batch) parseLine(text string, lineNo int) error {
	text = strings.TrimSuffix(text, "\r")
	if text == "" || text[0] == '#' || strings.TrimSpace(text) == "" {
		return nil
	}
	fields := splitTabs(b.fields[:0], text)
	b.fields = fields
	if b.kind == formatUnknown {
		b.kind = detect(fields)
		if b.kind == formatUnknown {
			return fmt.Errorf("gazetteer: %s:%d: not a GeoNames geoname table, admin1 codes or country info line (%d tab-separated columns)", b.name, lineNo, len(fields))
		}
		b.admin1Owned = b.kind == formatAdmin1
	}
	var err error
	switch b.kind {
	case formatGeonames:
		err = b.addGeoname(fields)
	case formatAdmin1:
		err = b.addAdmin1(fields)
	case formatCountries:
		err = b.addCountry(fields)
	}
	if err != nil {
		return fmt.Errorf("gazetteer: %s:%d: %w", b.name, lineNo, err)
	}
	return nil
}

// readLine appends one line without its newline to buf. It returns io.EOF
// with the last line when the input does not end in a newline.
func readLine(br *bufio.Reader, buf []byte) ([]byte, error) {
	for {
		chunk, err := br.ReadSlice('\n')
		buf = append(buf, chunk...)
		if len(buf) > maxLine {
			return buf, fmt.Errorf("line longer than %d bytes", maxLine)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if n := len(buf); n > 0 && buf[n-1] == '\n' {
			buf = buf[:n-1]
		}
		return buf, err
	}
}

// detect tells the format from the first data line.
func detect(f []string) format {
	switch {
	case len(f) == 19 && isInteger(f[0]):
		return formatGeonames
	case len(f) == 4 && strings.Contains(f[0], ".") && isInteger(f[3]):
		return formatAdmin1
	case len(f) >= 17 && len(f[0]) == 2 && isUpperASCII(f[0]):
		return formatCountries
	}
	return formatUnknown
}

// splitTabs appends the tab-separated fields of s to dst.
func splitTabs(dst []string, s string) []string {
	for {
		i := strings.IndexByte(s, '\t')
		if i < 0 {
			return append(dst, s)
		}
		dst = append(dst, s[:i])
		s = s[i+1:]
	}
}

func isInteger(s string) bool {
	_, err := strconv.ParseInt(s, 10, 64)
	return err == nil
}

func isUpperASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return s != ""
}

// addGeoname reads one geoname-table line: geonameid, name, asciiname,
// alternatenames, latitude, longitude, feature class, feature code, country
// code, cc2, admin1 code, admin2..admin4, population, elevation, dem,
// timezone, modification date.
func (b *batch) addGeoname(f []string) error {
	if len(f) != 19 {
		return fmt.Errorf("%d tab-separated columns, want 19", len(f))
	}
	id, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil {
		return fmt.Errorf("geonameid %q is not an integer", f[0])
	}
	lat, lon, err := parsePoint(f[4], f[5])
	if err != nil {
		return err
	}
	var pop int64
	if f[14] != "" {
		pop, err = strconv.ParseInt(f[14], 10, 64)
		if err != nil || pop < 0 {
			return fmt.Errorf("population %q is not a non-negative integer", f[14])
		}
	}
	if f[1] == "" {
		return errors.New("empty name")
	}
	class, code := f[6], f[7]
	if class != "P" && class != "A" {
		return nil
	}
	if class == "A" && !isAdminCode(code) {
		return nil
	}
	cc := strings.ToUpper(strings.TrimSpace(f[8]))
	rec := record{id: id, name: f[1], country: cc, admin1: f[10], admin2: f[11], lat: lat, lon: lon,
		fcode: code, population: pop}
	if code == "ADM1" && cc != "" && f[10] != "" {
		if _, ok := b.admin1[cc+"."+f[10]]; !ok {
			b.admin1[cc+"."+f[10]] = strings.Clone(f[1])
		}
	}
	names := append(b.names[:0], f[1], f[2])
	for alts := f[3]; alts != ""; {
		var alt string
		alt, alts, _ = strings.Cut(alts, ",")
		names = append(names, alt)
	}
	b.names = names
	b.add(rec, names)
	return nil
}

func parsePoint(latText, lonText string) (lat, lon float64, err error) {
	lat, err = strconv.ParseFloat(latText, 64)
	if err != nil || math.IsNaN(lat) || lat < -90 || lat > 90 {
		return 0, 0, fmt.Errorf("latitude %q is not a number in [-90, 90]", latText)
	}
	lon, err = strconv.ParseFloat(lonText, 64)
	if err != nil || math.IsNaN(lon) || lon < -180 || lon > 180 {
		return 0, 0, fmt.Errorf("longitude %q is not a number in [-180, 180]", lonText)
	}
	return lat, lon, nil
}

// addAdmin1 reads one admin1CodesASCII line: code ("SY.07"), name, ASCII
// name, geonameid. The region's point is derived from its places.
func (b *batch) addAdmin1(f []string) error {
	if len(f) != 4 {
		return fmt.Errorf("%d tab-separated columns, want 4", len(f))
	}
	cc, code, ok := strings.Cut(f[0], ".")
	if !ok || len(cc) != 2 || code == "" {
		return fmt.Errorf("admin1 code %q is not CC.CODE", f[0])
	}
	id, err := strconv.ParseInt(f[3], 10, 64)
	if err != nil {
		return fmt.Errorf("geonameid %q is not an integer", f[3])
	}
	if f[1] == "" {
		return errors.New("empty name")
	}
	b.admin1[strings.Clone(f[0])] = strings.Clone(f[1])
	rec := record{id: id, name: f[1], country: cc, admin1: code, fcode: "ADM1", noPoint: true}
	b.add(rec, []string{f[1], f[2]})
	return nil
}

// addCountry reads one countryInfo line: ISO, ISO3, ISO-Numeric, fips,
// Country, Capital, Area, Population, Continent, tld, CurrencyCode,
// CurrencyName, Phone, Postal Code Format, Postal Code Regex, Languages,
// geonameid, neighbours, EquivalentFipsCode. The country's point is its
// capital's.
func (b *batch) addCountry(f []string) error {
	if len(f) < 17 {
		return fmt.Errorf("%d tab-separated columns, want at least 17", len(f))
	}
	if len(f[0]) != 2 || !isUpperASCII(f[0]) {
		return fmt.Errorf("ISO code %q is not two capital letters", f[0])
	}
	if f[4] == "" {
		return errors.New("empty country name")
	}
	id, err := strconv.ParseInt(f[16], 10, 64)
	if err != nil {
		return fmt.Errorf("geonameid %q is not an integer", f[16])
	}
	var pop int64
	if f[7] != "" {
		pop, err = strconv.ParseInt(f[7], 10, 64)
		if err != nil || pop < 0 {
			return fmt.Errorf("population %q is not a non-negative integer", f[7])
		}
	}
	rec := record{id: id, name: f[4], country: f[0], admin1: "00", fcode: "PCLI",
		population: pop, capital: f[5], noPoint: true}
	b.add(rec, []string{f[4], f[1]})
	return nil
}

// add appends rec with the distinct normalised keys of its names, the
// first name's first.
func (b *batch) add(rec record, names []string) {
	b.recs = append(b.recs, rec)
	for _, p := range rec.stringFields() {
		b.strBytes = append(b.strBytes, *p...)
		b.strEnd = append(b.strEnd, int32(len(b.strBytes)))
	}
	first := len(b.keyEnd)
	for _, n := range names {
		if n == "" {
			continue
		}
		start := len(b.keyBytes)
		b.keyBytes, _ = appendKey(b.keyBytes, n)
		key := b.keyBytes[start:]
		if len(key) == 0 || b.recordHasKey(first, key) {
			b.keyBytes = b.keyBytes[:start]
			continue
		}
		b.keyEnd = append(b.keyEnd, int32(len(b.keyBytes)))
		b.scratch = appendSkeleton(b.scratch[:0], key)
		b.skels = append(b.skels, hash64(b.scratch))
	}
	b.keyOff = append(b.keyOff, int32(len(b.keyEnd)))
}

// recordHasKey reports whether key is among the keys from number first on.
func (b *batch) recordHasKey(first int, key []byte) bool {
	start := int32(0)
	if first > 0 {
		start = b.keyEnd[first-1]
	}
	for _, end := range b.keyEnd[first:] {
		if string(b.keyBytes[start:end]) == string(key) {
			return true
		}
		start = end
	}
	return false
}
