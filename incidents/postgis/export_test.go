package postgis

// Indexed reports whether reads are answered from the in-memory index.
func (s *Store) Indexed() bool { return s.snapshot() != nil }
