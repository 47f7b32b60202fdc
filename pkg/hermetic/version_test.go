package hermetic_test

import (
	"os"
	"regexp"
	"testing"

	"github.com/hermetic-pyobject-tls/hermetic-pyobject-tls/pkg/hermetic"
)

func TestVersionMatchesHeader(t *testing.T) {
	header, err := os.ReadFile("../../include/hermetic_pyobject_tls.h")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^#define HERMETIC_PYOBJECT_TLS_VERSION "([0-9.]+)"$`).FindSubmatch(header)
	if m == nil {
		t.Fatal("no HERMETIC_PYOBJECT_TLS_VERSION in the header")
	}
	if got := string(m[1]); got != hermetic.Version {
		t.Errorf("header says %q, hermetic.Version = %q", got, hermetic.Version)
	}
}
