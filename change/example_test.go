package change_test

import (
	"fmt"

	"github.com/nxcalico/nxcalico/change"
)

func ExampleCount() {
	type planned struct {
		action change.Action
		object string
	}
	plan := []planned{{change.Delete, "BGPPeer/old"}, {change.Update, "IPPool/pods"}, {change.Create, "BGPPeer/new"}}
	for _, p := range plan {
		fmt.Println(p.action.Symbol(), p.action, p.object)
	}
	fmt.Println(change.Summary(change.Count(plan, func(p planned) change.Action { return p.action })))
	// Output:
	// - delete BGPPeer/old
	// ~ update IPPool/pods
	// + create BGPPeer/new
	// 1 to create, 1 to update, 1 to delete
}
