package change

import "fmt"

// Action is what a planned change does to one object. The zero value is no action.
type Action uint8

const (
	// Create adds an object the target (switch or cluster) does not have.
	Create Action = iota + 1
	// Update changes an object the target has.
	Update
	// Delete removes an object nxcalico owns that the design no longer has.
	Delete
)

// String returns "create", "update" or "delete" ("Action(n)" for any other value).
func (a Action) String() string {
	switch a {
	case Create:
		return "create"
	case Update:
		return "update"
	case Delete:
		return "delete"
	}
	return fmt.Sprintf("Action(%d)", uint8(a))
}

// Symbol returns the mark plan texts put before a change: "+" for Create, "~" for Update, "-"
// for Delete and "?" for any other value.
func (a Action) Symbol() string {
	switch a {
	case Create:
		return "+"
	case Update:
		return "~"
	case Delete:
		return "-"
	}
	return "?"
}

// Count returns how many of items create, update and delete, reading each item's Action with
// action. Items of any other Action are not counted.
func Count[T any](items []T, action func(T) Action) (create, update, del int) {
	for _, it := range items {
		switch action(it) {
		case Create:
			create++
		case Update:
			update++
		case Delete:
			del++
		}
	}
	return create, update, del
}

// Summary returns the counts as plan texts state them: "1 to create, 2 to update, 0 to delete".
func Summary(create, update, del int) string {
	return fmt.Sprintf("%d to create, %d to update, %d to delete", create, update, del)
}
