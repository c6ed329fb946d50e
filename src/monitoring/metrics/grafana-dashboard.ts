/**
 * A Grafana dashboard (its JSON model, for import or provisioning) over the monitor gauges:
 * drift share and dataset drift, each column's drift score, prediction drift, live performance
 * with the labelled rows behind it, data quality, window rows and alerts; one environment at a
 * time through a template variable, on any Prometheus data source.
 */

interface Panel {
  readonly title: string;
  readonly exprs: readonly { readonly expr: string; readonly legend: string }[];
  readonly unit?: string;
  readonly min?: number;
  readonly max?: number;
}

const PANELS: readonly Panel[] = [
  { title: 'Share of columns drifted', exprs: [{ expr: 'sluice_monitor_drift_share{environment="$environment"}', legend: 'drift share' }, { expr: 'sluice_monitor_dataset_drift{environment="$environment"}', legend: 'dataset drift' }], unit: 'percentunit', min: 0, max: 1 },
  { title: 'Drift score by column (p-value or distance)', exprs: [{ expr: 'sluice_monitor_column_drift_score{environment="$environment"}', legend: '{{column}} ({{method}})' }] },
  { title: 'Columns drifted', exprs: [{ expr: 'sluice_monitor_column_drifted{environment="$environment"} == 1', legend: '{{column}}' }], min: 0, max: 1 },
  { title: 'Prediction drift', exprs: [{ expr: 'sluice_monitor_prediction_drift{environment="$environment"}', legend: '{{method}}' }] },
  { title: 'Live performance', exprs: [{ expr: 'sluice_monitor_performance{environment="$environment"}', legend: '{{metric}}' }], min: 0 },
  { title: 'Labelled rows per window', exprs: [{ expr: 'sluice_monitor_labelled_rows{environment="$environment"}', legend: 'labelled' }, { expr: 'sluice_monitor_window_rows{environment="$environment"}', legend: 'rows' }], min: 0 },
  { title: 'Data quality', exprs: [{ expr: 'sluice_monitor_data_quality_share{environment="$environment"}', legend: '{{kind}}' }], unit: 'percentunit', min: 0 },
  { title: 'Alerts raised (last hour)', exprs: [{ expr: 'increase(sluice_monitor_alerts{environment="$environment"}[1h])', legend: '{{rule}} ({{severity}})' }], min: 0 },
  { title: 'Request rate and p99 latency', exprs: [{ expr: 'sum(rate(sluice_inference_requests_total[5m]))', legend: 'requests/s' }, { expr: 'histogram_quantile(0.99, sum by (le) (rate(sluice_inference_request_duration_seconds_bucket[5m])))', legend: 'p99 s' }] },
];

export function grafanaDashboard(environments: readonly string[]): Record<string, unknown> {
  const datasource = { type: 'prometheus', uid: '${datasource}' };
  return {
    title: 'Sluice monitors',
    uid: 'sluice-monitors',
    tags: ['sluice', 'mlops', 'monitoring'],
    timezone: 'utc',
    schemaVersion: 39,
    refresh: '30s',
    time: { from: 'now-24h', to: 'now' },
    templating: {
      list: [
        { name: 'datasource', label: 'Prometheus', type: 'datasource', query: 'prometheus' },
        {
          name: 'environment',
          label: 'Environment',
          type: 'query',
          datasource,
          query: 'label_values(sluice_monitor_window_rows, environment)',
          refresh: 2,
          current: environments[0] === undefined ? {} : { text: environments[0], value: environments[0] },
        },
      ],
    },
    panels: PANELS.map((panel, index) => ({
      id: index + 1,
      type: 'timeseries',
      title: panel.title,
      datasource,
      gridPos: { h: 8, w: 12, x: (index % 2) * 12, y: Math.floor(index / 2) * 8 },
      fieldConfig: { defaults: { unit: panel.unit ?? 'short', ...(panel.min === undefined ? {} : { min: panel.min }), ...(panel.max === undefined ? {} : { max: panel.max }) }, overrides: [] },
      targets: panel.exprs.map((target, k) => ({ refId: String.fromCharCode(65 + k), datasource, expr: target.expr, legendFormat: target.legend })),
    })),
  };
}
