package web

import "testing"

// TestAcceptsGzip reads Accept-Encoding values as RFC 9110 section 12.5.3
// does.
func TestAcceptsGzip(t *testing.T) {
	tests := []struct {
		header string
		want   bool
	}{
		{"", false},
		{"gzip", true},
		{"GZIP", true},
		{"x-gzip", true},
		{"gzip, deflate, br", true},
		{"deflate, br", false},
		{"gzip;q=0.5", true},
		{"gzip; q=0.5", true},
		{"gzip;Q=0.001", true},
		{"gzip;q=1.000", true},
		{"gzip;q=0", false},
		{"gzip;q=0.000", false},
		{"gzip ; q=0 , deflate", false},
		{"gzip;q=0.0, *", false}, // gzip refused by name; * covers the others
		{"*", true},              // any coding
		{"*;q=0.3", true},        // any coding, at a low weight
		{"*;q=0", false},         // none
		{"br, *;q=0.1", true},    // gzip not named: * applies
		{"identity", false},      // only no encoding
		{"identity;q=0, gzip", true},
		{"gzip;q=0.4, identity;q=0.8", false}, // the client prefers no encoding
		{"gzip;q=0.8, identity;q=0.4", true},
		{"gzip;q=0.5, identity;q=0.5", true}, // a tie: gzip
		{"gzip;q=2", false},                  // malformed weights make the element void
		{"gzip;q=abc", false},
		{"gzip;q=0.5000", false},
		{"gzip;q=-1", false},
		{"gzip;q=", false},
		{"gzip;level=1;q=0.7", true},
		{"gzipx, xgzip", false},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			if got := acceptsGzip(tt.header); got != tt.want {
				t.Fatalf("acceptsGzip(%q) = %v, want %v", tt.header, got, tt.want)
			}
		})
	}
}
