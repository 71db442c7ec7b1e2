package extract

import (
	"strconv"
	"strings"
	"time"
)

var months = map[string]time.Month{
	"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
	"may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
	"sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}

var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
}

// when is a date found in a sentence.
type when struct {
	date      time.Time
	precision string // day, week, month, year
	start     int    // token index of the cue
	end       int    // token index after it
	explicit  bool   // a calendar date rather than a relative one
}

// parseISODate reads YYYY-MM-DD.
func parseISODate(s string) (time.Time, bool) {
	t, err := time.Parse("2006-01-02", s)
	return t, err == nil
}

// findDate returns the date a sentence gives for what it tells, relative to
// the article date ref (zero when unknown): "on Saturday" is the latest
// Saturday on or before ref, "yesterday" the day before, "last week" and
// "earlier this month" are a week and a month, and calendar dates ("17
// September 2016", "Sept. 17", "September 30, 2015") stand for themselves.
// A date after "since" starts a period, not an event, and is skipped.
//
// A night belongs to the day it began, the evening: "Thursday night" and
// "overnight Thursday" are Thursday, "overnight into Saturday" and
// "overnight Friday to Saturday" are Friday, and a bare "overnight" or
// "last night" is the day before the article's date. The gold dates of
// extract/testdata/articles follow the same convention.
func findDate(toks []token, ref time.Time) (when, bool) {
	for i := range toks {
		if i > 0 && (toks[i-1].norm == "since" || toks[i-1].norm == "until" || toks[i-1].norm == "till") {
			continue
		}
		if w, ok := dateAt(toks, i, ref); ok {
			return w, true
		}
	}
	return when{}, false
}

// storyDate reads a date given relative to the story's last date base
// rather than to the article's: "a day earlier", "two days earlier", "the
// day before", "the previous day", "a week earlier".
func storyDate(toks []token, base time.Time) (when, bool) {
	for i := 0; i+1 < len(toks); i++ {
		w, next := toks[i].norm, toks[i+1].norm
		if (w == "the" && (next == "previous" || next == "preceding")) && i+2 < len(toks) && toks[i+2].norm == "day" ||
			w == "the" && next == "day" && i+2 < len(toks) && toks[i+2].norm == "before" {
			return when{date: base.AddDate(0, 0, -1), precision: "day", start: i, end: i + 3}, true
		}
		if i+2 >= len(toks) || toks[i+2].norm != "earlier" {
			continue
		}
		n, ok := 0, false
		if w == "a" || w == "one" {
			n, ok = 1, true
		} else if v, isNum := wordNumber(w); isNum {
			n, ok = v, v < 60
		} else if v, err := strconv.Atoi(toks[i].text); err == nil {
			n, ok = v, v > 0 && v < 60
		}
		if !ok {
			continue
		}
		switch next {
		case "day", "days":
			return when{date: base.AddDate(0, 0, -n), precision: "day", start: i, end: i + 3}, true
		case "week", "weeks":
			return when{date: base.AddDate(0, 0, -7*n), precision: "day", start: i, end: i + 3}, true
		}
	}
	return when{}, false
}

// dateAt reads a date starting at toks[i], as findDate describes.
func dateAt(toks []token, i int, ref time.Time) (when, bool) {
	if w, ok := calendarDate(toks, i, ref); ok {
		return w, true
	}
	if ref.IsZero() {
		return when{}, false
	}
	t := toks[i]
	if wd, ok := weekdays[t.norm]; ok && t.cap {
		d := ref
		for d.Weekday() != wd {
			d = d.AddDate(0, 0, -1)
		}
		if i > 0 && toks[i-1].norm == "last" && d.Equal(ref) {
			d = d.AddDate(0, 0, -7)
		}
		if i > 0 && (toks[i-1].norm == "next" || toks[i-1].norm == "coming") {
			return when{}, false
		}
		return when{date: d, precision: "day", start: i, end: i + 1}, true
	}
	switch t.norm {
	case "overnight":
		if w, ok := nightInto(toks, i, ref); ok {
			return w, true
		}
		return when{date: ref.AddDate(0, 0, -1), precision: "day", start: i, end: i + 1}, true
	case "yesterday":
		return when{date: ref.AddDate(0, 0, -1), precision: "day", start: i, end: i + 1}, true
	case "today", "tonight":
		return when{date: ref, precision: "day", start: i, end: i + 1}, true
	case "last", "earlier", "this", "past":
		if i+1 >= len(toks) {
			return when{}, false
		}
		next, end := toks[i+1].norm, i+2
		if next == "this" && i+2 < len(toks) {
			next, end = "this "+toks[i+2].norm, i+3
		}
		switch {
		case t.norm == "last" && next == "night":
			return when{date: ref.AddDate(0, 0, -1), precision: "day", start: i, end: end}, true
		case t.norm == "last" && next == "week", t.norm == "past" && next == "week":
			return when{date: mondayOf(ref.AddDate(0, 0, -7)), precision: "week", start: i, end: end}, true
		case t.norm == "this" && next == "week", t.norm == "earlier" && next == "this week",
			t.norm == "earlier" && next == "in" && i+3 < len(toks) && toks[i+2].norm == "the" && toks[i+3].norm == "week":
			if next == "in" {
				end = i + 4
			}
			return when{date: mondayOf(ref), precision: "week", start: i, end: end}, true
		case t.norm == "earlier" && next == "this month", t.norm == "this" && next == "month":
			return when{date: time.Date(ref.Year(), ref.Month(), 1, 0, 0, 0, 0, time.UTC), precision: "month", start: i, end: end}, true
		case t.norm == "last" && next == "month":
			return when{date: time.Date(ref.Year(), ref.Month()-1, 1, 0, 0, 0, 0, time.UTC), precision: "month", start: i, end: end}, true
		}
	}
	if i+2 < len(toks) && toks[i+1].norm == "days" && toks[i+2].norm == "ago" {
		n, err := strconv.Atoi(t.text)
		if t.kind != tokNumber {
			w, ok := wordNumber(t.norm) // "two days ago"
			n, err = w, nil
			if !ok {
				err = strconv.ErrSyntax
			}
		}
		if err == nil && n > 0 && n < 60 {
			return when{date: ref.AddDate(0, 0, -n), precision: "day", start: i, end: i + 3}, true
		}
	}
	return when{}, false
}

// nightInto reads the day an "overnight" at toks[i] names: "overnight
// Friday" and "overnight Friday to Saturday" are Friday, "overnight into
// Saturday" and "overnight to Saturday" the Friday before it.
func nightInto(toks []token, i int, ref time.Time) (when, bool) {
	j := i + 1
	if j < len(toks) && toks[j].norm == "from" {
		j++
	}
	if j < len(toks) {
		if _, ok := weekdays[toks[j].norm]; ok && toks[j].cap {
			if w, ok := dateAt(toks, j, ref); ok {
				w.start = i
				return w, true
			}
		}
	}
	if j = i + 1; j+1 < len(toks) && (toks[j].norm == "into" || toks[j].norm == "to") {
		if _, ok := weekdays[toks[j+1].norm]; ok && toks[j+1].cap {
			if w, ok := dateAt(toks, j+1, ref); ok {
				w.date, w.start = w.date.AddDate(0, 0, -1), i
				return w, true
			}
		}
	}
	return when{}, false
}

// mondayOf returns the Monday of d's week.
func mondayOf(d time.Time) time.Time {
	for d.Weekday() != time.Monday {
		d = d.AddDate(0, 0, -1)
	}
	return d
}

// calendarDate reads "17 September 2016", "September 17", "Sept. 17",
// "September 30, 2015", "2016-09-17" at toks[i]. Without a year the date is
// the latest such day not after ref (plus a day's slack).
func calendarDate(toks []token, i int, ref time.Time) (when, bool) {
	t := toks[i]
	if len(t.text) == 10 && t.text[4] == '-' && t.text[7] == '-' {
		if d, ok := parseISODate(t.text); ok {
			return when{date: d, precision: "day", start: i, end: i + 1, explicit: true}, true // "2016-09-17"
		}
	}
	day, month, year := 0, time.Month(0), 0
	j := i
	if t.kind == tokNumber {
		d, err := strconv.Atoi(strings.TrimSuffix(t.text, "."))
		if err != nil || d < 1 || d > 31 || i+1 >= len(toks) {
			return when{}, false
		}
		m, ok := months[toks[i+1].norm]
		if !ok || !toks[i+1].cap {
			return when{}, false
		}
		day, month, j = d, m, i+2
	} else if m, ok := months[strings.TrimSuffix(t.norm, ".")]; ok && t.cap && (t.norm != "may" && t.norm != "mar" || i+1 < len(toks) && toks[i+1].kind == tokNumber) {
		j = i + 1
		if j < len(toks) && toks[j].text == "." {
			j++
		}
		month = m
		if j < len(toks) && toks[j].kind == tokNumber {
			if d, err := strconv.Atoi(toks[j].text); err == nil && d >= 1 && d <= 31 {
				day = d
				j++
			} else if y, err := strconv.Atoi(toks[j].text); err == nil && y >= 1900 && y <= 2100 {
				return when{date: time.Date(y, m, 1, 0, 0, 0, 0, time.UTC), precision: "month", start: i, end: j + 1, explicit: true}, true
			}
		}
		if day == 0 {
			return when{}, false
		}
	} else {
		return when{}, false
	}
	end := j
	if j < len(toks) && toks[j].text == "," {
		j++
	}
	if j < len(toks) && toks[j].kind == tokNumber && len(toks[j].text) == 4 {
		if y, err := strconv.Atoi(toks[j].text); err == nil && y >= 1900 && y <= 2100 {
			year, end = y, j+1
		}
	}
	if year == 0 {
		if ref.IsZero() {
			return when{}, false
		}
		year = ref.Year()
		if time.Date(year, month, day, 0, 0, 0, 0, time.UTC).After(ref.AddDate(0, 0, 1)) {
			year--
		}
	}
	d := time.Date(year, month, day, 0, 0, 0, 0, time.UTC)
	if d.Day() != day {
		return when{}, false // 31 September
	}
	return when{date: d, precision: "day", start: i, end: end, explicit: true}, true
}

// articleDate finds the article's own date: a leading "date YYYY-MM-DD"
// (on a line of its own or running into the text), or a dateline date near
// the top ("BEIRUT, Sept. 17 (Reuters) -", "Published 17 September 2016").
func articleDate(text string, toks []token) (time.Time, bool) {
	if d, end := dateLine(text); end > 0 {
		return d, true
	}
	for i := 0; i < len(toks) && toks[i].start < 400; i++ {
		if w, ok := calendarDate(toks, i, time.Time{}); ok && w.precision == "day" {
			return w.date, true
		}
	}
	return time.Time{}, false
}

// dateLine reads a leading "date YYYY-MM-DD" and returns the date and the
// byte offset where it ends, or 0 when the text has none.
func dateLine(text string) (time.Time, int) {
	i := 0
	for i < len(text) && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n') {
		i++
	}
	if strings.HasPrefix(text[i:], "\ufeff") {
		i += len("\ufeff")
	}
	if len(text) < i+15 || !strings.EqualFold(text[i:i+4], "date") || (text[i+4] != ' ' && text[i+4] != '\t' && text[i+4] != ':') {
		return time.Time{}, 0
	}
	j := i + 5
	for j < len(text) && (text[j] == ' ' || text[j] == ':') {
		j++
	}
	if len(text) < j+10 {
		return time.Time{}, 0
	}
	d, ok := parseISODate(text[j : j+10])
	if !ok || (len(text) > j+10 && text[j+10] >= '0' && text[j+10] <= '9') {
		return time.Time{}, 0
	}
	return d, j + 10
}
