import path from 'node:path';
import { LOAD_USAGE, LoadUsageError, parseLoadArgs } from '../../load/args.js';
import { runLoadCommand } from '../../load/runner.js';
import { defaultBackend } from '../../simulators/lab/lab-client.js';
import { repoRoot } from '../../simulators/lab/paths.js';

/** `t1c-lab load`: signing-path load against ceilings measured in the same run; reports and a baseline check. */
export async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseLoadArgs(args, defaultBackend() === 'pcsc');
  } catch (e) {
    if (e instanceof LoadUsageError || (e instanceof TypeError && 'code' in e)) {
      console.error(`t1c-lab load: ${e.message}\n\n${LOAD_USAGE}`);
      return 2;
    }
    throw e;
  }
  if (parsed.help) {
    console.log(LOAD_USAGE);
    return 0;
  }
  const outcome = await runLoadCommand(parsed, repoRoot(), (line) => console.log(line));
  console.log('');
  for (const g of outcome.summary.goals) {
    const value = g.value === null ? 'not measured' : g.value.toFixed(3);
    console.log(`goal ${g.met === null ? '–' : g.met ? '✓' : '✗'} ${g.backend}: ${g.goal}: ${value} (${g.target})`);
  }
  const regressions = outcome.summary.baseline?.regressions ?? [];
  if (outcome.summary.baseline) console.log(regressions.length === 0 ? 'baseline: no regression' : `baseline: REGRESSED ${regressions.join(', ')}`);
  console.log(`reports: ${outcome.files.map((f) => path.relative(process.cwd(), f)).join(', ')}`);
  return outcome.exitCode;
}
