package nxos

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/nxcalico/nxcalico/design"
	"github.com/nxcalico/nxcalico/nxos/dme"
)

// Credentials are the NX-API user name and password. The password is a
// design.Secret, so printing or logging Credentials (String, LogValue, %v, %#v)
// never shows it.
type Credentials struct {
	Username string
	Password design.Secret
}

// String returns the user name and a redacted password.
func (c Credentials) String() string {
	return fmt.Sprintf("user=%s password=%s", c.Username, design.Redacted)
}

// GoString is String, so %#v redacts too.
func (c Credentials) GoString() string { return "nxos.Credentials{" + c.String() + "}" }

// LogValue implements slog.LogValuer: the user name and a redacted password.
func (c Credentials) LogValue() slog.Value {
	return slog.GroupValue(slog.String("user", c.Username), slog.String("password", design.Redacted))
}

// cookieName is the session cookie NX-API hands out at login.
const cookieName = "APIC-cookie"

// loginBody is the aaaLogin request, marshalled with encoding/json so any
// password (quotes, backslashes, control characters) is escaped correctly.
type loginBody struct {
	AaaUser struct {
		Attributes struct {
			Name string `json:"name"`
			Pwd  string `json:"pwd"`
		} `json:"attributes"`
	} `json:"aaaUser"`
}

// session returns a valid token: it logs in when there is none and refreshes it
// when it is older than Options.RefreshAfter. Refresh and login talk to the
// switch directly (never through do), so a refresh can never wait for itself.
func (c *Client) session(ctx context.Context) (string, error) {
	select {
	case c.authSem <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-c.authSem }()
	if c.token != "" && c.now().Sub(c.issued) <= c.refreshAfter {
		return c.token, nil
	}
	if c.token != "" {
		err := c.refreshLocked(ctx)
		if err == nil {
			return c.token, nil
		}
		if ctx.Err() != nil {
			return "", err
		}
		c.log.LogAttrs(ctx, slog.LevelDebug, "nxapi token refresh failed, logging in again", slog.String("url", c.opts.URL), slog.Any("error", err))
		c.token = ""
	}
	if err := c.loginLocked(ctx); err != nil {
		return "", err
	}
	return c.token, nil
}

// invalidate forgets tok if it is still the current token, so the next request
// logs in again; concurrent callers that saw the same expired token cause one
// login only.
func (c *Client) invalidate(tok string) {
	c.authSem <- struct{}{}
	if c.token == tok {
		c.token = ""
	}
	<-c.authSem
}

// Login authenticates now (it is done automatically before the first request).
func (c *Client) Login(ctx context.Context) error {
	select {
	case c.authSem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-c.authSem }()
	return c.loginLocked(ctx)
}

// Logout ends the session on the switch, if there is one.
func (c *Client) Logout(ctx context.Context) error {
	select {
	case c.authSem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-c.authSem }()
	if c.token == "" {
		return nil
	}
	body, _ := json.Marshal(map[string]any{"aaaUser": map[string]any{"attributes": map[string]string{"name": c.opts.Credentials.Username}}})
	r, err := c.send(ctx, http.MethodPost, "/api/aaaLogout", nil, body, c.token)
	c.token = ""
	if err != nil {
		return err
	}
	if r.status < 200 || r.status > 299 {
		return c.apiError(http.MethodPost, "aaaLogout", r)
	}
	return nil
}

func (c *Client) loginLocked(ctx context.Context) error {
	var lb loginBody
	lb.AaaUser.Attributes.Name = c.opts.Credentials.Username
	lb.AaaUser.Attributes.Pwd = c.opts.Credentials.Password.Reveal()
	body, err := json.Marshal(&lb)
	if err != nil {
		return fmt.Errorf("nxos: login: %w", err)
	}
	c.log.LogAttrs(ctx, slog.LevelDebug, "nxapi login", slog.String("url", c.opts.URL), slog.String("user", c.opts.Credentials.Username))
	r, err := c.sendRetrying(ctx, http.MethodPost, "/api/aaaLogin", nil, body, "", true)
	if err != nil {
		return fmt.Errorf("nxos: login as %q to %s: %w", c.opts.Credentials.Username, c.opts.URL, err)
	}
	tok, life, err := c.tokenFrom(r, "aaaLogin")
	if err != nil {
		return err
	}
	c.token, c.issued = tok, c.now()
	c.setLifetime(life)
	c.logins.Add(1)
	return nil
}

func (c *Client) refreshLocked(ctx context.Context) error {
	c.log.LogAttrs(ctx, slog.LevelDebug, "nxapi token refresh", slog.String("url", c.opts.URL))
	r, err := c.sendRetrying(ctx, http.MethodGet, "/api/aaaRefresh", nil, nil, c.token, true)
	if err != nil {
		return fmt.Errorf("nxos: token refresh on %s: %w", c.opts.URL, err)
	}
	tok, life, err := c.tokenFrom(r, "aaaRefresh")
	if err != nil {
		return err
	}
	c.token, c.issued = tok, c.now()
	c.setLifetime(life)
	return nil
}

// setLifetime lowers the refresh age below the token lifetime the switch
// announced (refreshTimeoutSeconds), leaving a fifth of it as margin, when that
// is shorter than Options.RefreshAfter.
func (c *Client) setLifetime(life time.Duration) {
	c.refreshAfter = c.opts.RefreshAfter
	if life > 0 {
		c.refreshAfter = min(c.refreshAfter, life-life/5)
	}
}

// tokenFrom reads the token of a login or refresh answer: from the body's
// <class>.attributes.token, else from the APIC-cookie the answer sets, and the
// lifetime the switch announces (0 when it announces none).
func (c *Client) tokenFrom(r *response, class string) (string, time.Duration, error) {
	if r.status == http.StatusUnauthorized || r.status == http.StatusForbidden {
		ae := &AuthError{URL: c.opts.URL, User: c.opts.Credentials.Username, Status: r.status}
		if e := r.dmeError(); e != nil {
			ae.Text = e.Text
		}
		return "", 0, ae
	}
	if r.status < 200 || r.status > 299 {
		return "", 0, c.apiError(http.MethodPost, class, r)
	}
	if e := r.dmeError(); e != nil {
		return "", 0, &AuthError{URL: c.opts.URL, User: c.opts.Credentials.Username, Status: r.status, Text: e.Text}
	}
	var tok string
	var life time.Duration
	if objs, err := dme.Parse(r.body); err == nil {
		for _, o := range objs {
			if o.Class == class {
				tok = o.Get("token")
				if n, err := strconv.Atoi(o.Get("refreshTimeoutSeconds")); err == nil && n > 0 {
					life = time.Duration(n) * time.Second
				}
			}
		}
	}
	for _, ck := range r.cookies {
		if tok == "" && ck.Name == cookieName && ck.Value != "" {
			tok = ck.Value
		}
	}
	if tok != "" {
		return tok, life, nil
	}
	return "", 0, &AuthError{URL: c.opts.URL, User: c.opts.Credentials.Username, Status: r.status, Text: class + " answer carries no token"}
}
