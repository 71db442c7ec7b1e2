package web

// ogcRoutes returns the OGC API - Features routes under /ogc.
func (s *Server) ogcRoutes() []route { return nil }
