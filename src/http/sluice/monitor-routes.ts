/**
 * Monitoring for the web UI and any client: each monitor of the project's `monitor:` section with
 * its windows as series over time (drift share and per-column scores, live accuracy with its
 * interval, prediction drift, data quality, SLOs) and the alerts raised on them. The same data
 * `sluice monitor report` draws (buildMonitorReport). A standalone server has no sluice.yaml, so
 * no monitors.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { buildMonitorReport, loadMonitors, openMonitorStore } from '../../monitoring/index.js';
import { PIPELINE_FILE } from '../../workspace/index.js';
import { route, type JsonRoute } from '../route.js';

export const monitorRoutes: readonly JsonRoute[] = [
  route({
    api: 'sluice', method: 'GET', path: '/api/sluice/v1/monitors', role: 'reader',
    summary: "The project's monitors: their newest windows as series over time, and the alerts raised on them",
    request: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
    handle: async (input, { services }) => {
      const root = services.workspace.root;
      if (!existsSync(join(root, PIPELINE_FILE))) return { monitors: [] };
      const store = openMonitorStore(services.store.connection);
      const now = Date.now();
      const monitors = await Promise.all(
        [...loadMonitors(root).monitors.values()].map(async (monitor) => {
          const { timeline, alerts } = await buildMonitorReport(store, monitor, { limit: input.limit }, now);
          // The series carry what the page draws; the windows' full check results stay in `sluice monitor history`.
          const { windows: _windows, ...series } = timeline;
          return { environment: monitor.environment, windows: timeline.windows.length, timeline: series, alerts };
        }),
      );
      return { monitors };
    },
  }),
];
