// Command trim cuts OpenAI's OpenAPI document down to what the conformance test needs: the
// operations the probes and the simulator use, the stream event schemas, and every component
// they reference, transitively. Documentation-only extensions (x-oaiMeta and the like, the bulk
// of the file) are dropped; everything kept is byte-for-byte OpenAI's, in its order.
//
//	go run ./extension/conformance/trim SOURCE.yaml > extension/conformance/testdata/openai-openapi.yaml
package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Operations and schemas kept (conformance_test.go validates against them).
var (
	paths       = []string{"/chat/completions", "/responses", "/models", "/embeddings", "/moderations", "/images/generations"}
	methods     = map[string][]string{"/models": {"get"}}
	rootSchemas = []string{"CreateChatCompletionStreamResponse", "ResponseStreamEvent"}
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: trim SOURCE.yaml > TRIMMED.yaml")
		os.Exit(2)
	}
	out, err := trim(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "trim:", err)
		os.Exit(1)
	}
	_, _ = os.Stdout.Write(out)
}

func trim(file string) ([]byte, error) {
	data, err := os.ReadFile(file) // #nosec G304 G703 -- a developer tool: the document its user names
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	header, _, _ := bytes.Cut(data, []byte("\n"))
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	root := doc.Content[0]
	comps := get(root, "components")
	if comps == nil {
		return nil, errors.New("no components")
	}
	keptPaths := &yaml.Node{Kind: yaml.MappingNode}
	for i := 0; i+1 < len(get(root, "paths").Content); i += 2 {
		k, v := get(root, "paths").Content[i], get(root, "paths").Content[i+1]
		if !slices.Contains(paths, k.Value) {
			continue
		}
		ops := &yaml.Node{Kind: yaml.MappingNode}
		for j := 0; j+1 < len(v.Content); j += 2 {
			if m := methods[k.Value]; (m == nil && v.Content[j].Value == "post") || slices.Contains(m, v.Content[j].Value) {
				ops.Content = append(ops.Content, v.Content[j], v.Content[j+1])
			}
		}
		keptPaths.Content = append(keptPaths.Content, k, ops)
	}
	// need holds "kind/name" of every component referenced, transitively (schemas, responses…)
	need := map[string]bool{}
	var queue []string
	for _, n := range rootSchemas {
		queue = append(queue, "schemas/"+n)
	}
	refs(keptPaths, &queue)
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if need[n] {
			continue
		}
		need[n] = true
		kind, name, _ := strings.Cut(n, "/")
		c := get(get(comps, kind), name)
		if c == nil {
			return nil, fmt.Errorf("component %s is referenced but missing", n)
		}
		refs(c, &queue)
	}
	newComps := &yaml.Node{Kind: yaml.MappingNode}
	for i := 0; i+1 < len(comps.Content); i += 2 {
		kind, all := comps.Content[i].Value, comps.Content[i+1]
		if kind == "securitySchemes" {
			newComps.Content = append(newComps.Content, comps.Content[i], all)
			continue
		}
		kept := &yaml.Node{Kind: yaml.MappingNode}
		for j := 0; j+1 < len(all.Content); j += 2 {
			if need[kind+"/"+all.Content[j].Value] {
				kept.Content = append(kept.Content, all.Content[j], all.Content[j+1])
			}
		}
		if len(kept.Content) > 0 {
			newComps.Content = append(newComps.Content, comps.Content[i], kept)
		}
	}
	newRoot := &yaml.Node{Kind: yaml.MappingNode}
	for i := 0; i+1 < len(root.Content); i += 2 {
		switch k := root.Content[i].Value; k {
		case "openapi", "info", "servers", "security":
			newRoot.Content = append(newRoot.Content, root.Content[i], root.Content[i+1])
		case "paths":
			newRoot.Content = append(newRoot.Content, root.Content[i], keptPaths)
		case "components":
			newRoot.Content = append(newRoot.Content, root.Content[i], newComps)
		}
	}
	strip(newRoot)
	newRoot.Content[0].HeadComment = "" // the source's header, rewritten above
	var b bytes.Buffer
	w := bufio.NewWriter(&b)
	fmt.Fprintf(w, "%s\n# Trimmed by extension/conformance/trim: the operations %s and the schemas they reference,\n# with %s; documentation extensions (x-oaiMeta …) dropped. Regenerate with that command, never by hand.\n",
		strings.TrimSpace(strings.Replace(string(header), "Unmodified below this line.", "", 1)), strings.Join(paths, ", "), strings.Join(rootSchemas, " and "))
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(newRoot); err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	_ = enc.Close()
	_ = w.Flush()
	return b.Bytes(), nil
}

func get(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// refs queues the components n references, as "kind/name".
func refs(n *yaml.Node, queue *[]string) {
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == "$ref" {
				if name, ok := strings.CutPrefix(n.Content[i+1].Value, "#/components/"); ok {
					*queue = append(*queue, name)
				}
			}
		}
	}
	for _, c := range n.Content {
		refs(c, queue)
	}
}

// strip drops the documentation-only x-oai* extensions and examples, everywhere.
func strip(n *yaml.Node) {
	if n.Kind == yaml.MappingNode {
		kept := n.Content[:0]
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k := n.Content[i].Value; strings.HasPrefix(k, "x-oai") {
				continue
			}
			kept = append(kept, n.Content[i], n.Content[i+1])
		}
		n.Content = kept
	}
	for _, c := range n.Content {
		strip(c)
	}
}
