package web

// tileRoutes returns the vector tile routes under /tiles.
func (s *Server) tileRoutes() []route { return nil }
