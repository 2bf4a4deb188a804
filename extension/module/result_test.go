package module

import (
	"reflect"
	"testing"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/probe"
)

// Every js-visible field of probe.Result reaches JS, with its name and a plain type.
func TestJSResultCoversProbeResult(t *testing.T) {
	want := map[string]bool{}
	rt := reflect.TypeOf(probe.Result{})
	for i := range rt.NumField() {
		if tag := rt.Field(i).Tag.Get("js"); tag != "" && tag != "-" {
			want[tag] = true
		}
	}
	jt := reflect.TypeOf(jsProbeResult{})
	for i := range jt.NumField() {
		f := jt.Field(i)
		delete(want, f.Tag.Get("js"))
		if f.Type.Kind() == reflect.String && f.Type.PkgPath() != "" {
			t.Errorf("%s is a named string type: JS would see an object", f.Name)
		}
	}
	for tag := range want {
		t.Errorf("probe.Result's %q does not reach JS", tag)
	}
}
