// dockerfile-check runs BuildKit's own Dockerfile checks (the rules behind `docker build --check`) on each
// file given, offline, and prints one line per finding. Exit 1 when any file has a finding or an error.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	"github.com/moby/buildkit/frontend/dockerfile/dockerfile2llb"
	"github.com/opencontainers/go-digest"
)

// offlineImages answers every base-image lookup with an empty Linux image config, so the checks never
// reach a registry. Rules about the base image's own settings cannot fire; the Dockerfile's own can.
type offlineImages struct{}

func (offlineImages) ResolveImageConfig(_ context.Context, ref string, _ sourceresolver.Opt) (string, digest.Digest, []byte, error) {
	config := []byte(`{"architecture":"amd64","os":"linux","config":{}}`)
	return ref, digest.FromBytes(config), config, nil
}

func main() {
	failed := false
	for _, file := range os.Args[1:] {
		data, err := os.ReadFile(file)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", file, err)
			os.Exit(2)
		}
		sourceMap := llb.NewSourceMap(nil, file, "Dockerfile", data)
		sourceMap.Definition = &llb.Definition{} // the lint results want one; there is no build state here
		results, err := dockerfile2llb.DockerfileLint(context.Background(), data, dockerfile2llb.ConvertOpt{
			SourceMap:    sourceMap,
			MetaResolver: offlineImages{},
		})
		if err != nil {
			fmt.Printf("%s: error: %v\n", file, err)
			failed = true
			continue
		}
		if results.Error != nil {
			fmt.Printf("%s: error: %s\n", file, results.Error.Message)
			failed = true
		}
		for _, warning := range results.Warnings {
			line := int32(0)
			if warning.Location != nil && len(warning.Location.Ranges) > 0 {
				line = warning.Location.Ranges[0].Start.Line
			}
			fmt.Printf("%s:%d: %s: %s\n", file, line, warning.RuleName, warning.Detail)
			failed = true
		}
	}
	if failed {
		os.Exit(1)
	}
}
