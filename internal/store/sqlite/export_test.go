package sqlite

// MaxOpenConnections exposes the pool bound to the tests of Options.
func MaxOpenConnections(s *Store) int { return s.db.Stats().MaxOpenConnections }
