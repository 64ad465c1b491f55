package calico

// isDNS1123Subdomain reports whether s is a valid Kubernetes object name (a DNS-1123 subdomain:
// at most 253 characters, dot-separated labels of [a-z0-9-] that start and end with [a-z0-9]). It
// agrees with k8s.io/apimachinery's validation.IsDNS1123Subdomain without a regular expression,
// which matters when thousands of names are checked.
func isDNS1123Subdomain(s string) bool {
	if len(s) == 0 || len(s) > maxNameLen {
		return false
	}
	start := true // at the start of a label
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isLowerAlnum(c):
			start = false
		case c == '-':
			if start || i+1 == len(s) || s[i+1] == '.' {
				return false
			}
		case c == '.':
			if start || i+1 == len(s) {
				return false
			}
			start = true
		default:
			return false
		}
	}
	return true
}

// isLabelValue reports whether s is a non-empty Kubernetes label value: at most 63 characters of
// [A-Za-z0-9-_.], starting and ending with an alphanumeric character. It agrees with
// validation.IsValidLabelValue for non-empty values.
func isLabelValue(s string) bool {
	if len(s) == 0 || len(s) > 63 || !isAlnum(s[0]) || !isAlnum(s[len(s)-1]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && c != '-' && c != '_' && c != '.' {
			return false
		}
	}
	return true
}

func isLowerAlnum(c byte) bool { return ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') }

func isAlnum(c byte) bool { return isLowerAlnum(c) || ('A' <= c && c <= 'Z') }
