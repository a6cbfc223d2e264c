import { useEngine } from '../../containers/engine.js';
import { LabError } from '../lab-error.js';
import type { Provider } from './provider.js';

/**
 * The provider a lab runs with: `containers` when asked for and a Docker engine answers; otherwise the local one,
 * said in one line — except in strict mode (T1C_LAB_STRICT=1), where a missing engine is a failure.
 */
export async function resolveProvider(
  requested: Provider | undefined,
  note: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
  findEngine: (env: NodeJS.ProcessEnv) => Promise<string | null> = useEngine,
): Promise<Provider> {
  if (requested !== 'containers') return 'local';
  if (await findEngine(env)) return 'containers';
  const why = 'no Docker engine answers (DOCKER_HOST, /var/run/docker.sock, or `node scripts/docker-engine.mjs start`)';
  if (env['T1C_LAB_STRICT'] === '1') throw new LabError('ERR_LAB_CONTAINERS', `--provider containers: ${why} (T1C_LAB_STRICT=1: a missing component is a failure)`);
  note(`--provider containers: ${why}; using the local provider`);
  return 'local';
}
