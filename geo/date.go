package geo

import (
	"strings"
	"time"
)

// DateLayout is the calendar-date layout used throughout mapd.
const DateLayout = "2006-01-02"

// ParseDate parses a "YYYY-MM-DD" calendar date and rejects dates that do not
// exist, such as 2016-02-30.
func ParseDate(s string) (time.Time, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil || len(s) != len(DateLayout) {
		return time.Time{}, invalid("date", "date %q is not a real calendar date in the form YYYY-MM-DD", truncate(s, 32))
	}
	return t, nil
}

// Interval is a closed date interval; a zero From or To leaves that end open.
type Interval struct {
	From, To string // "YYYY-MM-DD" or ""
}

// ParseInterval parses an OGC API datetime value restricted to dates: an
// instant "2016-09-17", a closed interval "2016-09-01/2016-09-30", or a
// half-open one "../2016-09-30" or "2016-09-01/..". Full RFC 3339 timestamps
// are accepted and truncated to their date.
func ParseInterval(s string) (Interval, error) {
	if s == "" {
		return Interval{}, invalid("datetime", "datetime is empty")
	}
	parts := strings.Split(s, "/")
	switch len(parts) {
	case 1:
		d, err := parseInstant(parts[0])
		if err != nil || d == "" {
			return Interval{}, invalid("datetime", "datetime %q is not a date or interval", truncate(s, 40))
		}
		return Interval{From: d, To: d}, nil
	case 2:
		from, err := parseInstant(parts[0])
		if err != nil {
			return Interval{}, asField(err, "datetime")
		}
		to, err := parseInstant(parts[1])
		if err != nil {
			return Interval{}, asField(err, "datetime")
		}
		if from == "" && to == "" {
			return Interval{}, invalid("datetime", "datetime interval %q is open at both ends", truncate(s, 60))
		}
		if from != "" && to != "" && from > to {
			return Interval{}, invalid("datetime", "datetime interval %q ends before it starts", truncate(s, 60))
		}
		return Interval{From: from, To: to}, nil
	default:
		return Interval{}, invalid("datetime", "datetime %q has more than one '/'", truncate(s, 40))
	}
}

func parseInstant(s string) (string, error) {
	if s == ".." || s == "" {
		return "", nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC().Format(DateLayout), nil
	}
	t, err := ParseDate(s)
	if err != nil {
		return "", err
	}
	return t.Format(DateLayout), nil
}
