package cql2sql_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mapd/mapd/cql2"
	"github.com/mapd/mapd/cql2/cql2sql"
)

// textDialect writes columns as their names and placeholders as $n with
// the bound value beside, so that the test sees what goes where.
type textDialect struct{ args []string }

func (d *textDialect) Column(p string) (string, error) {
	if p == "nope" {
		return "", fmt.Errorf("no column for %s", p)
	}
	return "c_" + p, nil
}

func (d *textDialect) Bind(_ string, lit cql2.Scalar) string {
	d.args = append(d.args, cql2.Text(&cql2.Comparison{Op: cql2.Eq, Left: &cql2.Property{Name: "x"}, Right: lit}))
	return fmt.Sprintf("$%d", len(d.args))
}

func (d *textDialect) Like(col, pattern string, not bool) string {
	d.args = append(d.args, pattern)
	return fmt.Sprintf("like(%s, $%d, %v)", col, len(d.args), not)
}

func (d *textDialect) Spatial(e *cql2.Spatial) (string, error) { return "spatial", nil }

func (d *textDialect) Bool(v bool) string { return fmt.Sprint(v) }

func TestWrite(t *testing.T) {
	q := cql2.Queryables{"n": cql2.TypeInteger, "s": cql2.TypeString, "d": cql2.TypeDate, "nope": cql2.TypeString,
		"geometry": cql2.TypeGeometry}
	for _, tc := range []struct{ filter, sql, err string }{
		{"n > 3 AND (s = 'a' OR NOT s LIKE 'b%')", "(c_n > $1 AND (c_s = $2 OR NOT (like(c_s, $3, false))))", ""},
		{"n NOT IN (1, 2) AND n NOT BETWEEN 4 AND 5", "(c_n NOT IN ($1, $2) AND c_n NOT BETWEEN $3 AND $4)", ""},
		{"s IS NOT NULL OR s NOT LIKE 'x'", "(c_s IS NOT NULL OR like(c_s, $1, true))", ""},
		{"TRUE", "true", ""},
		{"T_AFTER(d, DATE('2020-01-01')) AND S_INTERSECTS(geometry, BBOX(0, 0, 1, 1))", "(c_d > $1 AND spatial)", ""},
		{"nope = 'x'", "", "no column for nope"},
	} {
		e, err := cql2.ParseText(tc.filter)
		if err == nil {
			e, err = q.Check(e)
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.filter, err)
		}
		var b strings.Builder
		d := &textDialect{}
		err = cql2sql.Write(&b, d, e)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: got error %v, want %q", tc.filter, err, tc.err)
			}
			continue
		}
		if err != nil || b.String() != tc.sql {
			t.Errorf("%s: got %q (%v), want %q", tc.filter, b.String(), err, tc.sql)
		}
		if n := strings.Count(tc.sql, "$"); n != len(d.args) {
			t.Errorf("%s: got %d bound values, want %d", tc.filter, len(d.args), n)
		}
	}
}
