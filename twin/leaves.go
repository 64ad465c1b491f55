package twin

import "context"

// Leaf is one running leaf.
type Leaf struct{ Name string }

func (l *Lab) startLeaves(ctx, bg context.Context) error { return nil }
