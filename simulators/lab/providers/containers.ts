import { startContainerHardware } from '../../containers/hardware.js';
import type { ProviderHardware, ProviderOptions } from './provider.js';

/** pcscd + vpcd in a container of their own: no machine lock, ports of its own, the socket on a bind mount. */
export async function startContainersHardware(options: ProviderOptions): Promise<ProviderHardware> {
  const hardware = await startContainerHardware(options);
  return { hardware, lock: null };
}
