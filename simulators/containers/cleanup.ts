import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { removeQuickackRoute } from '../lab/route.js';
import { useEngine } from './engine.js';
import { pcscdRunDir } from './hardware.js';
import { LABEL_CARD_HOST, LABEL_LAB_DIR } from './labels.js';

/** The containers (id and card route) of the lab in `labDir`, running or not. */
export function labContainers(labDir: string): { id: string; cardHost: string }[] {
  const result = spawnSync('docker', ['ps', '-a', '--filter', `label=${LABEL_LAB_DIR}=${labDir}`, '--format', `{{.ID}} {{.Label "${LABEL_CARD_HOST}"}}`], { encoding: 'utf8' });
  if (result.status !== 0) return [];
  return result.stdout
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => {
      const [id = '', cardHost = ''] = line.trim().split(' ');
      return { id, cardHost };
    });
}

/**
 * Removes what a dead supervisor's container lab left: its container (there is no Ryuk to reap it), its card
 * route and its pcscd socket dir. Call only when the lab's supervisor is gone.
 */
export async function removeStaleContainers(labDir: string): Promise<string[]> {
  const cleaned: string[] = [];
  if (await useEngine()) {
    for (const { id, cardHost } of labContainers(labDir)) {
      if (spawnSync('docker', ['rm', '--force', '--volumes', id], { stdio: 'ignore' }).status === 0) cleaned.push(`lab container ${id}`);
      if (cardHost) removeQuickackRoute(cardHost);
    }
  }
  rmSync(pcscdRunDir(labDir), { recursive: true, force: true });
  return cleaned;
}
