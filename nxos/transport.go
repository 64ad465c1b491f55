package nxos

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/nxcalico/nxcalico/nxos/dme"
)

// maxBody bounds how much of an answer is read (a full subtree of a leaf is a
// few hundred kilobytes).
const maxBody = 64 << 20

// response is one HTTP answer, read completely.
type response struct {
	status  int
	body    []byte
	cookies []*http.Cookie
}

// dmeError returns the error object of the body, or nil. NX-API answers an error with an
// "error" object as the first element of imdata; only then is the body parsed, so a large
// answer is not decoded twice.
func (r *response) dmeError() *dme.Error {
	if !bytes.Contains(r.body, []byte(`"error"`)) || !firstIsError(r.body) {
		return nil
	}
	_, err := dme.Parse(r.body)
	var e *dme.Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// firstIsError reports whether the first object of the body's imdata is of class "error",
// reading only as far as that object's class.
func firstIsError(body []byte) bool {
	d := json.NewDecoder(bytes.NewReader(body))
	if t, err := d.Token(); err != nil || t != json.Delim('{') {
		return false
	}
	for d.More() {
		key, err := d.Token()
		if err != nil {
			return false
		}
		if key != "imdata" {
			var skip json.RawMessage
			if d.Decode(&skip) != nil {
				return false
			}
			continue
		}
		if t, err := d.Token(); err != nil || t != json.Delim('[') {
			return false
		}
		if t, err := d.Token(); err != nil || t != json.Delim('{') {
			return false
		}
		class, err := d.Token()
		return err == nil && class == "error"
	}
	return false
}

// apiError turns a refused answer into *APIError.
func (c *Client) apiError(method, dn string, r *response) *APIError {
	ae := &APIError{Method: method, Status: r.status, DN: dn}
	if e := r.dmeError(); e != nil {
		ae.Code, ae.Text = e.Code, e.Text
	}
	return ae
}

// retryableStatus reports the answers a request that is safe to repeat is
// repeated for: the switch or a proxy in front of it was busy or failing.
func retryableStatus(s int) bool { return s >= 500 && s <= 504 }

// send makes one HTTP attempt. The request is built with go-nxos's NewReq and
// sent with the client's own http.Client under ctx; the session cookie is set
// here (the go-nxos cookie jar is not used).
func (c *Client) send(ctx context.Context, method, path string, q url.Values, body []byte, token string) (*response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req := c.nx.NewReq(method, path, rd)
	if req.HttpReq == nil {
		return nil, fmt.Errorf("nxos: bad request URL %q", c.opts.URL+path+".json")
	}
	if len(q) > 0 {
		req.HttpReq.URL.RawQuery = q.Encode()
	}
	if body != nil {
		req.HttpReq.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.HttpReq.AddCookie(&http.Cookie{Name: cookieName, Value: token})
	}
	start := time.Now()
	c.requests.Add(1)
	res, err := c.nx.HttpClient.Do(req.HttpReq.WithContext(ctx))
	if err != nil {
		c.log.LogAttrs(ctx, slog.LevelDebug, "nxapi request failed", slog.String("method", method), slog.String("path", path),
			slog.Duration("elapsed", time.Since(start)), slog.String("error", err.Error()))
		return nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, maxBody))
	if err != nil {
		c.log.LogAttrs(ctx, slog.LevelDebug, "nxapi answer unreadable", slog.String("method", method), slog.String("path", path),
			slog.Int("status", res.StatusCode), slog.String("error", err.Error()))
		return nil, fmt.Errorf("nxos: %s %s: reading answer: %w", method, path, err)
	}
	c.log.LogAttrs(ctx, slog.LevelDebug, "nxapi request", slog.String("method", method), slog.String("path", path),
		slog.Int("status", res.StatusCode), slog.Int("bytes", len(b)), slog.Duration("elapsed", time.Since(start)))
	return &response{status: res.StatusCode, body: b, cookies: res.Cookies()}, nil
}

// sendRetrying is send with retries on transport errors and 5xx answers when
// safe is true: exponential backoff with jitter, every wait honouring ctx.
// 4xx answers are returned at once.
func (c *Client) sendRetrying(ctx context.Context, method, path string, q url.Values, body []byte, token string, safe bool) (*response, error) {
	for attempt := 0; ; attempt++ {
		r, err := c.send(ctx, method, path, q, body, token)
		if ctx.Err() != nil {
			if err == nil {
				err = ctx.Err()
			}
			return nil, err
		}
		if err == nil && !retryableStatus(r.status) {
			return r, nil
		}
		if !safe || attempt >= c.opts.retries() || permanent(err) {
			if err != nil {
				return nil, fmt.Errorf("nxos: %s %s: %w", method, path, err)
			}
			return r, nil
		}
		d := c.backoff(attempt)
		c.log.LogAttrs(ctx, slog.LevelDebug, "nxapi retry", slog.String("method", method), slog.String("path", path),
			slog.Int("attempt", attempt+1), slog.Duration("wait", d))
		c.retries.Add(1)
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

// permanent reports transport errors that repeating cannot cure: the switch's
// TLS certificate is not trusted, does not match its name, or the URL is wrong.
func permanent(err error) bool {
	var (
		verify   *tls.CertificateVerificationError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		urlErr   *url.Error
	)
	switch {
	case err == nil:
		return false
	case errors.As(err, &verify), errors.As(err, &unknown), errors.As(err, &hostname), errors.As(err, &invalid):
		return true
	case errors.As(err, &urlErr) && strings.Contains(urlErr.Err.Error(), "unsupported protocol scheme"):
		return true
	}
	return false
}

// backoff returns the wait before retry attempt+1: RetryMin·2^attempt capped at
// RetryMax, with "equal jitter" (between half and all of it).
func (c *Client) backoff(attempt int) time.Duration {
	d := c.opts.RetryMin
	for i := 0; i < attempt && d < c.opts.RetryMax; i++ {
		d *= 2
	}
	d = min(d, c.opts.RetryMax)
	half := d / 2
	if half <= 0 {
		return d
	}
	return half + rand.N(half+1)
}

// do makes an authenticated request: it obtains a session, sends (with retries
// when safe) and, when the switch answers 401/403 because it dropped the
// session, logs in again once and repeats. Any refusal becomes *APIError.
func (c *Client) do(ctx context.Context, method, path, dn string, q url.Values, body []byte, safe bool) ([]byte, error) {
	for relogin := 0; ; relogin++ {
		tok, err := c.session(ctx)
		if err != nil {
			return nil, err
		}
		r, err := c.sendRetrying(ctx, method, path, q, body, tok, safe)
		if err != nil {
			return nil, err
		}
		if (r.status == http.StatusUnauthorized || r.status == http.StatusForbidden) && relogin == 0 {
			c.log.LogAttrs(ctx, slog.LevelDebug, "nxapi session refused, logging in again", slog.String("method", method), slog.String("path", path), slog.Int("status", r.status))
			c.invalidate(tok)
			continue
		}
		if r.status < 200 || r.status > 299 {
			return nil, c.apiError(method, dn, r)
		}
		if e := r.dmeError(); e != nil {
			return nil, &APIError{Method: method, Status: r.status, Code: e.Code, Text: e.Text, DN: dn}
		}
		return r.body, nil
	}
}
