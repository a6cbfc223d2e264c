export { newContext, type DoctorContext, type DoctorOptions } from './context.js';
export { renderJson, renderText } from './render.js';
export { CHECKS, runDoctor, type DoctorCheck, type DoctorReport } from './runner.js';
export type { CheckGroup, CheckResult, CheckStatus } from './types.js';
