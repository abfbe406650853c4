// Command k8s-schemas writes the strict JSON Schemas that kubeconform reads from disk (test/validation/validators/kubeconform.ts):
//
//   - one file per Kubernetes kind from the OpenAPI v2 document of k8s.io/kubernetes (api/openapi-spec/swagger.json),
//     named as kubeconform's `{{ .ResourceKind }}{{ .KindSuffix }}{{ .StrictSuffix }}.json` template expands:
//     deployment-apps-v1-strict.json, service-v1-strict.json, ingress-networking-v1-strict.json;
//   - one file per served version of each CustomResourceDefinition given, named as
//     `{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}{{ .StrictSuffix }}.json` expands:
//     argoproj.io/rollout_v1alpha1-strict.json.
//
// Every file stands alone (the definitions it reaches are copied under "definitions"; references stay local) and is
// strict: an object schema that declares properties gets `additionalProperties: false` unless it already says
// otherwise or carries `x-kubernetes-preserve-unknown-fields: true`, so an unknown field (`selectr:`) is rejected.
// `kind` and `apiVersion` are pinned with an enum. Only the strict variant is written: kubeconform run without
// -strict looks for names without `-strict` and finds no schema, which fails rather than validating loosely.
//
// Usage: k8s-schemas -swagger swagger.json -k8s-out DIR -crd-out DIR CRD.yaml...
// It fails (exit status 1) on anything unexpected: no kinds found, two definitions for one file name, a CRD file
// without a CustomResourceDefinition, a served version without a schema.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

const (
	quantityDef    = "io.k8s.apimachinery.pkg.api.resource.Quantity"
	objectMetaDef  = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
	definitionsRef = "#/definitions/"
)

func main() {
	swagger := flag.String("swagger", "", "the Kubernetes OpenAPI v2 document (api/openapi-spec/swagger.json)")
	k8sOut := flag.String("k8s-out", "", "folder for the Kubernetes kinds' schemas (created)")
	crdOut := flag.String("crd-out", "", "folder for the CRDs' schemas (created)")
	flag.Parse()
	if *swagger == "" || *k8sOut == "" || *crdOut == "" {
		fmt.Fprintln(os.Stderr, "usage: k8s-schemas -swagger FILE -k8s-out DIR -crd-out DIR CRD.yaml...")
		os.Exit(2)
	}
	if err := run(*swagger, *k8sOut, *crdOut, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "k8s-schemas:", err)
		os.Exit(1)
	}
}

func run(swaggerFile, k8sOut, crdOut string, crdFiles []string) error {
	raw, err := os.ReadFile(swaggerFile)
	if err != nil {
		return err
	}
	var doc struct {
		Definitions map[string]map[string]any `json:"definitions"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return fmt.Errorf("%s: %w", swaggerFile, err)
	}
	if len(doc.Definitions) == 0 {
		return fmt.Errorf("%s: no definitions", swaggerFile)
	}
	defs := map[string]any{}
	for name, def := range doc.Definitions {
		if name == quantityDef {
			// A quantity is written as a string ("500m") or a number (cpu: 1) in YAML.
			def = map[string]any{"description": def["description"], "oneOf": []any{
				map[string]any{"type": "string"}, map[string]any{"type": "number"}}}
		}
		defs[name] = strictSchema(def)
	}

	k8sCount, err := writeKubernetes(defs, doc.Definitions, k8sOut)
	if err != nil {
		return err
	}
	crdCount := 0
	for _, file := range crdFiles {
		n, err := writeCRDs(file, defs, crdOut)
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		crdCount += n
	}
	fmt.Fprintf(os.Stderr, "k8s-schemas: %d Kubernetes schemas in %s, %d CRD schemas in %s\n", k8sCount, k8sOut, crdCount, crdOut)
	return nil
}

func writeKubernetes(defs map[string]any, original map[string]map[string]any, out string) (int, error) {
	written := map[string]string{}
	names := make([]string, 0, len(original))
	for name := range original {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		gvks, _ := original[name]["x-kubernetes-group-version-kind"].([]any)
		for _, item := range gvks {
			gvk, _ := item.(map[string]any)
			group, _ := gvk["group"].(string)
			version, _ := gvk["version"].(string)
			kind, _ := gvk["kind"].(string)
			if kind == "" || version == "" {
				return 0, fmt.Errorf("%s: a group-version-kind without kind or version: %v", name, gvk)
			}
			apiVersion, suffix := version, "-"+strings.ToLower(version)
			if group != "" {
				apiVersion = group + "/" + version
				suffix = "-" + strings.ToLower(strings.Split(group, ".")[0]) + suffix
			}
			file := strings.ToLower(kind) + suffix + "-strict.json"
			if previous, ok := written[file]; ok {
				return 0, fmt.Errorf("%s: both %s and %s map to it", file, previous, name)
			}
			written[file] = name
			root := deepCopy(defs[name]).(map[string]any)
			pinKind(root, kind, apiVersion)
			if err := writeStandalone(filepath.Join(out, file), root, defs); err != nil {
				return 0, err
			}
		}
	}
	if len(written) == 0 {
		return 0, errors.New("no definition has x-kubernetes-group-version-kind")
	}
	return len(written), nil
}

func writeCRDs(file string, defs map[string]any, out string) (int, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return 0, err
	}
	count := 0
	for _, part := range splitYAML(raw) {
		var crd struct {
			Kind string `json:"kind"`
			Spec struct {
				Group string `json:"group"`
				Names struct {
					Kind string `json:"kind"`
				} `json:"names"`
				Versions []struct {
					Name   string `json:"name"`
					Served bool   `json:"served"`
					Schema struct {
						OpenAPIV3Schema map[string]any `json:"openAPIV3Schema"`
					} `json:"schema"`
				} `json:"versions"`
			} `json:"spec"`
		}
		if err := yaml.Unmarshal(part, &crd); err != nil {
			return 0, err
		}
		if crd.Kind != "CustomResourceDefinition" {
			continue
		}
		for _, version := range crd.Spec.Versions {
			if !version.Served {
				continue
			}
			schema := version.Schema.OpenAPIV3Schema
			if schema == nil {
				return 0, fmt.Errorf("%s %s: no openAPIV3Schema", crd.Spec.Names.Kind, version.Name)
			}
			props, _ := schema["properties"].(map[string]any)
			if props == nil {
				props = map[string]any{}
				schema["properties"] = props
			}
			// The API server checks metadata as an ObjectMeta whatever the CRD says: so does this schema.
			props["metadata"] = map[string]any{"$ref": definitionsRef + objectMetaDef}
			for _, field := range []string{"apiVersion", "kind"} {
				if _, ok := props[field]; !ok {
					props[field] = map[string]any{"type": "string"}
				}
			}
			root := strictSchema(schema).(map[string]any)
			pinKind(root, crd.Spec.Names.Kind, crd.Spec.Group+"/"+version.Name)
			name := filepath.Join(out, crd.Spec.Group, strings.ToLower(crd.Spec.Names.Kind)+"_"+version.Name+"-strict.json")
			if err := writeStandalone(name, root, defs); err != nil {
				return 0, err
			}
			count++
		}
	}
	if count == 0 {
		return 0, errors.New("no served version of a CustomResourceDefinition")
	}
	return count, nil
}

func splitYAML(raw []byte) [][]byte {
	var parts [][]byte
	for _, part := range bytes.Split(append([]byte("\n"), raw...), []byte("\n---")) {
		if len(bytes.TrimSpace(part)) > 0 {
			parts = append(parts, part)
		}
	}
	return parts
}

func pinKind(root map[string]any, kind, apiVersion string) {
	props, _ := root["properties"].(map[string]any)
	if props == nil {
		return
	}
	props["kind"] = map[string]any{"type": "string", "enum": []any{kind}}
	props["apiVersion"] = map[string]any{"type": "string", "enum": []any{apiVersion}}
}

// writeStandalone writes root with a copy of every definition it reaches, so the file needs no other file.
func writeStandalone(file string, root map[string]any, defs map[string]any) error {
	reached := map[string]any{}
	var walk func(node any) error
	walk = func(node any) error {
		switch n := node.(type) {
		case map[string]any:
			if ref, ok := n["$ref"].(string); ok {
				name, found := strings.CutPrefix(ref, definitionsRef)
				if !found {
					return fmt.Errorf("%s: a reference outside the definitions: %s", file, ref)
				}
				if _, done := reached[name]; !done {
					def, ok := defs[name]
					if !ok {
						return fmt.Errorf("%s: a reference to a missing definition: %s", file, ref)
					}
					reached[name] = def
					if err := walk(def); err != nil {
						return err
					}
				}
			}
			for _, value := range n {
				if err := walk(value); err != nil {
					return err
				}
			}
		case []any:
			for _, value := range n {
				if err := walk(value); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk(root); err != nil {
		return err
	}
	if len(reached) > 0 {
		root["definitions"] = reached
	}
	data, err := json.Marshal(root)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	return os.WriteFile(file, append(data, '\n'), 0o644)
}

// strictSchema returns a copy of a schema in which every object that declares properties forbids other ones, an
// int-or-string accepts both, and a nullable value accepts null; it walks only schema positions, never property
// names (JSONSchemaProps has a property called "properties").
func strictSchema(node any) any {
	schema, ok := node.(map[string]any)
	if !ok {
		return node
	}
	out := map[string]any{}
	for key, value := range schema {
		switch key {
		case "properties", "definitions", "patternProperties":
			children := map[string]any{}
			for name, child := range value.(map[string]any) {
				children[name] = strictSchema(child)
			}
			out[key] = children
		case "items", "additionalProperties", "not":
			if list, isList := value.([]any); isList {
				out[key] = strictList(list)
			} else {
				out[key] = strictSchema(value)
			}
		case "allOf", "anyOf", "oneOf":
			out[key] = strictList(value.([]any))
		default:
			out[key] = deepCopy(value)
		}
	}
	if out["format"] == "int-or-string" {
		delete(out, "format")
		delete(out, "type")
		out["oneOf"] = []any{map[string]any{"type": "string"}, map[string]any{"type": "integer"}}
	}
	if out["nullable"] == true {
		delete(out, "nullable")
		if t, isString := out["type"].(string); isString {
			out["type"] = []any{t, "null"}
		}
		if enum, isList := out["enum"].([]any); isList {
			out["enum"] = append(enum, nil)
		}
	}
	if props, hasProps := out["properties"].(map[string]any); hasProps && len(props) > 0 {
		if out["x-kubernetes-embedded-resource"] == true {
			// An embedded object always has these, declared or not.
			for _, field := range []string{"apiVersion", "kind"} {
				if _, declared := props[field]; !declared {
					props[field] = map[string]any{"type": "string"}
				}
			}
			if _, declared := props["metadata"]; !declared {
				props["metadata"] = map[string]any{"type": "object"}
			}
		}
		_, open := out["additionalProperties"]
		if !open && out["x-kubernetes-preserve-unknown-fields"] != true {
			out["additionalProperties"] = false
		}
	}
	return out
}

func strictList(list []any) []any {
	out := make([]any, len(list))
	for i, item := range list {
		out[i] = strictSchema(item)
	}
	return out
}

func deepCopy(node any) any {
	switch n := node.(type) {
	case map[string]any:
		out := make(map[string]any, len(n))
		for key, value := range n {
			out[key] = deepCopy(value)
		}
		return out
	case []any:
		out := make([]any, len(n))
		for i, value := range n {
			out[i] = deepCopy(value)
		}
		return out
	default:
		return node
	}
}
