package dme

import (
	"bytes"
	"fmt"
)

// Error is the error object NX-OS returns in a response body:
// {"imdata":[{"error":{"attributes":{"code":"102","text":"…"}}}]}.
// Code is the DME error code ("102" parent not found, "17" unknown class, …).
type Error struct {
	Code string
	Text string
}

// Error implements error.
func (e *Error) Error() string {
	return fmt.Sprintf("nxos: error %s: %s", e.Code, e.Text)
}

// Body returns the NX-OS response body carrying e.
func (e *Error) Body() []byte {
	b := make([]byte, 0, 64+len(e.Text))
	b = append(b, `{"imdata":[{"error":{"attributes":{"code":`...)
	b = appendString(b, e.Code)
	b = append(b, `,"text":`...)
	b = appendString(b, e.Text)
	return append(b, `}}}]}`...)
}

// Parse reads a GET answer {"totalCount":"N","imdata":[…]} and returns its
// objects. When imdata holds an error object, Parse returns it as *Error.
func Parse(body []byte) ([]*Object, error) {
	var r struct {
		TotalCount any        `json:"totalCount"`
		Imdata     []wireNode `json:"imdata"`
	}
	if err := decodeJSON(body, &r); err != nil {
		return nil, fmt.Errorf("dme: response: %w", err)
	}
	if r.Imdata == nil && !bytes.Contains(body, []byte(`"imdata"`)) {
		return nil, fmt.Errorf("dme: response without \"imdata\": %s", abbrev(body))
	}
	objs := make([]*Object, 0, len(r.Imdata))
	for i, w := range r.Imdata {
		if eb, ok := w["error"]; ok && len(w) == 1 {
			code, _ := scalar(eb.Attributes["code"])
			text, _ := scalar(eb.Attributes["text"])
			return nil, &Error{Code: code, Text: text}
		}
		o, err := w.object()
		if err != nil {
			return nil, fmt.Errorf("dme: response imdata[%d]: %w", i, err)
		}
		objs = append(objs, o)
	}
	return objs, nil
}
