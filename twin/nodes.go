package twin

import "context"

// Node is one running node.
type Node struct{ Name string }

func (l *Lab) startNodes(ctx, bg context.Context) error { return nil }
