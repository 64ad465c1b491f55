package nxostest

import (
	"errors"

	"github.com/nxcalico/nxcalico/nxos/dme"
)

// rejection turns the schema violations of a body posted at d into the error
// a switch answers: the first violation, as dme.SchemaError.DeviceError words
// it (unknown class code 17; unknown property, bad value, value out of range,
// read-only property, child under the wrong parent code 400), naming the full
// DN of the offending object. A switch reports one error per request. With
// preload set (Load), operational classes and read-only properties may be
// written. It returns nil when nothing is left to refuse.
func rejection(d dme.DN, errs []error, preload bool) error {
	for _, e := range errs {
		var se *dme.SchemaError
		if !errors.As(e, &se) {
			return e
		}
		if preload && se.Rule == dme.RuleReadOnly {
			continue
		}
		return se.DeviceError(violationDN(d, se.Path))
	}
	return nil
}

// violationDN is the DN of the object at path, the RNs from the posted root
// (whose RN is the last of d) down to the offending object.
func violationDN(d dme.DN, path string) string {
	if p := d.Parent(); !p.IsZero() {
		return p.String() + "/" + path
	}
	return path
}
