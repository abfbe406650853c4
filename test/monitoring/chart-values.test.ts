/**
 * The prometheus-grafana stack's values for third-party charts against what those charts and the objects beside
 * them expect. Helm ignores a key it does not know and a label nobody selects goes unnoticed, so these hold the
 * names that tie the files together: each was checked once by rendering the pinned charts with these values
 * (kube-prometheus-stack 88.5.3, prometheus-blackbox-exporter 11.17.2, loki 18.11.0), and is kept here without the charts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { monitoringCases, renderCase } from './cases.js';

const kubernetesCases = monitoringCases.filter((entry) => !entry.label.startsWith('compose-')).map(renderCase);

const yamlOf = (rendered: ReturnType<typeof renderCase>, filePath: string) => {
  const text = rendered.byPath.get(filePath);
  assert.ok(text, `${rendered.label}: ${filePath} is generated`);
  return parse(text);
};

/**
 * The options of blackbox exporter's http prober (v0.28.0, config.go's HTTPProbe and the HTTP client settings it
 * inlines) that a module may use. The exporter parses its file strictly: an unknown option stops it starting.
 */
const blackboxHttpOptions = new Set([
  'valid_status_codes', 'valid_http_versions', 'preferred_ip_protocol', 'ip_protocol_fallback', 'skip_resolve_phase_with_proxy',
  'no_follow_redirects', 'fail_if_ssl', 'fail_if_not_ssl', 'method', 'headers', 'fail_if_body_matches_regexp',
  'fail_if_body_not_matches_regexp', 'fail_if_body_json_matches_cel', 'fail_if_body_json_not_matches_cel',
  'fail_if_header_matches', 'fail_if_header_not_matches', 'body', 'body_file', 'compression', 'body_size_limit', 'enable_http3',
  'basic_auth', 'authorization', 'oauth2', 'bearer_token', 'bearer_token_file', 'tls_config', 'follow_redirects',
  'enable_http2', 'proxy_url', 'no_proxy', 'proxy_from_environment', 'proxy_connect_header', 'http_headers',
]);

for (const rendered of kubernetesCases) {
  describe(`chart values: ${rendered.label}`, () => {
    const stack = yamlOf(rendered, 'monitoring/kubernetes/values/kube-prometheus-stack.yaml');

    test("Alertmanager reads the Secret that `kubectl apply -k monitoring` generates, and the chart makes none of its own", () => {
      const kustomization = yamlOf(rendered, 'monitoring/kustomization.yaml');
      const generated = kustomization.secretGenerator.find((entry: { files: string[] }) => entry.files.some((file) => file.startsWith('alertmanager.yaml=')));
      assert.ok(generated, 'the kustomization generates the Alertmanager configuration Secret');
      // A hash suffix would rename the Secret on every change and leave configSecret pointing at nothing.
      assert.equal(generated.options.disableNameSuffixHash, true);
      const spec = stack.alertmanager.alertmanagerSpec;
      assert.equal(spec.configSecret, generated.name);
      // Without useExistingSecret the chart also writes its own alertmanager.config into a second Secret.
      assert.equal(spec.useExistingSecret, true);
    });

    test("Grafana's sidecars pick up the ConfigMaps monitoring/grafana generates (label, value, folder annotation)", () => {
      const grafana = yamlOf(rendered, 'monitoring/grafana/kustomization.yaml');
      const dashboards = stack.grafana.sidecar.dashboards;
      assert.equal(dashboards.enabled, true);
      const generated: { name: string; options: { labels: Record<string, string>; annotations?: Record<string, string> } }[] = grafana.configMapGenerator;
      const dashboardMaps = generated.filter((entry) => entry.name.startsWith('grafana-dashboard-'));
      assert.ok(dashboardMaps.length > 0, 'dashboards are generated');
      for (const entry of dashboardMaps) {
        assert.equal(entry.options.labels[dashboards.label], dashboards.labelValue, entry.name);
        assert.ok(entry.options.annotations?.[dashboards.folderAnnotation], `${entry.name}: its folder annotation is the one the sidecar reads`);
      }
      // The datasource sidecar keeps the chart's label (grafana_datasource: "1").
      assert.equal(stack.grafana.sidecar.datasources.enabled, true);
      assert.equal(stack.grafana.sidecar.datasources.label, undefined, 'the chart default label is kept');
      assert.ok(generated.some((entry) => entry.options.labels.grafana_datasource === '1'), 'the data sources ConfigMap carries grafana_datasource: "1"');
    });

    test("Grafana's and Loki's rules sidecars read their own namespace under a Role, not every Secret of the cluster", () => {
      // Both charts bind a ClusterRole with get/list/watch on every ConfigMap and Secret unless rbac.namespaced;
      // everything the sidecars load (the charts' own dashboards, monitoring/grafana, the Loki rules) is in this namespace.
      assert.equal(stack.grafana.rbac.namespaced, true);
      // kube-prometheus-stack sets searchNamespace: ALL; null removes it, and the sidecar watches its own namespace.
      assert.ok('searchNamespace' in stack.grafana.sidecar.dashboards && stack.grafana.sidecar.dashboards.searchNamespace === null);
      assert.equal(stack.grafana.sidecar.datasources.searchNamespace, undefined);
      const loki = yamlOf(rendered, 'monitoring/kubernetes/values/loki.yaml');
      assert.equal(loki.rbac.namespaced, true);
      assert.equal(loki.sidecar.rules.searchNamespace, undefined);
      assert.equal(loki.sidecar.rules.resource, 'configmap');
      assert.equal(stack.grafana.testFramework.enabled, false, "the chart's root test pod is not installed");
    });

    test('the blackbox exporter runs as non-root at the pod level too, with the runtime default seccomp profile', () => {
      const blackbox = yamlOf(rendered, 'monitoring/kubernetes/values/prometheus-blackbox-exporter.yaml');
      assert.deepEqual(blackbox.podSecurityContext, { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      assert.equal(blackbox.securityContext.runAsNonRoot, true);
    });

    test("the Probes use the blackbox chart's Service and a module its values define, with options the exporter knows", () => {
      const blackbox = yamlOf(rendered, 'monitoring/kubernetes/values/prometheus-blackbox-exporter.yaml');
      const probesText = rendered.byPath.get('monitoring/kubernetes/probes.yaml');
      if (!probesText) return;
      // Release prometheus-blackbox-exporter: the chart names its Service after the release, on port 9115.
      for (const probe of [probesText].flatMap((text) => text.split(/^---$/m)).map((text) => parse(text)).filter(Boolean)) {
        assert.equal(probe.spec.prober.url, 'prometheus-blackbox-exporter.monitoring.svc:9115', probe.metadata.name);
        const module = blackbox.config.modules[probe.spec.module];
        assert.ok(module, `${probe.metadata.name}: module ${probe.spec.module} is defined`);
        assert.equal(module.prober, 'http');
        for (const option of Object.keys(module.http)) assert.ok(blackboxHttpOptions.has(option), `http prober option ${option}`);
      }
    });
  });
}
