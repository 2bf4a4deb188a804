package module

import (
	"reflect"
	"strings"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/probe"
)

// jsResult is a probe result as JS sees it: the js-tagged fields, with named string types
// (component, class, blame) as plain strings. Sobek would wrap a named string type as an object,
// and r.class === "rate_limited" would then be false.
func jsResult(r *probe.Result) map[string]any {
	v := reflect.ValueOf(r).Elem()
	ty := v.Type()
	out := make(map[string]any, ty.NumField())
	for i := range ty.NumField() {
		name, _, _ := strings.Cut(ty.Field(i).Tag.Get("js"), ",")
		if name == "" || name == "-" {
			continue
		}
		f := v.Field(i)
		if f.Kind() == reflect.String {
			out[name] = f.String()
		} else {
			out[name] = f.Interface()
		}
	}
	return out
}

func jsResults(rs []*probe.Result) []map[string]any {
	out := make([]map[string]any, len(rs))
	for i, r := range rs {
		out[i] = jsResult(r)
	}
	return out
}
