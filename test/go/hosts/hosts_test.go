// Package hosts_test drives C hosts of the library from go test, the
// libtailscale way: it builds the library with the project's one recipe and
// runs C programs against it as child processes (a Go test process must never
// load the library: two Go runtimes in one process are unsupported).
package hosts_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// buildLibrary builds libhermetic_pyobject_tls.so into a temporary folder
// with the project's one build recipe and returns that folder.
func buildLibrary(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command("sh", "../../../scripts/build-library.sh", "shared", dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build-library.sh: %v\n%s", err, out)
	}
	return dir
}

// buildHost compiles C sources against the library into an executable.
func buildHost(t *testing.T, libDir string, sources ...string) string {
	t.Helper()
	cc := os.Getenv("CC")
	if cc == "" {
		out, err := exec.Command("go", "env", "CC").Output()
		if err != nil {
			t.Fatal(err)
		}
		cc = strings.TrimSpace(string(out))
	}
	exe := filepath.Join(t.TempDir(), "host")
	args := append([]string{"-std=c11", "-D_GNU_SOURCE", "-Wall", "-Werror", "-I../../../include", "-o", exe}, sources...)
	args = append(args, "-L"+libDir, "-lhermetic_pyobject_tls", "-pthread")
	if out, err := exec.Command(cc, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", cc, args, err, out)
	}
	return exe
}

func TestDemoHost(t *testing.T) {
	lib := buildLibrary(t)
	host := buildHost(t, lib, "../../../examples/demo.c")
	cmd := exec.Command(host)
	cmd.Env = append(os.Environ(), "LD_LIBRARY_PATH="+lib)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	for _, want := range []string{
		"have_state() = false\n",
		"init_state(); have_state() = true\n",
		"hermetic thread: set_state(true),  get_state() = true\n",
		"ordinary thread: set_state(false), get_state() = false\n",
		"main thread:     never set,        get_state() = false\n",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
}
