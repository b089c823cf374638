package postgres

// MaxConns exposes the pool bound to the tests of Options.
func MaxConns(s *Store) int32 { return s.pool.Config().MaxConns }
