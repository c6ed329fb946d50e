/** The deploy service of the current workspace, for `sluice deploy` and `sluice rollout`. */
import { createDeployService, loadEnvironments, openRolloutStore, type DeployService } from '../../deploy/index.js';
import { cliActor, withServices, type CliContext } from '../services.js';

/** Runs `work` with the workspace's deploy service; alerts go to stderr as they are raised. */
export function withDeployService<T>(context: CliContext, work: (deploy: DeployService) => Promise<T>): Promise<T> {
  return withServices(context, async (services) => {
    const config = loadEnvironments(services.workspace.root);
    const deploy = createDeployService({
      store: openRolloutStore(services.store.connection),
      registry: services.registry(cliActor()),
      config,
      onAlert: (message, rollout) => context.stderr.write(`sluice: ALERT ${rollout.environment}: ${message}\n`),
    });
    return work(deploy);
  });
}
